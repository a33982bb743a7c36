import { Prisma, type Db, type Tx } from '../../db/client.ts';
import { parseRing, type BBox } from '../geo/polygon.ts';
import { noPace, pacer } from '../imports/pace.ts';
import { RegionGrid } from './grid.ts';
import { loadRegionIndex, type IndexedRegion } from './locate.ts';

// Stores take the region their point falls in. Reading and writing go through raw SQL: after a large
// region edit this moves tens of thousands of rows, where Prisma's per-row cost would dominate.

/** Stores read per statement: bounds memory on big data sets, large enough to keep statements few. */
const PAGE = 50_000;
/**
 * On PostgreSQL the transaction has a connection of its own, so the event loop gets a turn between
 * statements (pace.ts), and pages are smaller: Prisma turns each row of a result into an object on
 * this thread (50,000 rows: a quarter of a second without a turn).
 *
 * On SQLite the caller's transaction holds the one connection the whole process shares: a turn in the
 * middle would let other requests read the stores half moved, and their writes join this transaction.
 * So no turn there; a re-assignment of most of 100,000 stores is about a second of this thread. Saving
 * one region on a SQLite file therefore does not come here: it computes the moves before a short
 * transaction (save-staged.ts), nor do deleting a region and the GeoJSON import. The org import still does.
 */
const PG_PAGE = 5_000;
/** Ids per UPDATE on PostgreSQL: below its limit on bound parameters. */
const CHUNK = 5_000;

/** After regions change anywhere (org import): every store with a location is located again. */
export async function relocateStores(tx: Tx): Promise<{ moved: number }> {
  const { regions } = await loadRegionIndex(tx);
  return { moved: await relocate(tx, regions, Prisma.sql`1 = 1`) };
}

/**
 * After an edit of some regions: only stores inside `area` (the union of the edited regions' old and
 * new bounding boxes) can change region, and only regions whose box meets `area` can receive them.
 * `without` is a region being deleted: it takes no stores (the caller clears what still points at it).
 */
export async function relocateArea(tx: Tx, area: BBox, opts: { without?: number } = {}): Promise<{ moved: number }> {
  const regions = (await regionsMeeting(tx, area)).filter((r) => r.id !== opts.without);
  const inside = Prisma.sql`"lng" >= ${area.minLng} AND "lng" <= ${area.maxLng} AND "lat" >= ${area.minLat} AND "lat" <= ${area.maxLat}`;
  return { moved: await relocate(tx, regions, inside) };
}

