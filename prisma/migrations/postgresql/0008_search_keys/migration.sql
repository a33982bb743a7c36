-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "initialsKey" TEXT,
ADD COLUMN     "pinyinKey" TEXT;

-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "initialsKey" TEXT,
ADD COLUMN     "pinyinKey" TEXT;

-- CreateIndex
CREATE INDEX "Store_pinyinKey_idx" ON "Store"("pinyinKey");

-- CreateIndex
CREATE INDEX "Store_initialsKey_idx" ON "Store"("initialsKey");


-- The text index of store names and their pinyin and initials keys: pg_trgm's GIN index answers
-- LIKE '%…%' of 3 or more characters (Chinese characters included, in a UTF-8 database) without
-- scanning the table. One index over the three keys, joined by a space (no search key holds one
-- before its alternative reading, and no query does): the search matches on this same expression
-- (src/domain/stores/candidates.ts). Not in the Prisma schema, which has no expression indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Store_search_trgm_idx" ON "Store" USING gin (("nameKey" || ' ' || coalesce("pinyinKey", '') || ' ' || coalesce("initialsKey", '')) gin_trgm_ops);
