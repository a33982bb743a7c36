import type { Db, Tx } from '../../db/client.ts';
import { loadSettings, type Settings } from '../settings/settings.ts';
import { buildTree, type OrgTree } from './tree.ts';

/**
 * The settings, the org tree and which unit owns each region: read by nearly every domain call and
 * changed rarely. They are kept per database and re-read only when a cheap stamp (the newest change
 * and the row count of each of the three tables) differs — one small query instead of three.
 */
export interface OrgSnapshot {
  settings: Settings;
  tree: OrgTree;
  regionUnits: { id: number; unitId: number }[];
}

// Keyed by the stamp itself: the same stamp means the same content, whichever database client (or
// transaction, or copy of a database) asks. A few entries cover tests that open several databases.
const cache = new Map<string, OrgSnapshot>();
const MAX_ENTRIES = 8;

async function stampOf(db: Db | Tx): Promise<string> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT (SELECT max("updatedAt") FROM "OrgUnit") AS u, (SELECT count(*) FROM "OrgUnit") AS un,
           (SELECT max("updatedAt") FROM "Region") AS r, (SELECT count(*) FROM "Region") AS rn,
           (SELECT max("updatedAt") FROM "Setting") AS s, (SELECT count(*) FROM "Setting") AS sn`;
  return JSON.stringify(rows[0], (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

export async function orgSnapshot(db: Db | Tx): Promise<OrgSnapshot> {
  const stamp = await stampOf(db);
  const hit = cache.get(stamp);
  if (hit) return hit;
  const [settings, units, regions] = await Promise.all([
    loadSettings(db),
    db.orgUnit.findMany({ select: { id: true, parentId: true } }),
    db.region.findMany({ select: { id: true, unitId: true } }),
  ]);
  const snapshot = { settings, tree: buildTree(units), regionUnits: regions };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(stamp, snapshot);
  return snapshot;
}
