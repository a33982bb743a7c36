// Saving one region edit among the data set's 200 regions and 100,000 stores, through the console's
// domain call (checks, write, re-assignment of the stores, audit), on SQLite — and how long its commit
// kept other writes waiting (the stores to move are worked out before it: regions/save-staged.ts):
// - a typical edit of the tiling: one region of the 20 × 10 grid shrunk and grown back (hundreds of
//   stores change region);
// - the worst case: the regions laid out again so that one region covers most of the city beside 199
//   small ones, then that region shrunk to a strip and grown back (about 85% of the stores move).
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/db/client.ts';
import { fixedClock } from '../src/domain/clock.ts';
import type { Deps } from '../src/domain/deps.ts';
import { bbox, parseRing, toGeoJson, type LngLat } from '../src/domain/geo/polygon.ts';
import type { Actor } from '../src/domain/org/roles.ts';
import { actorById } from '../src/domain/people/people.ts';
import { relocateStores } from '../src/domain/regions/relocate.ts';
import { saveRegion, type SaveRegionResult } from '../src/domain/regions/regions.ts';
import type { DatasetInfo } from './dataset.ts';
import { summarize, type SuiteContext, type Suite } from './harness.ts';

const SUITE = 'regions';
const TARGET_S = 3;
/** Measured edits per case (after one unmeasured), alternating between two outlines. */
const RUNS = Math.max(2, Number(process.env.SEABOARD_BENCH_REGION_RUNS ?? '6'));

export const regionsSuite: Suite = {
  name: SUITE,
  description: 'save one region edit among 200 regions: re-assigning the stores it moves (SQLite)',
  async run(ctx) {
    const ds = await ctx.dataset();
    await typicalEdit(ctx, ds);
    await sweepingEdit(ctx, ds);
  },
};

interface Opened {
  deps: Deps;
  admin: Actor;
  close(): Promise<void>;
}

async function open(ctx: SuiteContext, ds: DatasetInfo, path: string): Promise<Opened> {
  const database = await openDatabase(`file:${path}`);
  const admin = await database.db.person.findFirstOrThrow({ where: { role: 'admin', active: true }, orderBy: { id: 'asc' } });
  return {
    deps: { db: database.db, clock: fixedClock(ds.now) },
    admin: await actorById(database.db, admin.id),
    close: async () => {
      await database.close();
      ctx.dropScratch(path);
    },
  };
}

/** Each run saves the next outline of `outlines` (cycling), timed; the first run is not measured. */
async function timeEdits(ctx: SuiteContext, o: Opened, regionId: number, outlines: LngLat[][], name: string): Promise<void> {
  const region = await o.deps.db.region.findUniqueOrThrow({ where: { id: regionId } });
  const samples: number[] = [];
  const moved: number[] = [];
  const holds: { holdMs: number; inWorker: boolean }[] = [];
  let failures = 0;
  let firstError: string | null = null;
  for (let i = 0; i <= RUNS; i++) {
    const input = { id: region.id, key: region.key, name: region.name, unitId: region.unitId, polygon: outlines[i % outlines.length]! };
    const t0 = performance.now();
    let result: SaveRegionResult;
    let hold: { holdMs: number; inWorker: boolean } | null = null;
    try {
      result = await saveRegion(o.deps, o.admin, input, { committed: (f) => (hold = f) });
    } catch (e) {
      failures++;
      firstError ??= (e as Error).message;
      continue;
    }
    const ms = performance.now() - t0;
    const held = hold as { holdMs: number; inWorker: boolean } | null;
    const commit = held ? `; the commit (${held.inWorker ? 'worker thread' : 'server thread'}) held other writes ${held.holdMs.toFixed(0)} ms` : '';
    ctx.log(`  ${name} run ${i}${i === 0 ? ' (warm-up)' : ''}: ${(ms / 1000).toFixed(2)} s, ${result.moved.toLocaleString('en')} stores moved${commit}`);
    if (i === 0) continue;
    samples.push(ms / 1000);
    moved.push(result.moved);
    if (held) holds.push(held);
  }
  const longest = holds.length ? holds.reduce((a, b) => (b.holdMs > a.holdMs ? b : a)) : null;
  const note = `${Math.min(...moved).toLocaleString('en')}–${Math.max(...moved).toLocaleString('en')} stores moved per edit${longest ? `; other writes held at most ${longest.holdMs.toFixed(0)} ms by the commit (${longest.inWorker ? 'worker thread' : 'server thread'})` : ''}`;
  const res = summarize(SUITE, name, { samples, failures, firstError }, TARGET_S, note);
  ctx.report({ ...res, unit: 's' });
}

