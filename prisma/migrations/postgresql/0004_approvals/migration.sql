-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "sendingAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Opportunity" ADD COLUMN     "reportStatus" TEXT NOT NULL DEFAULT 'none';

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalStep" (
    "id" SERIAL NOT NULL,
    "requestId" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "level" INTEGER NOT NULL,
    "unitId" INTEGER,
    "status" TEXT NOT NULL,
    "decidedById" INTEGER,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "ApprovalStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalApprover" (
    "stepId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "via" TEXT NOT NULL DEFAULT 'route',
    "addedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApprovalApprover_pkey" PRIMARY KEY ("stepId","personId")
);

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

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalRequest" ADD CONSTRAINT "ApprovalRequest_opportunityId_fkey" FOREIGN KEY ("opportunityId") REFERENCES "Opportunity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ApprovalRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalStep" ADD CONSTRAINT "ApprovalStep_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalApprover" ADD CONSTRAINT "ApprovalApprover_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "ApprovalStep"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalApprover" ADD CONSTRAINT "ApprovalApprover_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

