import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import { ConflictError } from '../errors.ts';
import type { BBox } from '../geo/polygon.ts';
import { jsonCell } from '../imports/bulk-sql.ts';
import { pacer, type Pace } from '../imports/pace.ts';
import { SqliteWorker, sqliteFileOf, whileTransactionsWait } from '../imports/sqlite-worker.ts';
import { RegionGrid } from './grid.ts';
import type { IndexedRegion } from './locate.ts';

/*
 * Saving a region on SQLite without holding the server's thread or the write lock for long.
 *
 * Before: one transaction checked the outline, wrote the region and re-assigned every store in the
 * edited area, a point-in-polygon test each — with 100,000 stores about a second of this thread
 * (better-sqlite3 is synchronous and the process shares one connection), every Slack ack and every
 * other write waiting for it. Now:
 * 1. The regions and the org tree are fingerprinted (their text), then the edit is checked and the
 *    stores of the area are read and located, all outside any transaction, giving the event loop its
 *    turns (pace.ts). What the stores were (id, point, region) is kept as read.
 * 2. One short transaction compares the fingerprint (any region or unit changed: checked and computed
 *    again, nothing written), reads the area's stores again in one statement and compares them with
 *    what was read: a store moved, created or re-assigned meanwhile is located again there, with the
 *    new outline, so that no concurrent change is lost; then writes the region, the moves and the audit.
 * 3. A small edit commits on this thread (a few milliseconds); one that moves thousands of stores
 *    commits in a worker thread's connection (imports/sqlite-worker.ts), this thread's transactions
 *    waiting without blocking the event loop meanwhile.
 */

/** The id a plan gives the i-th new region of its writes until the commit knows the real one. */
export const newRegionId = (i: number) => -1 - i;

export type RegionRowData = { key: string; name: string; unitId: number; polygon: string; minLng: number; minLat: number; maxLng: number; maxLat: number };

/** One region written by a plan, and its audit entry (`moved` added to `after` when `auditMoved`). */
export interface RegionWrite {
  /** null: a new region (`newRegionId(i)` among the plan's new ones, in order, stands for it). */
  id: number | null;
  row: RegionRowData;
  audit: { action: string; before: unknown; after: Record<string, unknown>; auditMoved?: boolean };
}

/** What a checked edit writes (a save, a GeoJSON import, a deletion), as regions.ts and geojson.ts work it out. */
export interface PlannedSave {
  actorId: number;
  writes: RegionWrite[];
  /** A region deleted: stores still pointing at it after the moves lose their region. */
  remove: { id: number; audit: { before: unknown } } | null;
  /** The stores inside `area` are located again (absent: no outline changed). */
  relocate: { area: BBox; regions: IndexedRegion[] } | null;
}

export interface SaveOptions {
  /** Tests: runs once the moves are computed, just before the commit of each attempt. */
  beforeCommit?: (attempt: number) => Promise<void> | void;
  /** Benchmarks: where it committed, and how long this process's other transactions waited for it. */
  committed?: (facts: { inWorker: boolean; holdMs: number; attempts: number }) => void;
}

const MAX_ATTEMPTS = 3;
/** Stores read per statement outside the transaction (each statement is synchronous on this thread). */
const PAGE = 5_000;
/** From these many stores in the area, or moves, the commit runs in a worker thread. */
const WORKER_FROM_AREA = 20_000;
const WORKER_FROM_MOVES = 2_000;
// The worker only commits, holding the write lock: not niced as the store import's (which also reads
// and stages), since on a busy machine a niced thread held it five times as long (1 s for 22,000 moves).

/** The worker's page cache for a big move (KiB): the rewritten Store pages and the two indexes on the region. */
const WIDE_CACHE_KIB = 65_536;

const sep = (a: string) => `${a} || char(31) || `;
const PRINT = `SELECT
  (SELECT group_concat("x", char(30)) FROM (SELECT ${sep('"id"')}${sep('"key"')}${sep('"name"')}${sep('"unitId"')}"polygon" AS "x" FROM "Region" ORDER BY "id")) AS "regions",
  (SELECT group_concat("x", char(30)) FROM (SELECT "id" || char(31) || ifnull("parentId", '') AS "x" FROM "OrgUnit" ORDER BY "id")) AS "units"`;
