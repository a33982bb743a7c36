-- DropIndex
DROP INDEX "Store_nameKey_idx";

-- CreateIndex
CREATE INDEX "Store_nameKey_ownerId_regionId_status_idx" ON "Store"("nameKey", "ownerId", "regionId", "status");

