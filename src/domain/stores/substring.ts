import { Prisma, type Db } from '../../db/client.ts';
import type { Scope } from '../org/scope.ts';

/**
 * Ids of visible stores whose normalised name contains `key` (in name order: no ORDER BY, which
 * would make SQLite walk the table in id order instead of the index). A substring cannot use an
 * index range, so the name index (which also holds owner, region and status) is scanned and the
 * visibility rules are checked on its entries: `+ 0` keeps the planner from answering the OR of
 * visibility rules through other indexes, which meant thousands of random row reads for a manager.
 */
export async function substringMatches(db: Db, scope: Scope, key: string, opts: { claimable: boolean; take: number }): Promise<number[]> {
  const owner = Prisma.sql`("ownerId" + 0)`;
  const region = Prisma.sql`("regionId" + 0)`;
  const inList = (column: Prisma.Sql, ids: number[]) => (ids.length ? Prisma.sql`${column} IN (${Prisma.join(ids)})` : Prisma.sql`1 = 0`);
  let visible: Prisma.Sql;
  if (opts.claimable) {
    visible = Prisma.sql`${owner} IS NULL AND "status" = 'active' AND ${inList(region, scope.poolRegionIds)}`;
  } else if (scope.all) {
    visible = Prisma.sql`"status" <> 'deleted'`;
  } else {
    visible = Prisma.sql`"status" <> 'deleted' AND (${owner} = ${scope.actor.id}
      OR (${owner} IS NULL AND ${inList(region, scope.poolRegionIds)})
      OR ${inList(owner, scope.memberIds)}
      OR ${inList(region, scope.ownedRegionIds)})`;
  }
  // nameKey holds no % or _ (punctuation is stripped), so the pattern needs no escaping.
  const rows = await db.$queryRaw<{ id: number | bigint }[]>`
    SELECT "id" FROM "Store" WHERE "nameKey" LIKE ${`%${key}%`} AND ${visible} LIMIT ${opts.take}`;
  return rows.map((r) => Number(r.id));
}