type Print = { regions: string | null; units: string | null };
const IN_AREA = `"lng" IS NOT NULL AND "lat" IS NOT NULL AND "lng" >= ? AND "lng" <= ? AND "lat" >= ? AND "lat" <= ?`;
/**
 * A store's id, point and region folded into one number below 2^30: their sum over the area changes
 * when any store in it changes, comes or goes (unless the changes cancel out, about one chance in a
 * billion). Building the area's text again inside the transaction took five times as long as this sum
 * (0.3 s for 100,000 stores, the write lock held meanwhile); the text is read again only when the sum
 * differs. Integers throughout (a coordinate in 10^-12 degrees): the same on both connections.
 */
const FOLD = `(("id" * 2654435761 + ifnull("regionId", 0) * 40503 + CAST("lng" * 1e12 AS INTEGER) * 97 + CAST("lat" * 1e12 AS INTEGER)) % 1000000007)`;
/** The area's stores as one text (a page of them with a limit): `%!.17g` writes every coordinate exactly. */
const AREA_STORES = `SELECT group_concat("row", ';') AS "page", count(*) AS "n", max("id") AS "last", sum("fold") AS "fold" FROM (
  SELECT "id", "id" || ',' || printf('%!.17g', "lng") || ',' || printf('%!.17g', "lat") || ',' || ifnull("regionId", '') AS "row", ${FOLD} AS "fold"
  FROM "Store" WHERE "id" > ? AND ${IN_AREA}
  ORDER BY "id" LIMIT ?)`;
const AREA_FOLD = `SELECT count(*) AS "n", sum(${FOLD}) AS "fold" FROM "Store" WHERE ${IN_AREA}`;
const DETACH = `UPDATE "Store" SET "regionId" = NULL, "updatedAt" = ? WHERE "regionId" = ?`;
const DELETE_REGION = `DELETE FROM "Region" WHERE "id" = ?`;
const UPDATE_REGION = `UPDATE "Region" SET "key" = ?, "name" = ?, "unitId" = ?, "polygon" = ?, "minLng" = ?, "minLat" = ?, "maxLng" = ?, "maxLat" = ?, "updatedAt" = ? WHERE "id" = ?`;
const INSERT_REGION = `INSERT INTO "Region" ("key", "name", "unitId", "polygon", "minLng", "minLat", "maxLng", "maxLat", "createdAt", "updatedAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`;
const MOVE = `UPDATE "Store" SET "regionId" = ?, "updatedAt" = ? WHERE "id" IN (SELECT "value" FROM json_each(?)) AND "regionId" IS NOT ?`;
const INSERT_AUDIT = `INSERT INTO "AuditLog" ("actorId", "action", "entity", "entityId", "before", "after", "at") VALUES (?, ?, 'region', ?, ?, ?, ?)`;

/** The statements of the commit, on this thread's transaction or on the worker's connection. */
interface Sql {
  get<R>(sql: string, params: unknown[]): Promise<R | null>;
  run(sql: string, params: unknown[]): Promise<number>;
}
const onTx = (tx: Tx | Db): Sql => ({
  get: async <R>(sql: string, params: unknown[]) => ((await tx.$queryRawUnsafe<R[]>(sql, ...params))[0] ?? null),
  run: (sql, params) => tx.$executeRawUnsafe(sql, ...params),
});
const onWorker = (w: SqliteWorker): Sql => ({ get: (sql, params) => w.get(sql, params), run: (sql, params) => w.run(sql, params) });

interface StorePoint {
  id: number;
  lng: number;
  lat: number;
  regionId: number | null;
}
const parsePoints = (text: string | null): StorePoint[] =>
  text
    ? text.split(';').map((row) => {
        const [id, lng, lat, regionId] = row.split(',');
        return { id: Number(id), lng: Number(lng), lat: Number(lat), regionId: regionId ? Number(regionId) : null };
      })
    : [];
const areaParams = (a: BBox) => [a.minLng, a.maxLng, a.minLat, a.maxLat];

const CHANGED = Symbol('changed');

/**
 * Saves a region planned by `plan` (which checks the edit, on the database as it is now, and throws
 * what is wrong with it) on a SQLite file; `null` when the database is not one (an in-memory SQLite:
 * no second connection can see it) and the caller should save in one transaction as before.
 */
