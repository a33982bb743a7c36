import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LngLat } from '../../../../src/domain/geo/polygon.ts';
import { claimOnce } from '../../../../src/domain/once.ts';
import { claimStore } from '../../../../src/domain/pools/pools.ts';
import { deleteRegion, importRegions, saveRegion } from '../../../../src/domain/regions/regions.ts';
import { nameKey } from '../../../../src/domain/stores/normalize.ts';
import { createStore, updateStore } from '../../../../src/domain/stores/stores.ts';
import { worldPerTest, type World } from '../../../support/world.ts';

// Issue 12, point 5: saving a region over many stores must not hold the server's thread or other
// writes for long, and stays exact when stores move while it is being saved.

let w: World;
worldPerTest((x) => (w = x));

const onSqlite = !process.env.TEST_POSTGRES_URL;
const STORES = 30_000;
const rect = (lng1: number, lat1: number, lng2: number, lat2: number): LngLat[] => [
  [lng1, lat1],
  [lng2, lat1],
  [lng2, lat2],
  [lng1, lat2],
];
const WEST = rect(120.1, 30.22, 120.18, 30.29);
/** West Lake shrunk to its western strip: most stores leave it. */
const STRIP = rect(120.1, 30.22, 120.12, 30.29);

/** `count` stores spread over West Lake (120.10–120.18, 30.22–30.29), in it; none on a border. */
async function fillWest(count: number): Promise<number> {
  const west = await w.db.region.findUniqueOrThrow({ where: { key: 'west' } });
  for (let i = 0; i < count; i += 5_000) {
    await w.db.store.createMany({
      data: Array.from({ length: Math.min(5_000, count - i) }, (_, k) => {
        const n = i + k;
        const name = `Load ${n}`;
        return { code: `LOAD${String(n).padStart(6, '0')}`, name, nameKey: nameKey(name), lng: 120.100025 + ((n * 7_919) % 7_900) / 100_000, lat: 30.220025 + ((n * 104_729) % 6_900) / 100_000, regionId: west.id };
      }),
    });
  }
  return west.id;
}

/**
 * The test thread's time on the CPU (Linux: /proc/…/schedstat, in ns), to tell the event loop's own
 * work from the time a busy machine gave to other processes (as store-import-load.test.ts does).
 */
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const cpuMs = existsSync(schedstat) ? () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6 : () => performance.now();

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

