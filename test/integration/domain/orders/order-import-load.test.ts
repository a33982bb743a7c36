import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { claimOnce } from '../../../../src/domain/once.ts';
import { applyOrderImport } from '../../../../src/domain/orders/order-import.ts';
import { claimStore } from '../../../../src/domain/pools/pools.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

// Issue 12, point 5: a big order import must not hold the server's thread, nor keep other writes
// (claims, Slack's dedupe rows) waiting long. The file is read, checked and planned a slice at a time
// outside any transaction; on SQLite the orders are staged in a worker thread's connection and
// written by one short transaction there, while this thread's transactions wait without blocking.

let w: World;
worldPerTest((x) => (w = x));

const onSqlite = !process.env.TEST_POSTGRES_URL;
const ROWS = Number(process.env.ORDER_LOAD_ROWS ?? 20_000);
const STORES = Math.max(1, Math.round(ROWS / 10));
const mapping = { orderNo: 'order_no', storeCode: 'store_code', amount: 'amount', orderedAt: 'ordered_at' };
const storeCode = (i: number) => `LOAD${String(i).padStart(5, '0')}`;

function ordersCsv(rows: number, o: { badLine?: number } = {}): Buffer {
  const lines = ['order_no,store_code,amount,ordered_at'];
  for (let i = 0; i < rows; i++) {
    const amount = o.badLine === i + 2 ? '12.345' : `${(i % 997) + 1}.${String(i % 100).padStart(2, '0')}`;
    lines.push(`L-${i},${storeCode(i % STORES)},${amount},2026-11-${String(1 + (i % 20)).padStart(2, '0')} 10:00`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

async function loadStores(): Promise<void> {
  const region = await w.db.region.findFirstOrThrow({ where: { key: 'west' } });
  await w.db.store.createMany({
    data: Array.from({ length: STORES }, (_, i) => ({ code: storeCode(i), name: `Load ${i}`, nameKey: `load ${i}`, regionId: region.id })),
  });
}

/** While `work` runs: the gaps between ticks of a 2 ms timer, i.e. how long the event loop went without a turn. */
async function whileTicking<T>(work: () => Promise<T>): Promise<{ value: T; gaps: number[] }> {
  const gaps: number[] = [];
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 2);
  try {
    const value = await work();
    gaps.push(performance.now() - last); // the stretch up to the end (the write's transaction)
    return { value, gaps };
  } finally {
    clearInterval(ticker);
  }
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

describe('a big order import beside the server', () => {
  it(`keeps the event loop turning through a ${ROWS.toLocaleString('en')}-row import, and writes all or nothing`, async () => {
    await loadStores();

    // A bad row near the end: refused, nothing written, and the checks gave the event loop its turns.
    const bad = await whileTicking(() => rejection(applyOrderImport(w.deps, w.people.admin, ordersCsv(ROWS, { badLine: ROWS }), mapping)));
    expect([bad.value.key, bad.value.issues?.map((i) => i.path)]).toEqual(['order.import_invalid', [`line ${ROWS}.amount`]]);
    expect(await w.db.order.count()).toBe(0);
    expect(await w.db.auditLog.count({ where: { action: 'order.import' } })).toBe(0);

    const r = await whileTicking(() => applyOrderImport(w.deps, w.people.admin, ordersCsv(ROWS), mapping));
    const facts = `ticks ${r.gaps.length}, gaps p99 ${p99(r.gaps).toFixed(0)} ms, max ${Math.max(...r.gaps).toFixed(0)} ms; refused file: ticks ${bad.gaps.length}, max ${Math.max(...bad.gaps).toFixed(0)} ms`;
    console.log(`order import of ${ROWS} rows: ${facts}`);
    expect(r.value.created).toBe(ROWS);
    expect(await w.db.order.count()).toBe(ROWS);
    expect(await w.db.auditLog.count({ where: { action: 'order.import' } })).toBe(1);
    // Before: the write's one transaction held the thread 1.1 s at this size (2.9 s at 100,000 rows).
    // Now the longest gap is a pacer's slice or a worker message's handling (under 120 ms measured
    // with the machine's load at 12); loose bounds for a busy machine.
    expect(r.gaps.length, facts).toBeGreaterThan(10);
    expect(bad.gaps.length, facts).toBeGreaterThan(10);
    expect(p99(bad.gaps), facts).toBeLessThan(300);
    expect(Math.max(...bad.gaps), facts).toBeLessThan(1_000);
    expect(p99(r.gaps), facts).toBeLessThan(300);
    expect(Math.max(...r.gaps), facts).toBeLessThan(onSqlite ? 1_000 : 5_000); // PostgreSQL: one transaction of this thread, as before
  }, 120_000);

  it.skipIf(!onSqlite)('lets other writes through quickly while it writes: a claim and Slack dedupe rows wait for the short commit only', async () => {
    await loadStores();
    const noodle = await w.store('老王面馆'); // a public store of West Lake, not in the file
    // A dedupe row (what every Slack retry check writes) every 10 ms from before the write phase to the end.
    const writes: { ms: number; writePhase: boolean }[] = [];
    let failures = 0;
    let writePhase = false;
    let n = 0;
    const pending: Promise<void>[] = [];
    const writer = setInterval(() => {
      const sent = performance.now();
      const during = writePhase;
      pending.push(
        claimOnce(w.deps, `load-test-${n++}`).then(
          () => void writes.push({ ms: performance.now() - sent, writePhase: during }),
          () => void failures++,
        ),
      );
    }, 10);
    let claim: Promise<number> | null = null;
    let attempts = 0;
    let holdMs = 0;
    try {
      const report = await applyOrderImport(w.deps, w.people.admin, ordersCsv(ROWS), mapping, {
        beforeCommit: () => {
          writePhase = true;
          // A rep's claim a moment later: it finds the commit under way.
          claim = new Promise((resolve, reject) =>
            setTimeout(() => {
              const t = performance.now();
              claimStore(w.deps, w.people.rep1, noodle.id).then(() => resolve(performance.now() - t), reject);
            }, 10),
          );
        },
        committed: (f) => ((attempts = f.attempts), (holdMs = f.holdMs)),
      });
      expect(report.created).toBe(ROWS);
    } finally {
      clearInterval(writer);
      await Promise.all(pending);
    }
    const claimMs = await claim!;
    const during = writes.filter((x) => x.writePhase).map((x) => x.ms);
    const facts = `commit held other transactions ${holdMs.toFixed(0)} ms; the claim took ${claimMs.toFixed(0)} ms; dedupe inserts during the write phase: ${during.length}, p99 ${p99(during).toFixed(0)} ms, max ${Math.max(...during).toFixed(0)} ms; all: ${writes.length}, p99 ${p99(writes.map((x) => x.ms)).toFixed(0)} ms`;
    console.log(`order import of ${ROWS} rows, other writes: ${facts}`);
    expect(failures).toBe(0);
    expect(attempts).toBe(1);
    expect((await w.store('老王面馆')).ownerId).toBe(w.people.rep1.id);
    expect(await w.db.slackDelivery.count({ where: { key: { startsWith: 'load-test-' } } })).toBe(writes.length);
    // Before, the write's transaction held this thread, and every other write with it, 1.1 s at this
    // size. Measured now on the two-core machine busy with other tests (load 10): the commit held them
    // 80–100 ms, the claim and the writes took 100–140 ms (p99). They wait for the commit only: bounds
    // relative to it, as on a busier machine everything takes longer (the commit itself at most 1 s at
    // 20,000 rows, ten times what was measured).
    expect(during.length, facts).toBeGreaterThan(3);
    expect(holdMs, facts).toBeLessThan(1_000);
    expect(p99(during), facts).toBeLessThan(holdMs + 300);
    expect(claimMs, facts).toBeLessThan(holdMs + 300);
  }, 120_000);

  it.skipIf(!onSqlite)('plans again when a store of the file was claimed between the plan and the commit', async () => {
    await loadStores();
    const first = await w.db.store.findUniqueOrThrow({ where: { code: storeCode(0) } });
    const seen: number[] = [];
    const report = await applyOrderImport(w.deps, w.people.admin, ordersCsv(200), mapping, {
      beforeCommit: async (attempt) => {
        seen.push(attempt);
        if (attempt === 1) await claimStore(w.deps, w.people.rep1, first.id);
      },
    });
    expect(seen).toEqual([1, 2]);
    expect(report.created).toBe(200);
    // Written as planned the second time: its orders are the new owner's.
    const orders = await w.db.order.findMany({ where: { storeId: first.id } });
    expect(orders.length).toBeGreaterThan(0);
    expect(new Set(orders.map((o) => o.personId))).toEqual(new Set([w.people.rep1.id]));
    expect(await w.db.auditLog.count({ where: { action: 'order.import' } })).toBe(1);
  });

  it.skipIf(!onSqlite)('counts an order recorded meanwhile with the same data as unchanged, and writes the rest', async () => {
    await loadStores();
    const report = await applyOrderImport(w.deps, w.people.admin, ordersCsv(200), mapping, {
      beforeCommit: async (attempt) => {
        if (attempt !== 1) return;
        // The order system sends one order of the file through the API meanwhile.
        const store = await w.db.store.findUniqueOrThrow({ where: { code: storeCode(5) } });
        await w.db.order.create({ data: { orderNo: 'L-5', storeId: store.id, amount: 605, orderedAt: new Date('2026-11-06T02:00:00Z') } });
      },
    });
    expect([report.created, report.unchanged]).toEqual([199, 1]);
    expect(await w.db.order.count()).toBe(200);
  });

  it.skipIf(!onSqlite)(
    'leaves no order behind when the process is killed in the middle of the commit, and the same file applies afterwards',
    async () => {
      await loadStores();
      const dir = mkdtempSync(join(tmpdir(), 'seaboard-kill-orders-'));
      try {
        const csv = join(dir, 'orders.csv');
        writeFileSync(csv, ordersCsv(ROWS));
        const file = (await w.db.$queryRawUnsafe<{ file: string }[]>(`SELECT "file" FROM pragma_database_list WHERE "name" = 'main'`))[0]!.file;
        const probe = new BetterSqlite3(file, { timeout: 0 });
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/order-import-child.ts', file, csv], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
        // Another connection probes the write lock: the import takes it only for its commit.
        let killedInCommit = false;
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && child.exitCode === null) {
          try {
            probe.exec('BEGIN IMMEDIATE');
            probe.exec('ROLLBACK');
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
            child.kill('SIGKILL');
            killedInCommit = true;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        const how = await exited;
        probe.close();
        expect(killedInCommit, output).toBe(true);
        expect(how).toBe('SIGKILL');
        expect(await w.db.order.count()).toBe(0);
        const fresh = new BetterSqlite3(file, { readonly: true });
        expect(fresh.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
        expect(fresh.prepare('SELECT count(*) AS n FROM "Order"').get()).toEqual({ n: 0 });
        expect(fresh.prepare(`SELECT count(*) AS n FROM "AuditLog" WHERE "action" = 'order.import'`).get()).toEqual({ n: 0 });
        expect(fresh.prepare(`SELECT count(*) AS n FROM "Store" WHERE "lastOrderAt" IS NOT NULL`).get()).toEqual({ n: 0 });
        fresh.close();
        const report = await applyOrderImport(w.deps, w.people.admin, ordersCsv(ROWS), mapping);
        expect([report.created, report.unchanged]).toEqual([ROWS, 0]);
        expect(await w.db.order.count()).toBe(ROWS);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