export async function saveRegionStaged(deps: Deps, plan: (pace: Pace) => Promise<PlannedSave>, o: SaveOptions = {}): Promise<Committed | null> {
  const file = await sqliteFileOf(deps.db);
  if (file === null) return null;
  for (let attempt = 1; ; attempt++) {
    const r = await attemptSave(deps, file, plan, { ...o, attempt });
    if (r !== CHANGED) return r;
    // A region or the org tree changed between the checks and the commit: check and compute again.
    if (attempt === MAX_ATTEMPTS) throw new ConflictError('error.generic');
  }
}

async function attemptSave(
  deps: Deps,
  file: string,
  plan: (pace: Pace) => Promise<PlannedSave>,
  o: SaveOptions & { attempt: number },
): Promise<Committed | typeof CHANGED> {
  const pace = pacer();
  const print = await onTx(deps.db).get<Print>(PRINT, []);
  const p = await plan(pace);
  const grid = p.relocate ? new RegionGrid(p.relocate.regions) : null;
  let read = '';
  const moves = new Map<number | null, number[]>();
  let areaRows = 0;
  let fold = 0;
  let moveCount = 0;
  if (p.relocate) {
    const pages: string[] = [];
    for (let after = 0; ; ) {
      await pace();
      const page = await onTx(deps.db).get<{ page: string | null; n: number | bigint; last: number | bigint | null; fold: number | bigint | null }>(AREA_STORES, [after, ...areaParams(p.relocate.area), PAGE]);
      if (!page?.page) break;
      pages.push(page.page);
      fold += Number(page.fold ?? 0);
      after = Number(page.last);
      for (const s of parsePoints(page.page)) {
        areaRows++;
        if (areaRows % 2_000 === 0) await pace();
        const to = grid!.locate(s.lng, s.lat)?.id ?? null;
        if (to === s.regionId) continue;
        let ids = moves.get(to);
        if (!ids) moves.set(to, (ids = []));
        ids.push(s.id);
        moveCount++;
      }
      if (Number(page.n) < PAGE) break;
    }
    read = pages.join(';');
  }
  const worker = areaRows < WORKER_FROM_AREA && moveCount < WORKER_FROM_MOVES ? null : await SqliteWorker.open(file, { cacheKiB: WIDE_CACHE_KIB, nice: 0 });
  try {
    await o.beforeCommit?.(o.attempt);
    return await commitSave(deps.db, worker, p, print, { text: read, rows: areaRows, fold }, grid, moves, jsonCell('sqlite', deps.clock.now()) as string, o);
  } finally {
    await worker?.close();
  }
}

/**
 * The short transaction: on this thread for a small edit, in the worker's connection (`worker`) for a
 * big one.
 */