// ---- a typical edit of the tiling -------------------------------------------------------------------

const scale = (ring: LngLat[], f: number): LngLat[] => {
  const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
  const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  return ring.map(([x, y]): LngLat => [Math.round((cx + (x - cx) * f) * 1e6) / 1e6, Math.round((cy + (y - cy) * f) * 1e6) / 1e6]);
};

async function typicalEdit(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const path = await ctx.scratch('regions-typical');
  const o = await open(ctx, ds, path);
  try {
    // A region in the middle of the grid: every neighbour's box meets the edited area.
    const region = await o.deps.db.region.findUniqueOrThrow({ where: { key: 'r105' } });
    const ring = parseRing(JSON.parse(region.polygon));
    await timeEdits(ctx, o, region.id, [scale(ring, 0.6), ring], 'typical edit (one grid region)');
  } finally {
    await o.close();
  }
}

// ---- one region over most of the city ---------------------------------------------------------------

/** The grid's extent (bench/dataset.ts): 20 × 10 cells of 0.03° × 0.025° from (119.9, 30.1). */
const WEST = 119.9;
const EAST = 120.5;
const SOUTH = 30.1;
const NORTH = 30.35;
/** Below the first row of jittered grid vertices (≥ 30.12): a strip for the 199 small regions. */
const STRIP = 30.12;

const rect = (w: number, s: number, e: number, n: number): LngLat[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
];

/**
 * Lays the regions out again (not timed): regions 1–199 become slivers side by side in the southern
 * strip, region 200 the rest of the grid; then every store is re-assigned.
 */
async function relayout(path: string, deps: Deps): Promise<number> {
  const raw = new BetterSqlite3(path);
  try {
    const ids = (raw.prepare('SELECT "id" FROM "Region" ORDER BY "id"').all() as { id: number }[]).map((r) => r.id);
    const big = ids[ids.length - 1]!;
    const small = ids.slice(0, -1);
    const width = (EAST - WEST) / small.length;
    const update = raw.prepare('UPDATE "Region" SET "polygon" = ?, "minLng" = ?, "minLat" = ?, "maxLng" = ?, "maxLat" = ?, "updatedAt" = ? WHERE "id" = ?');
    const now = new Date().toISOString().replace('Z', '+00:00');
    const write = (id: number, ring: LngLat[]) => {
      const b = bbox(ring);
      update.run(JSON.stringify(toGeoJson(ring)), b.minLng, b.minLat, b.maxLng, b.maxLat, now, id);
    };
    raw.transaction(() => {
      small.forEach((id, i) => write(id, rect(WEST + i * width, SOUTH, i === small.length - 1 ? EAST : WEST + (i + 1) * width, STRIP)));
      write(big, rect(WEST, STRIP, EAST, NORTH));
    })();
    await deps.db.$transaction((tx) => relocateStores(tx), { timeout: 600_000 });
    return big;
  } finally {
    raw.close();
  }
}

async function sweepingEdit(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const path = await ctx.scratch('regions-sweeping');
  const o = await open(ctx, ds, path);
  try {
    const t0 = performance.now();
    const big = await relayout(path, o.deps);
    const stores = await o.deps.db.store.count({ where: { regionId: big } });
    ctx.log(`  laid out 199 strip regions and one over ${stores.toLocaleString('en')} stores in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);
    // Shrunk to its southern strip and grown back: most stores leave it, then come back.
    const outlines = [rect(WEST, STRIP, EAST, STRIP + 0.02), rect(WEST, STRIP, EAST, NORTH)];
    await timeEdits(ctx, o, big, outlines, 'edit moving most stores');
  } finally {
    await o.close();
  }
}
