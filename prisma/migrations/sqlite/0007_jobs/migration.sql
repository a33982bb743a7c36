-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN "remindedAt" DATETIME;

-- AlterTable
ALTER TABLE "ApprovalApprover" ADD COLUMN "onBehalfOfId" INTEGER;

-- CreateTable
CREATE TABLE "JobRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "job" TEXT NOT NULL,
    "slot" TEXT NOT NULL,
    "scheduledAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'schedule',
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT,
    "byId" INTEGER
);

-- CreateTable
CREATE TABLE "Absence" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "delegateId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "setById" INTEGER,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Absence_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Absence_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- AlterTable (added in place rather than Prisma's rebuild of the table: same columns, same order)
ALTER TABLE "ApprovalStep" ADD COLUMN "remindCount" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ApprovalStep" ADD COLUMN "lastRemindedAt" DATETIME;
ALTER TABLE "ApprovalStep" ADD COLUMN "escalatedAt" DATETIME;
ALTER TABLE "ApprovalStep" ADD COLUMN "onBehalfOfId" INTEGER;

-- CreateIndex
CREATE INDEX "JobRun_job_scheduledAt_idx" ON "JobRun"("job", "scheduledAt");

-- CreateIndex
CREATE INDEX "JobRun_startedAt_idx" ON "JobRun"("startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_slot_key" ON "JobRun"("job", "slot");

-- CreateIndex
CREATE INDEX "Absence_personId_endsAt_idx" ON "Absence"("personId", "endsAt");

-- CreateIndex
CREATE INDEX "Absence_delegateId_idx" ON "Absence"("delegateId");

-- CreateIndex
CREATE INDEX "FollowUp_status_dueAt_idx" ON "FollowUp"("status", "dueAt");

