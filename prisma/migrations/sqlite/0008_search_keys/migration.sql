-- AlterTable
ALTER TABLE "Person" ADD COLUMN "initialsKey" TEXT;
ALTER TABLE "Person" ADD COLUMN "pinyinKey" TEXT;

-- AlterTable
ALTER TABLE "Store" ADD COLUMN "initialsKey" TEXT;
ALTER TABLE "Store" ADD COLUMN "pinyinKey" TEXT;

-- CreateIndex
CREATE INDEX "Store_pinyinKey_idx" ON "Store"("pinyinKey");

-- CreateIndex
CREATE INDEX "Store_initialsKey_idx" ON "Store"("initialsKey");


-- The text index of store names and their pinyin and initials keys: FTS5 with the trigram tokenizer
-- finds any substring of 3 or more characters (Chinese characters included) without scanning the
-- table. External content: the index keeps no copy of the text, it reads "Store" by rowid (= "id").
-- Not a Prisma model (Prisma has no virtual tables); kept in step with "Store" by the triggers below,
-- which fire only when a key column changes, not on every visit or claim.
CREATE VIRTUAL TABLE "StoreSearch" USING fts5(
    "nameKey", "pinyinKey", "initialsKey",
    content = 'Store', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER "StoreSearch_insert" AFTER INSERT ON "Store" BEGIN
    INSERT INTO "StoreSearch" (rowid, "nameKey", "pinyinKey", "initialsKey") VALUES (new."id", new."nameKey", new."pinyinKey", new."initialsKey");
END;

CREATE TRIGGER "StoreSearch_delete" AFTER DELETE ON "Store" BEGIN
    INSERT INTO "StoreSearch" ("StoreSearch", rowid, "nameKey", "pinyinKey", "initialsKey") VALUES ('delete', old."id", old."nameKey", old."pinyinKey", old."initialsKey");
END;

CREATE TRIGGER "StoreSearch_update" AFTER UPDATE OF "id", "nameKey", "pinyinKey", "initialsKey" ON "Store" BEGIN
    INSERT INTO "StoreSearch" ("StoreSearch", rowid, "nameKey", "pinyinKey", "initialsKey") VALUES ('delete', old."id", old."nameKey", old."pinyinKey", old."initialsKey");
    INSERT INTO "StoreSearch" (rowid, "nameKey", "pinyinKey", "initialsKey") VALUES (new."id", new."nameKey", new."pinyinKey", new."initialsKey");
END;

-- The stores already there (their pinyin and initials are back-filled at start, through the triggers).
INSERT INTO "StoreSearch" ("StoreSearch") VALUES ('rebuild');