describe('saving a region over many stores', () => {
  it(`keeps the event loop turning and lets other writes through while ${STORES.toLocaleString('en')} stores change region`, async () => {
    const westId = await fillWest(STORES);
    const kept = await w.db.store.findUniqueOrThrow({ where: { code: 'LOAD000000' } }); // public, in the strip West Lake keeps
    const gaps: number[] = [];
    const stretches: number[] = [];
    let last = performance.now();
    let lastCpu = cpuMs();
    const ticker = setInterval(() => {
      const [now, cpu] = [performance.now(), cpuMs()];
      gaps.push(now - last);
      stretches.push(cpu - lastCpu);
      [last, lastCpu] = [now, cpu];
    }, 2);
    // A Slack dedupe row every 10 ms, and a rep's claim in the middle of the save.
    const writes: number[] = [];
    let failures = 0;
    let n = 0;
    const pending: Promise<void>[] = [];
    const writer = setInterval(() => {
      const sent = performance.now();
      pending.push(claimOnce(w.deps, `region-load-${n++}`).then(() => void writes.push(performance.now() - sent), () => void failures++));
    }, 10);
    let claim = null as Promise<number> | null;
    let commit = null as { inWorker: boolean; holdMs: number } | null;
    let result;
    let answeredMeanwhile = 0;
    const t0 = performance.now();
    let saveMs = 0;
    try {
      result = await saveRegion(
        w.deps,
        w.people.admin,
        { id: westId, key: 'west', name: 'West Lake', unitId: (await w.db.region.findUniqueOrThrow({ where: { id: westId } })).unitId, polygon: STRIP },
        {
          beforeCommit: () => {
            claim = new Promise((resolve, reject) =>
              setTimeout(() => {
                const t = performance.now();
                claimStore(w.deps, w.people.rep1, kept.id).then(() => resolve(performance.now() - t), reject);
              }, 5),
            );
          },
          committed: (f) => (commit = f),
        },
      );
      saveMs = performance.now() - t0;
      answeredMeanwhile = writes.length;
      gaps.push(performance.now() - last);
      stretches.push(cpuMs() - lastCpu);
    } finally {
      clearInterval(ticker);
      clearInterval(writer);
      await Promise.all(pending);
    }
    const claimMs = claim ? await claim : null;
    const facts = `save ${saveMs.toFixed(0)} ms, moved ${result.moved}; event loop gaps p99 ${p99(gaps).toFixed(0)} ms, max ${Math.max(...gaps).toFixed(0)} ms, longest stretch on the CPU ${Math.max(...stretches).toFixed(0)} ms; writes ${writes.length} (${answeredMeanwhile} answered before the save returned), p99 ${p99(writes).toFixed(0)} ms, max ${Math.max(...writes).toFixed(0)} ms; claim ${claimMs?.toFixed(0)} ms; commit ${JSON.stringify(commit)}`;
    console.log(`region save over ${STORES} stores: ${facts}`);
    expect(failures).toBe(0);
    // Every store east of 120.12 left West Lake (老王面馆, Sunny Cafe, 知味小笼, 外婆家 too), the rest stayed.
    const outside = await w.db.store.count({ where: { name: { startsWith: 'Load ' }, lng: { gt: 120.12 } } });
    expect(result.moved).toBe(outside + 4);
    expect(await w.db.store.count({ where: { name: { startsWith: 'Load ' }, lng: { gt: 120.12 }, regionId: { not: null } } })).toBe(0);
    expect(await w.db.store.count({ where: { name: { startsWith: 'Load ' }, lng: { lt: 120.12 }, regionId: westId } })).toBe(STORES - outside);
    // Before: the save's one transaction held this thread, and every other write, for the whole save
    // (0.6 s at this size): not one write was answered meanwhile. Now the event loop turns throughout
    // (measured as the thread's own time on the CPU between two ticks: on a busy machine the wall
    // clock also counts the time it waits for a core) and the other writes wait for the commit only.
    // Measured at load 8: the commit held them 115 ms, their p99 and the claim 125 ms, the event loop's
    // longest stretch 50 ms; with other test files side by side (load 10–15) the commit took 0.2–1 s
    // and a stretch (a collection of the test's heap among them) up to 170 ms, hence bounds relative
    // to the commit and well under the old save's 600 ms.
    expect(answeredMeanwhile, facts).toBeGreaterThan(10);
    expect(Math.max(...stretches), facts).toBeLessThan(300);
    expect(p99(gaps), facts).toBeLessThan(1_000);
    if (onSqlite) {
      expect(commit, facts).toMatchObject({ inWorker: true });
      const holdMs = commit!.holdMs;
      expect(holdMs, facts).toBeLessThan(saveMs / 2);
      expect(p99(writes), facts).toBeLessThan(holdMs + 500);
      expect(claimMs, facts).not.toBeNull();
      expect(claimMs!, facts).toBeLessThan(holdMs + 500);
      expect((await w.db.store.findUniqueOrThrow({ where: { id: kept.id } })).ownerId).toBe(w.people.rep1.id);
    }
  }, 120_000);

  for (const size of [0, STORES]) {
    it.skipIf(!onSqlite)(`loses no store move made while it is saved (${size ? `${size.toLocaleString('en')} stores` : 'the example company'})`, async () => {
      const westId = size ? await fillWest(size) : (await w.db.region.findUniqueOrThrow({ where: { key: 'west' } })).id;
      const west = await w.db.region.findUniqueOrThrow({ where: { id: westId } });
      const [sunny, tea] = [await w.store('Sunny Cafe'), await w.store('钱塘茶馆')];
      const east = await w.db.region.findUniqueOrThrow({ where: { key: 'east' } });
      const attempts: number[] = [];
      const result = await saveRegion(
        w.deps,
        w.people.admin,
        { id: westId, key: 'west', name: 'West Lake', unitId: west.unitId, polygon: STRIP },
        {
          beforeCommit: async (attempt) => {
            attempts.push(attempt);
            if (attempt !== 1) return;
            // Meanwhile, placed by the outlines of the moment (West Lake still whole):
            // Sunny Cafe (120.16, which the save moves out) moves into the strip it keeps;
            await updateStore(w.deps, w.people.admin, sunny.id, { lng: 120.11, lat: 30.25 });
            // the tea house (east) moves into the part West Lake gives up;
            await updateStore(w.deps, w.people.admin, tea.id, { lng: 120.15, lat: 30.24 });
            // two stores are created, one in each part.
            await createStore(w.deps, w.people.admin, { name: 'New in the strip', phone: '13911110001', lng: 120.105, lat: 30.23 });
            await createStore(w.deps, w.people.admin, { name: 'New east of it', phone: '13911110002', lng: 120.17, lat: 30.28 });
          },
        },
      );
      expect(attempts).toEqual([1]);
      const regionOf = async (name: string) => (await w.store(name)).regionId;
      expect(await w.store('Sunny Cafe')).toMatchObject({ lng: 120.11, lat: 30.25, regionId: westId });
      expect(await w.store('钱塘茶馆')).toMatchObject({ lng: 120.15, lat: 30.24, regionId: null });
      expect(await regionOf('New in the strip')).toBe(westId);
      expect(await regionOf('New east of it')).toBeNull();
      expect(await regionOf('River Side Grill')).toBe(east.id);
      // Every store is where its point says, whatever moved when.
      const misplaced = await w.db.store.count({ where: { lng: { gt: 120.12, lt: 120.18 }, lat: { gt: 30.22, lt: 30.29 }, regionId: { not: null } } });
      expect(misplaced).toBe(0);
      const loads = size ? await w.db.store.count({ where: { name: { startsWith: 'Load ' }, lng: { gt: 120.12 } } }) : 0;
      // The save's own moves: the loads, 老王面馆, 知味小笼 and 外婆家 (Sunny Cafe went into the strip
      // itself), and the tea house and the new store east of the strip, placed in West Lake meanwhile.
      expect(result.moved).toBe(loads + 5);
      expect(await w.db.auditLog.count({ where: { action: 'region.update' } })).toBe(1);
    }, 120_000);
  }

  it.skipIf(!onSqlite)('checks and computes again when another region changed meanwhile', async () => {
    const [west, east] = [await w.db.region.findUniqueOrThrow({ where: { key: 'west' } }), await w.db.region.findUniqueOrThrow({ where: { key: 'east' } })];
    const attempts: number[] = [];
    const result = await saveRegion(
      w.deps,
      w.people.admin,
      { id: west.id, key: 'west', name: 'West Lake', unitId: west.unitId, polygon: STRIP },
      {
        beforeCommit: async (attempt) => {
          attempts.push(attempt);
          // Qiantang gives up its north meanwhile: the tea house (30.30) leaves it.
          if (attempt === 1) await saveRegion(w.deps, w.people.admin, { id: east.id, key: 'east', name: 'Qiantang', unitId: east.unitId, polygon: rect(120.18, 30.22, 120.3, 30.28) });
        },
      },
    );
    expect(attempts).toEqual([1, 2]);
    expect(result.moved).toBe(4);
    expect((await w.store('钱塘茶馆')).regionId).toBeNull();
    expect((await w.store('Green Leaf Bakery')).regionId).toBe(west.id);
    expect((await w.store('River Side Grill')).regionId).toBe(east.id);
    expect(await w.db.auditLog.count({ where: { action: 'region.update' } })).toBe(2);
  });
});

