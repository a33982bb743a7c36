import { Prisma } from '../../db/client.ts';
import { storeVisibleSql, type Scope } from '../org/scope.ts';

/**
 * Up to this many pool regions (and no team or regions of its own, as for a rep), the stores an
 * actor sees are few enough (its own and a few hundred public ones per region) to be read through
 * the owner and region indexes; more, and scanning the name index is cheaper. Measured on the bench
 * data set (100,000 stores): a rep ~0.7 ms through the indexes against ~12 ms scanning; a manager
 * ~13 ms scanning against 15–80 ms through the indexes.
 */
const FEW_REGIONS = 10;

/**
 * SQL for the ids of visible stores whose normalised name contains `key`, up to `take` (in no
 * particular order: an ORDER BY would make SQLite walk the table in id order instead of an index).
 * A substring cannot use an index range: for a lead the name index (which also holds owner, region
 * and status) is scanned and the visibility rules are checked on its entries; for a rep the few
 * stores it sees are read through the owner and region indexes.
 */
export function substringMatchIds(scope: Scope, key: string, opts: { claimable: boolean; take: number }): Prisma.Sql {
  const fewRegions = scope.poolRegionIds.length <= FEW_REGIONS;
  const few = opts.claimable ? fewRegions : !scope.all && !scope.memberIds.length && !scope.ownedRegionIds.length && fewRegions;
  const visible = storeVisibleSql(scope, 'x', { claimable: opts.claimable, viaOwnerAndRegion: few });
  // nameKey holds no % or _ (punctuation is stripped), so the pattern needs no escaping.
  return Prisma.sql`SELECT x."id" FROM "Store" x WHERE x."nameKey" LIKE ${`%${key}%`} AND ${visible} LIMIT ${opts.take}`;
}
