import { Prisma, type Db, type Tx } from '../../db/client.ts';
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

/** The stamp is opaque: what these columns hold, in this order. */
const STAMP_ALIASES = ['stampU', 'stampUn', 'stampR', 'stampRn', 'stampS', 'stampSn'] as const;

/**
 * The stamp's columns, to select alongside another read: a hot path that reads a row anyway learns
 * the stamp in the same statement (see `stampOfRow`) instead of a statement of its own.
 */
export const stampColumns = Prisma.sql`
  (SELECT max("updatedAt") FROM "OrgUnit") AS "stampU", (SELECT count(*) FROM "OrgUnit") AS "stampUn",
  (SELECT max("updatedAt") FROM "Region") AS "stampR", (SELECT count(*) FROM "Region") AS "stampRn",
  (SELECT max("updatedAt") FROM "Setting") AS "stampS", (SELECT count(*) FROM "Setting") AS "stampSn"`;

/** The stamp of a row read with `stampColumns`. */
export function stampOfRow(row: Record<string, unknown>): string {
  const values = STAMP_ALIASES.map((a) => {
    const v = row[a];
    // count(*) is a bigint; max() is ISO text on SQLite and a Date on PostgreSQL.
    return typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : (v ?? null);
  });
  return JSON.stringify(values);
}

async function stampOf(db: Db | Tx): Promise<string> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT ${stampColumns}`;
  return stampOfRow(rows[0]!);
}

export async function orgSnapshot(db: Db | Tx): Promise<OrgSnapshot> {
  return orgSnapshotAt(db, await stampOf(db));
}

/** The snapshot for a stamp already read (`stampOfRow`): from the cache, or read now. */
export async function orgSnapshotAt(db: Db | Tx, stamp: string): Promise<OrgSnapshot> {
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
