import type { Tx } from '../../db/client.ts';
import { storeColumns, type Store } from '../stores/stores.ts';

// The conditional updates of claim and release, raw: they are the hottest writes of the pool, and a
// raw UPDATE … RETURNING is one statement without a query compilation (updateManyAndReturn's cost).
// `updatedAt` is set as Prisma's @updatedAt would set it.

/** Makes a public, active store the claimer's; null when it is no longer public and active (another claimer won). */
export async function takeIfPublic(tx: Tx, storeId: number, owned: { ownerId: number; claimedAt: Date; protectedUntil: Date }): Promise<Store | null> {
  const rows = await tx.$queryRaw<Store[]>`
    UPDATE "Store" SET "ownerId" = ${owned.ownerId}, "claimedAt" = ${owned.claimedAt}, "protectedUntil" = ${owned.protectedUntil}, "updatedAt" = ${new Date()}
    WHERE "id" = ${storeId} AND "ownerId" IS NULL AND "status" = 'active'
    RETURNING ${storeColumns}`;
  return rows[0] ?? null;
}

/** Returns a store to the public pool (no owner, no protection, no longer a customer); null when `ownerId` no longer owns it. */
export async function releaseIfOwner(tx: Tx, storeId: number, ownerId: number): Promise<Store | null> {
  const rows = await tx.$queryRaw<Store[]>`
    UPDATE "Store" SET "ownerId" = NULL, "claimedAt" = NULL, "protectedUntil" = NULL, "isCustomer" = ${false}, "customerSince" = NULL, "updatedAt" = ${new Date()}
    WHERE "id" = ${storeId} AND "ownerId" = ${ownerId}
    RETURNING ${storeColumns}`;
  return rows[0] ?? null;
}

/** The person's open follow-ups of the store are cancelled (it left the person's pool). */
export async function cancelOpenFollowUps(tx: Tx, storeId: number, personId: number): Promise<void> {
  await tx.$executeRaw`UPDATE "FollowUp" SET "status" = 'cancelled', "updatedAt" = ${new Date()}
    WHERE "storeId" = ${storeId} AND "personId" = ${personId} AND "status" = 'open'`;
}
