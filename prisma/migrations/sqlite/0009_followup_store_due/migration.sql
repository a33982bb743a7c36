-- DropIndex
DROP INDEX "FollowUp_storeId_status_idx";

-- CreateIndex
CREATE INDEX "FollowUp_storeId_status_dueAt_idx" ON "FollowUp"("storeId", "status", "dueAt");

