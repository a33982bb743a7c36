// The core suite: the everyday operations of a rep and a lead, the nightly auto-return sweep, and
// the server's memory, measured with the real domain functions on the generated data set.
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database } from '../src/db/client.ts';
import { DAY_MS, fixedClock } from '../src/domain/clock.ts';
import type { Deps } from '../src/domain/deps.ts';
import { listFollowUps } from '../src/domain/followups/followups.ts';
import type { Actor } from '../src/domain/org/roles.ts';
import { loadScope } from '../src/domain/org/scope.ts';
import { actorById } from '../src/domain/people/people.ts';
import { claimStore, releaseStore } from '../src/domain/pools/pools.ts';
import { sweepAutoReturn } from '../src/domain/pools/sweep.ts';
import { loadSettings } from '../src/domain/settings/settings.ts';
import { searchStores } from '../src/domain/stores/search.ts';
import { logVisit } from '../src/domain/visits/visits.ts';
import type { DatasetInfo } from './dataset.ts';
import { spawnServer, type ServerProcess } from './server.ts';
import { summarize, timeEach, type Result, type Suite, type SuiteContext } from './harness.ts';
import { rng, type Rng } from '../src/demo/random.ts';

const SUITE = 'core';
/** Measured runs per operation (after WARMUP unmeasured ones), each with another store or person. */
const ITERATIONS = Math.max(1, Number(process.env.SEABOARD_BENCH_ITERATIONS ?? '200'));
const WARMUP = 20;
const SWEEP_RUNS = 3;

const TARGET = { op: 5, search: 20, followUps: 20, sweepS: 5, memoryMB: 200 } as const;

export const coreSuite: Suite = {
  name: SUITE,
  description: 'claim, release, log visit, search, follow-up list, auto-return sweep, server memory (SQLite)',
  async run(ctx) {
    const ds = await ctx.dataset();
    await claimBench(ctx, ds);
    await releaseBench(ctx, ds);
    await visitBench(ctx, ds);
    await readBench(ctx, ds);
    await sweepBench(ctx, ds);
    await memoryBench(ctx, ds);
  },
};

// ---- helpers -------------------------------------------------------------------------------------

interface Opened {
  path: string;
  database: Database;
  deps: Deps;
  /** A plain read-only connection for choosing work items (not timed). */
  raw: BetterSqlite3.Database;
  actor(id: number): Promise<Actor>;
}

/** A fresh copy of the data set, opened the way the app opens it, with the clock at the data set's now. */
async function openCopy(ctx: SuiteContext, ds: DatasetInfo, label: string): Promise<Opened & { close(): Promise<void> }> {
  const path = await ctx.scratch(label);
  const database = await openDatabase(`file:${path}`);
  const deps: Deps = { db: database.db, clock: fixedClock(ds.now) };
  await database.db.$queryRawUnsafe('SELECT 1'); // the connection is open before anything is timed
  const raw = new BetterSqlite3(path, { readonly: true });
  const actors = new Map<number, Actor>();
  return {
    path,
    database,
    deps,
    raw,
    actor: async (id) => {
      let a = actors.get(id);
      if (!a) actors.set(id, (a = await actorById(database.db, id)));
      return a;
    },
    close: async () => {
      raw.close();
      await database.close();
      ctx.dropScratch(path);
    },
  };
}

const n = ITERATIONS + WARMUP;
const isoAt = (d: Date) => d.toISOString().replace('Z', '+00:00');

function activeIds(raw: BetterSqlite3.Database, role: string): number[] {
  return (raw.prepare(`SELECT "id" FROM "Person" WHERE "role" = ? AND "active" = 1 ORDER BY "id"`).all(role) as { id: number }[]).map((p) => p.id);
}

/** For each of `people` (in a seeded order) one work item, until `count` are found; distinct items. */
async function pickWork<T>(r: Rng, people: number[], count: number, choose: (personId: number) => Promise<T | null> | T | null): Promise<T[]> {
  const out: T[] = [];
  const order = r.shuffle([...people]);
  for (let i = 0; out.length < count && i < order.length * 4; i++) {
    const item = await choose(order[i % order.length]!);
    if (item !== null) out.push(item);
  }
  if (out.length < count) throw new Error(`found only ${out.length} of ${count} work items`);
  return out;
}

/** What a user types to find a store: the first word of a Latin name, the first two characters of a Chinese one. */
export function typedPrefix(name: string): string {
  const latin = /^[A-Za-z]+/.exec(name);
  if (latin) return latin[0];
  return [...name].slice(0, 2).join('');
}

// ---- claim / release / log visit ---------------------------------------------------------------