/** Runs `work` with a Slack dedupe row written every 10 ms; what the event loop and those writes saw. */
async function underLoad<T>(work: () => Promise<T>): Promise<{ result: T; answeredMeanwhile: number; longestStretch: number; facts: string }> {
  const stretches: number[] = [];
  let lastCpu = cpuMs();
  const ticker = setInterval(() => {
    const cpu = cpuMs();
    stretches.push(cpu - lastCpu);
    lastCpu = cpu;
  }, 2);
  const writes: number[] = [];
  let failures = 0;
  let n = 0;
  const pending: Promise<void>[] = [];
  const writer = setInterval(() => {
    const sent = performance.now();
    pending.push(claimOnce(w.deps, `region-batch-${n++}`).then(() => void writes.push(performance.now() - sent), () => void failures++));
  }, 10);
  const t0 = performance.now();
  try {
    const result = await work();
    const answeredMeanwhile = writes.length;
    stretches.push(cpuMs() - lastCpu);
    const longestStretch = Math.max(...stretches);
    const facts = `${(performance.now() - t0).toFixed(0)} ms; ${answeredMeanwhile} writes answered meanwhile, p99 ${p99(writes).toFixed(0)} ms; longest stretch on the CPU ${longestStretch.toFixed(0)} ms`;
    expect(failures).toBe(0);
    return { result, answeredMeanwhile, longestStretch, facts };
  } finally {
    clearInterval(ticker);
    clearInterval(writer);
    await Promise.all(pending);
  }
}