async function commitSave(
  db: Db,
  worker: SqliteWorker | null,
  p: PlannedSave,
  print: Print | null,
  read: { text: string; rows: number; fold: number },
  grid: RegionGrid | null,
  moves: Map<number | null, number[]>,
  at: string,
  o: SaveOptions & { attempt: number },
): Promise<Committed | typeof CHANGED> {
  /** The commit's statements, the same on either connection. */
  const commit = async (sql: Sql, pace: Pace): Promise<Committed | typeof CHANGED> => {
    const now = await sql.get<Print>(PRINT, []);
    if (now?.regions !== print?.regions || now?.units !== print?.units) return CHANGED;
    const ids: number[] = [];
    const real = new Map<number, number>();
    for (const w of p.writes) {
      const r = w.row;
      if (w.id === null) {
        const row = await sql.get<{ id: number | bigint }>(INSERT_REGION, [r.key, r.name, r.unitId, r.polygon, r.minLng, r.minLat, r.maxLng, r.maxLat, at, at]);
        real.set(newRegionId(real.size), Number(row!.id));
        ids.push(Number(row!.id));
      } else {
        await sql.run(UPDATE_REGION, [r.key, r.name, r.unitId, r.polygon, r.minLng, r.minLat, r.maxLng, r.maxLat, at, w.id]);
        ids.push(w.id);
      }
    }
    let moved = 0;
    if (p.relocate) {
      const sum = await sql.get<{ n: number | bigint; fold: number | bigint | null }>(AREA_FOLD, areaParams(p.relocate.area));
      const again = Number(sum?.n ?? 0) === read.rows && Number(sum?.fold ?? 0) === read.fold ? read.text : ((await sql.get<{ page: string | null }>(AREA_STORES, [0, ...areaParams(p.relocate.area), -1]))?.page ?? '');
      if (again !== read.text) {
        // Stores changed meanwhile (moved, created, re-assigned by someone placing them with the old
        // outline): what was computed for them is dropped, and each is located again, here.
        const before = new Map(parsePoints(read.text).map((s) => [s.id, s]));
        const same = (a: StorePoint, b: StorePoint | undefined) => !!b && a.lng === b.lng && a.lat === b.lat && a.regionId === b.regionId;
        const current = parsePoints(again);
        const stale = new Set(current.filter((s) => !same(s, before.get(s.id))).map((s) => s.id));
        const here = new Set(current.map((s) => s.id));
        for (const s of before.values()) if (!here.has(s.id)) stale.add(s.id); // left the area: not ours to place
        for (const [to, ids] of moves) moves.set(to, ids.filter((i) => !stale.has(i)));
        for (const s of current) {
          if (!stale.has(s.id)) continue;
          const to = grid!.locate(s.lng, s.lat)?.id ?? null;
          if (to === s.regionId) continue;
          let ids = moves.get(to);
          if (!ids) moves.set(to, (ids = []));
          ids.push(s.id);
        }
      }
      for (const [to, ids] of moves) {
        if (!ids.length) continue;
        await pace();
        const target = to !== null && to < 0 ? real.get(to)! : to;
        moved += await sql.run(MOVE, [target, at, JSON.stringify(ids), target]);
      }
    }
    if (p.remove) {
      moved += await sql.run(DETACH, [at, p.remove.id]);
      await sql.run(DELETE_REGION, [p.remove.id]);
      await sql.run(INSERT_AUDIT, [p.actorId, 'region.delete', String(p.remove.id), JSON.stringify(p.remove.audit.before), JSON.stringify({ moved }), at]);
    }
    for (const [i, w] of p.writes.entries()) {
      const a = w.audit;
      const after = a.auditMoved ? { ...a.after, moved } : a.after;
      await sql.run(INSERT_AUDIT, [p.actorId, a.action, String(ids[i]), a.before === undefined ? null : JSON.stringify(a.before), JSON.stringify(after), at]);
    }
    return { ids, moved };
  };

  if (!worker) {
    const t0 = performance.now();
    // No turns inside this thread's transaction (pace.ts): the statements share the one connection.
    const r = await inTransaction(db, (tx) => commit(onTx(tx), () => Promise.resolve()));
    if (r !== CHANGED) o.committed?.({ inWorker: false, holdMs: performance.now() - t0, attempts: o.attempt });
    return r;
  }
  return commitInWorker(db, worker, commit, o);
}

/** The written regions' ids (in the plan's order) and the stores whose region changed. */
export type Committed = { ids: number[]; moved: number };

/** `commit` in one transaction of the worker's connection, this thread's transactions waiting meanwhile. */
async function commitInWorker(
  db: Db,
  worker: SqliteWorker,
  commit: (sql: Sql, pace: Pace) => Promise<Committed | typeof CHANGED>,
  o: SaveOptions & { attempt: number },
): Promise<Committed | typeof CHANGED> {
  let held = 0;
  let holdMs = 0;
  let checkpointed: Promise<unknown> = Promise.resolve();
  const r = await whileTransactionsWait(db, async () => {
    held = performance.now();
    await worker.exec('BEGIN IMMEDIATE');
    let done = false;
    try {
      // Turns of the event loop are safe here: this thread's transactions wait at the gate.
      const r = await commit(onWorker(worker), pacer());
      if (r === CHANGED) return r;
      await worker.exec('COMMIT');
      done = true;
      // The log holds every moved store: the worker copies it into the database file, off the event
      // loop (as the store import does), and this thread's transactions go on once it has begun.
      const checkpoint = worker.checkpointInBackground();
      checkpointed = checkpoint.done.catch(() => undefined);
      await checkpoint.started;
      return r;
    } finally {
      if (!done) await worker.exec('ROLLBACK').catch(() => undefined);
      holdMs = performance.now() - held;
    }
  });
  await checkpointed;
  if (r !== CHANGED) o.committed?.({ inWorker: true, holdMs, attempts: o.attempt });
  return r;
}