async function claimBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const c = await openCopy(ctx, ds, 'claim');
  try {
    const r = rng(101);
    const settings = await loadSettings(c.database.db);
    const cooldownFrom = isoAt(new Date(ds.now.getTime() - settings.reclaimCooldownDays * DAY_MS));
    const taken = new Set<number>();
    // A rep under its cap claims a public, active store of its regions that it did not give up lately.
    const work = await pickWork(r, activeIds(c.raw, 'rep'), n, async (repId) => {
      const held = (c.raw.prepare('SELECT count(*) AS n FROM "Store" WHERE "ownerId" = ? AND "isCustomer" = 0').get(repId) as { n: number }).n;
      if (held >= settings.poolCap) return null;
      const scope = await loadScope(c.database.db, await c.actor(repId), settings);
      if (!scope.poolRegionIds.length) return null;
      const ids = (
        c.raw
          .prepare(
            `SELECT "id" FROM "Store" WHERE "ownerId" IS NULL AND "status" = 'active' AND "regionId" IN (${scope.poolRegionIds.join(',')})
             AND "id" NOT IN (SELECT "storeId" FROM "ClaimHistory" WHERE "fromOwnerId" = ? AND "action" IN ('release', 'auto_return') AND "at" > ?)`,
          )
          .all(repId, cooldownFrom) as { id: number }[]
      ).map((s) => s.id).filter((id) => !taken.has(id));
      if (!ids.length) return null;
      const storeId = r.pick(ids);
      taken.add(storeId);
      return { actor: await c.actor(repId), storeId };
    });
    const t = await timeEach(work, WARMUP, (w) => claimStore(c.deps, w.actor, w.storeId));
    ctx.report(summarize(SUITE, 'claim', t, TARGET.op, 'a rep claims a public store of its regions'));
  } finally {
    await c.close();
  }
}

async function releaseBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const c = await openCopy(ctx, ds, 'release');
  try {
    const r = rng(102);
    const work = await pickWork(r, activeIds(c.raw, 'rep'), n, async (repId) => {
      const ids = (c.raw.prepare(`SELECT "id" FROM "Store" WHERE "ownerId" = ? AND "isCustomer" = 0 AND "status" = 'active'`).all(repId) as { id: number }[]).map((s) => s.id);
      return ids.length ? { actor: await c.actor(repId), storeId: r.pick(ids) } : null;
    });
    const t = await timeEach(work, WARMUP, (w) => releaseStore(c.deps, w.actor, w.storeId, '老板不配合'));
    ctx.report(summarize(SUITE, 'release', t, TARGET.op, 'the owner releases one of its stores'));
  } finally {
    await c.close();
  }
}

async function visitBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const c = await openCopy(ctx, ds, 'visit');
  try {
    const r = rng(103);
    const next = new Date(ds.now.getTime() + 3 * DAY_MS);
    const work = await pickWork(r, activeIds(c.raw, 'rep'), n, async (repId) => {
      const ids = (c.raw.prepare(`SELECT "id" FROM "Store" WHERE "ownerId" = ? AND "status" = 'active'`).all(repId) as { id: number }[]).map((s) => s.id);
      return ids.length ? { actor: await c.actor(repId), storeId: r.pick(ids) } : null;
    });
    const t = await timeEach(work, WARMUP, (w) =>
      logVisit(c.deps, w.actor, {
        storeId: w.storeId,
        method: 'in_person',
        summary: '拜访老板，介绍新品',
        outcome: '有意向',
        nextFollowUpAt: next,
        followUpNote: '回访确认订单',
      }),
    );
    ctx.report(summarize(SUITE, 'log visit', t, TARGET.op, 'the owner logs an in-person visit with a next follow-up'));
  } finally {
    await c.close();
  }
}

// ---- search and follow-ups (read only: one copy) ----------------------------------------------------