// Deleting a region and the GeoJSON import used to re-assign the stores in one transaction of the
// server's thread (a 200-region file over 100,000 stores: 2.7 s without one turn of the event loop).
describe('deleting a region and importing regions over many stores', () => {
  it.skipIf(!onSqlite)(`a GeoJSON file moving ${STORES.toLocaleString('en')} stores keeps the event loop turning and other writes answered`, async () => {
    const westId = await fillWest(STORES);
    const west = await w.db.region.findUniqueOrThrow({ where: { id: westId }, include: { unit: true } });
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { key: 'west', name: 'West Lake', unit: west.unit.key }, geometry: { type: 'Polygon', coordinates: [[...STRIP, STRIP[0]!]] } },
        { type: 'Feature', properties: { key: 'lakeside', name: 'Lakeside', unit: west.unit.key }, geometry: { type: 'Polygon', coordinates: [[...rect(120.12, 30.22, 120.18, 30.29), [120.12, 30.22]]] } },
      ],
    };
    const { result, answeredMeanwhile, longestStretch, facts } = await underLoad(() => importRegions(w.deps, w.people.admin, file));
    console.log(`GeoJSON import over ${STORES} stores: ${facts}`);
    const lakeside = await w.db.region.findUniqueOrThrow({ where: { key: 'lakeside' } });
    const east = await w.db.store.count({ where: { name: { startsWith: 'Load ' }, lng: { gt: 120.12 } } });
    expect(result).toEqual({ created: 1, updated: 1, moved: east + 4 });
    expect(await w.db.store.count({ where: { name: { startsWith: 'Load ' }, regionId: lakeside.id } })).toBe(east);
    expect(await w.db.store.count({ where: { name: { startsWith: 'Load ' }, regionId: westId } })).toBe(STORES - east);
    expect(answeredMeanwhile, facts).toBeGreaterThan(10);
    expect(longestStretch, facts).toBeLessThan(300);
  }, 120_000);

  it.skipIf(!onSqlite)(`deleting a region of ${STORES.toLocaleString('en')} stores keeps the event loop turning; a store moved meanwhile is placed by its new point`, async () => {
    const westId = await fillWest(STORES);
    const [tea, eastRegion] = [await w.store('钱塘茶馆'), await w.db.region.findUniqueOrThrow({ where: { key: 'east' } })];
    const { result, answeredMeanwhile, longestStretch, facts } = await underLoad(() =>
      deleteRegion(w.deps, w.people.admin, westId, {
        // Meanwhile the tea house (Qiantang) moves into West Lake's outline: it loses its region too.
        beforeCommit: (attempt) => (attempt === 1 ? updateStore(w.deps, w.people.admin, tea.id, { lng: 120.15, lat: 30.24 }).then(() => undefined) : undefined),
      }),
    );
    console.log(`region deletion over ${STORES} stores: ${facts}`);
    // The loads, West Lake's five stores of the example company, and the tea house moved into it meanwhile.
    expect(result.moved).toBe(STORES + 6);
    expect(await w.db.store.count({ where: { regionId: westId } })).toBe(0);
    expect(await w.db.region.findUnique({ where: { id: westId } })).toBeNull();
    expect((await w.store('钱塘茶馆')).regionId).toBeNull();
    expect((await w.store('River Side Grill')).regionId).toBe(eastRegion.id);
    expect(JSON.parse((await w.db.auditLog.findFirstOrThrow({ where: { action: 'region.delete' } })).after!)).toEqual({ moved: STORES + 6 });
    expect(answeredMeanwhile, facts).toBeGreaterThan(10);
    expect(longestStretch, facts).toBeLessThan(300);
  }, 120_000);
});
