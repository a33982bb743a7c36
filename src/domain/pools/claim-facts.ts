import type { Tx } from '../../db/client.ts';
import { stampColumns, stampOfRow } from '../org/snapshot.ts';

export interface ClaimFacts {
  status: string;
  ownerId: number | null;
  regionId: number | null;
  /** When the claimer last released this store or lost it to auto-return. */
  lastLeftAt: Date | null;
  /** The claimer's stores that count toward the cap, and its customers. */
  held: number;
  customers: number;
  /** The org stamp (`scopeAt`), read in the same statement. */
  stamp: string;
}

/**
 * Everything a claim checks, with the org stamp, in one statement: a claim is the pool's hottest
 * write, and each statement costs a few tenths of a millisecond more than its SQL (a Prisma query
 * about a millisecond). Null when the store does not exist.
 */
export async function claimFacts(tx: Tx, storeId: number, personId: number): Promise<ClaimFacts | null> {
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT ${stampColumns}, s."status", s."ownerId", s."regionId",
      (SELECT max(h."at") FROM "ClaimHistory" h
        WHERE h."storeId" = s."id" AND h."fromOwnerId" = ${personId} AND h."action" IN ('release', 'auto_return')) AS "lastLeftAt",
      (SELECT count(*) FROM "Store" x WHERE x."ownerId" = ${personId} AND x."isCustomer" = ${false}) AS "held",
      (SELECT count(*) FROM "Store" x WHERE x."ownerId" = ${personId} AND x."isCustomer" = ${true}) AS "customers"
    FROM "Store" s WHERE s."id" = ${storeId}`;
  const r = rows[0];
  if (!r) return null;
  // An aggregate's type is unknown to the SQLite driver (ISO text there, a Date on PostgreSQL).
  const at = r.lastLeftAt;
  return {
    status: String(r.status),
    ownerId: r.ownerId === null ? null : Number(r.ownerId),
    regionId: r.regionId === null ? null : Number(r.regionId),
    lastLeftAt: at === null || at === undefined ? null : new Date(at as string | Date),
    held: Number(r.held),
    customers: Number(r.customers),
    stamp: stampOfRow(r),
  };
}