/** The regions whose bounding box meets `area`, by id: the only ones that can take a store inside it. */
export async function regionsMeeting(db: Db | Tx, area: BBox): Promise<IndexedRegion[]> {
  const rows = await db.region.findMany({
    where: { minLng: { lte: area.maxLng }, maxLng: { gte: area.minLng }, minLat: { lte: area.maxLat }, maxLat: { gte: area.minLat } },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => ({ id: r.id, key: r.key, unitId: r.unitId, ring: parseRing(JSON.parse(r.polygon)), minLng: r.minLng, minLat: r.minLat, maxLng: r.maxLng, maxLat: r.maxLat }));
}

/** The smallest box holding every given box. */
export function unionBox(boxes: BBox[]): BBox {
  return {
    minLng: Math.min(...boxes.map((b) => b.minLng)),
    minLat: Math.min(...boxes.map((b) => b.minLat)),
    maxLng: Math.max(...boxes.map((b) => b.maxLng)),
    maxLat: Math.max(...boxes.map((b) => b.maxLat)),
  };
}

async function relocate(tx: Tx, regions: IndexedRegion[], where: Prisma.Sql): Promise<number> {
  const index = new RegionGrid(regions);
  // Prisma sets @updatedAt from the wall clock; a raw update does the same.
  const now = new Date();
  const sqlite = isSqlite(tx);
  const pace = (tx as unknown as { _activeProvider?: unknown })._activeProvider === 'postgresql' ? pacer() : noPace;
  let cacheBefore: number | null | undefined; // undefined: not widened (yet)
  let moved = 0;
  let after = 0;
  try {
    for (;;) {
      await pace();
      const page = sqlite ? await readPageSqlite(tx, where, after) : await readPage(tx, where, after);
      if (page.length === 0) break;
      const byRegion = new Map<number | null, number[]>();
      let changed = 0;
      for (const s of page) {
        if (s.id > after) after = s.id;
        const regionId = index.locate(s.lng, s.lat)?.id ?? null;
        if (regionId === s.regionId) continue;
        let ids = byRegion.get(regionId);
        if (!ids) byRegion.set(regionId, (ids = []));
        ids.push(s.id);
        changed++;
      }
      if (sqlite && cacheBefore === undefined && changed >= LARGE_MOVE) cacheBefore = await widenCache(tx);
      for (const [regionId, ids] of byRegion) {
        if (sqlite) {
          // One statement and one parameter for any number of stores: binding thousands of
          // parameters costs more than the update itself.
          await tx.$executeRaw`UPDATE "Store" SET "regionId" = ${regionId}, "updatedAt" = ${now}
            WHERE "id" IN (SELECT "value" FROM json_each(${JSON.stringify(ids)}))`;
        } else {
          for (let i = 0; i < ids.length; i += CHUNK) {
            await pace();
            const chunk = ids.slice(i, i + CHUNK);
            await tx.$executeRaw`UPDATE "Store" SET "regionId" = ${regionId}, "updatedAt" = ${now} WHERE "id" IN (${Prisma.join(chunk)})`;
          }
        }
      }
      moved += changed;
      if (page.length < (sqlite ? PAGE : PG_PAGE)) break;
    }
  } finally {
    if (typeof cacheBefore === 'number') await tx.$executeRawUnsafe(`PRAGMA cache_size = ${cacheBefore}`).catch(() => undefined);
  }
  return moved;
}

/** Moves (in one page of stores) from which SQLite's page cache is widened for the writes. */
const LARGE_MOVE = 5_000;

/**
 * Moving most stores rewrites most pages of the Store table and of its two indexes holding the
 * region (about 40 MB for 100,000 stores). The connection's page cache (16 MB) cannot hold them, so
 * pages are spilled to the log and written again: the writes take twice as long. For a big move only,
 * the cache is widened to 64 MB and set back afterwards (SQLite then frees what is over). Returns the
 * size to set back, or null when the cache was that large already.
 */
async function widenCache(tx: Tx): Promise<number | null> {
  const WIDE_KIB = 65_536;
  const rows = await tx.$queryRawUnsafe<{ cache_size: number | bigint }[]>('PRAGMA cache_size');
  const before = Number(rows[0]?.cache_size ?? -2000);
  // Negative: KiB; positive: pages (of 4 KiB, the default page size).
  if ((before < 0 ? -before : before * 4) >= WIDE_KIB) return null;
  await tx.$executeRawUnsafe(`PRAGMA cache_size = -${WIDE_KIB}`);
  return before;
}

interface StorePoint {
  id: number;
  lng: number;
  lat: number;
  regionId: number | null;
}

/**
 * Prisma's client knows its provider, though not in its typed API. Unknown (a future Prisma) means
 * the portable statements: slower on SQLite, the same result.
 */
const isSqlite = (tx: Tx): boolean => (tx as unknown as { _activeProvider?: unknown })._activeProvider === 'sqlite';

async function readPage(tx: Tx, where: Prisma.Sql, after: number): Promise<StorePoint[]> {
  const rows = await tx.$queryRaw<{ id: number | bigint; lng: number; lat: number; regionId: number | bigint | null }[]>`
    SELECT "id", "lng", "lat", "regionId" FROM "Store"
    WHERE "id" > ${after} AND "lng" IS NOT NULL AND "lat" IS NOT NULL AND ${where}
    ORDER BY "id" LIMIT ${PG_PAGE}`;
  return rows.map((r) => ({ id: Number(r.id), lng: r.lng, lat: r.lat, regionId: r.regionId === null ? null : Number(r.regionId) }));
}

/**
 * The same page as one text value: Prisma turns each row of a result into an object at a cost
 * (half a second for 100,000 rows), SQLite concatenates them in a tenth of that. `%!.17g` writes
 * every coordinate exactly (SQLite's own text conversion keeps 15 digits).
 */
async function readPageSqlite(tx: Tx, where: Prisma.Sql, after: number): Promise<StorePoint[]> {
  const rows = await tx.$queryRaw<{ page: string | null }[]>`
    SELECT group_concat("row", ';') AS "page" FROM (
      SELECT "id" || ',' || printf('%!.17g', "lng") || ',' || printf('%!.17g', "lat") || ',' || ifnull("regionId", '') AS "row"
      FROM "Store" WHERE "id" > ${after} AND "lng" IS NOT NULL AND "lat" IS NOT NULL AND ${where}
      ORDER BY "id" LIMIT ${PAGE})`;
  const text = rows[0]?.page;
  if (!text) return [];
  return text.split(';').map((row) => {
    const [id, lng, lat, regionId] = row.split(',');
    return { id: Number(id), lng: Number(lng), lat: Number(lat), regionId: regionId ? Number(regionId) : null };
  });
}
