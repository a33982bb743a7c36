-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN "leaseOwner" TEXT;
ALTER TABLE "Outbox" ADD COLUMN "sendingAt" DATETIME;

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "flow" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requesterId" INTEGER NOT NULL,
    "storeId" INTEGER NOT NULL,
    "opportunityId" INTEGER,
    "amount" INTEGER,
    "fields" TEXT NOT NULL,
    "returnedFields" TEXT,
    "round" INTEGER NOT NULL DEFAULT 1,
    "currentStepId" INTEGER,
    "openKey" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    CONSTRAINT "ApprovalRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApprovalRequest_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApprovalRequest_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "Opportunity" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApprovalStep" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "requestId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "unitId" INTEGER,
    "status" TEXT NOT NULL,
    "decidedById" INTEGER,
    "comment" TEXT,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    CONSTRAINT "ApprovalStep_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApprovalStep_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApprovalApprover" (
    "stepId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "via" TEXT NOT NULL DEFAULT 'route',
    "addedAt" DATETIME NOT NULL,

    PRIMARY KEY ("stepId", "personId"),
    CONSTRAINT "ApprovalApprover_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "ApprovalStep" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ApprovalApprover_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Opportunity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "storeId" INTEGER NOT NULL,
    "ownerId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "expectedCloseAt" DATETIME NOT NULL,
    "stage" TEXT NOT NULL,
    "competitors" TEXT,
    "notes" TEXT,
    "wonAmount" INTEGER,
    "wonAt" DATETIME,
    "contractNo" TEXT,
    "lostReason" TEXT,
    "reportStatus" TEXT NOT NULL DEFAULT 'none',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Opportunity_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Opportunity_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Opportunity" ("amount", "competitors", "contractNo", "createdAt", "expectedCloseAt", "id", "lostReason", "name", "notes", "ownerId", "stage", "storeId", "updatedAt", "wonAmount", "wonAt") SELECT "amount", "competitors", "contractNo", "createdAt", "expectedCloseAt", "id", "lostReason", "name", "notes", "ownerId", "stage", "storeId", "updatedAt", "wonAmount", "wonAt" FROM "Opportunity";
DROP TABLE "Opportunity";
ALTER TABLE "new_Opportunity" RENAME TO "Opportunity";
CREATE INDEX "Opportunity_ownerId_stage_idx" ON "Opportunity"("ownerId", "stage");
CREATE INDEX "Opportunity_storeId_idx" ON "Opportunity"("storeId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalRequest_openKey_key" ON "ApprovalRequest"("openKey");

-- CreateIndex
CREATE INDEX "ApprovalRequest_requesterId_status_idx" ON "ApprovalRequest"("requesterId", "status");

-- CreateIndex
CREATE INDEX "ApprovalRequest_opportunityId_idx" ON "ApprovalRequest"("opportunityId");

-- CreateIndex
CREATE INDEX "ApprovalRequest_storeId_idx" ON "ApprovalRequest"("storeId");

-- CreateIndex
CREATE INDEX "ApprovalStep_requestId_idx" ON "ApprovalStep"("requestId");

-- CreateIndex
CREATE INDEX "ApprovalStep_decidedById_decidedAt_idx" ON "ApprovalStep"("decidedById", "decidedAt");

-- CreateIndex
CREATE INDEX "ApprovalApprover_personId_active_idx" ON "ApprovalApprover"("personId", "active");