async function readBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const c = await openCopy(ctx, ds, 'read');
  try {
    const settings = await loadSettings(c.database.db);
    const storeName = c.raw.prepare('SELECT "name" FROM "Store" WHERE "id" = ?');

    // A rep looks for a store it can see: one of its own or a public one of its regions.
    const r = rng(104);
    const repWork = await pickWork(r, activeIds(c.raw, 'rep'), n, async (repId) => {
      const actor = await c.actor(repId);
      const scope = await loadScope(c.database.db, actor, settings);
      const ids = (
        c.raw
          .prepare(
            `SELECT "id" FROM "Store" WHERE "status" <> 'deleted' AND ("ownerId" = ? ${scope.poolRegionIds.length ? `OR ("ownerId" IS NULL AND "regionId" IN (${scope.poolRegionIds.join(',')}))` : ''})`,
          )
          .all(repId) as { id: number }[]
      ).map((s) => s.id);
      if (!ids.length) return null;
      return { actor, text: typedPrefix((storeName.get(r.pick(ids)) as { name: string }).name) };
    });
    const hits: number[] = [];
    const search = async (w: { actor: Actor; text: string }) => {
      const res = await searchStores(c.deps, w.actor, { text: w.text });
      if (res.hits.length === 0) throw new Error(`no hit for "${w.text}"`);
      hits.push(res.hits.length);
    };
    let t = await timeEach(repWork, WARMUP, search);
    ctx.report(summarize(SUITE, 'search by name prefix (rep)', t, TARGET.search, `e.g. "${repWork[WARMUP]!.text}", "${repWork[WARMUP + 1]!.text}"; ${avg(hits.slice(WARMUP))} hits on average`));

    // A manager (area or city) looks for a store of its regions or of its people.
    const r2 = rng(105);
    const managers = activeIds(c.raw, 'manager');
    const managerWork = await pickWork(r2, Array.from({ length: Math.ceil((n * 2) / managers.length) }, () => managers).flat(), n, async (id) => {
      const actor = await c.actor(id);
      const scope = await loadScope(c.database.db, actor, settings);
      if (!scope.ownedRegionIds.length) return null;
      const ids = (c.raw.prepare(`SELECT "id" FROM "Store" WHERE "status" <> 'deleted' AND "regionId" IN (${scope.ownedRegionIds.join(',')})`).all() as { id: number }[]).map((s) => s.id);
      return { actor, text: typedPrefix((storeName.get(r2.pick(ids)) as { name: string }).name) };
    });
    hits.length = 0;
    t = await timeEach(managerWork, WARMUP, search);
    ctx.report(summarize(SUITE, 'search by name prefix (manager)', t, TARGET.search, `${managers.length} area and city managers; ${avg(hits.slice(WARMUP))} hits on average`));

    // A rep opens its follow-up list: overdue, today, upcoming.
    const r3 = rng(106);
    const withOpen = (c.raw.prepare(`SELECT DISTINCT f."personId" AS id FROM "FollowUp" f JOIN "Person" p ON p."id" = f."personId" WHERE f."status" = 'open' AND p."role" = 'rep' AND p."active" = 1 ORDER BY 1`).all() as { id: number }[]).map((p) => p.id);
    const fuWork = await pickWork(r3, withOpen, n, async (id) => c.actor(id));
    const sizes: number[] = [];
    t = await timeEach(fuWork, WARMUP, async (actor) => {
      const list = await listFollowUps(c.deps, actor);
      sizes.push(list.overdue.length + list.dueToday.length + list.upcoming.length);
    });
    ctx.report(summarize(SUITE, 'follow-up list (rep)', t, TARGET.followUps, `${avg(sizes.slice(WARMUP))} follow-ups per list on average`));
  } finally {
    await c.close();
  }
}

const avg = (xs: number[]) => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1) : '–');

// ---- the sweep ------------------------------------------------------------------------------------

async function sweepBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const samples: number[] = [];
  let outcome = '';
  let failures = 0;
  let firstError: string | null = null;
  for (let i = 0; i < SWEEP_RUNS; i++) {
    const c = await openCopy(ctx, ds, `sweep${i + 1}`);
    try {
      const t0 = performance.now();
      const res = await sweepAutoReturn(c.deps, ds.now);
      const ms = performance.now() - t0;
      samples.push(ms);
      outcome = `${res.returned} stores returned, ${res.notified} notices`;
      ctx.log(`  sweep run ${i + 1}/${SWEEP_RUNS}: ${(ms / 1000).toFixed(2)} s (${outcome})`);
    } catch (e) {
      failures++;
      firstError ??= (e as Error).message;
    } finally {
      await c.close();
    }
  }
  const res = summarize(SUITE, 'auto-return sweep, whole set', { samples: samples.map((ms) => ms / 1000), failures, firstError }, TARGET.sweepS, `${outcome}; each run on a fresh copy`);
  ctx.report({ ...res, unit: 's', p95: null, p99: null });
}

// ---- the server's memory ---------------------------------------------------------------------------

async function memoryBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const path = await ctx.scratch('server');
  let server: ServerProcess | null = null;
  try {
    // Production mode: the memory of the server itself, without the sandbox's stand-in and demo company.
    server = await spawnServer({ DATABASE_URL: `file:${path}`, LOG_LEVEL: 'warn', SANDBOX: '0' });
    let ok = 0;
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.url}/healthz`);
      if (res.ok) ok++;
      await res.text();
    }
    if (ok === 0) throw new Error('GET /healthz never answered 200');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS') / 1024;
    const peak = kb('VmHWM') / 1024;
    ctx.report({
      suite: SUITE,
      name: 'server resident memory',
      n: 1,
      unit: 'MB',
      median: rss,
      p95: null,
      p99: null,
      target: TARGET.memoryMB,
      failures: 0,
      note: `VmRSS after start and ${ok} GET /healthz (peak VmHWM ${peak.toFixed(0)} MB); ${ds.bytes > 0 ? `data set file ${(ds.bytes / 2 ** 20).toFixed(0)} MB` : ''}`,
    });
  } catch (e) {
    ctx.report({ suite: SUITE, name: 'server resident memory', n: 0, unit: 'MB', median: NaN, p95: null, p99: null, target: TARGET.memoryMB, failures: 1, note: (e as Error).message });
  } finally {
    await server?.stop();
    ctx.dropScratch(path);
  }
}
