import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { world, type World } from '../../support/world.ts';

// Two app processes on one database tick the same instants (test/support/jobs-child.ts, each with its
// own scheduler, its own connection pool and the real registry of jobs): every slot is run once, no
// notice goes out twice, and a process killed in the middle of a run loses its slot to the other once
// its lease has expired. On PostgreSQL only (TEST_POSTGRES_URL, npm test's PostgreSQL pass): on one
// SQLite file, two processes' deferred transactions fail with "database is locked" when one upgrades
// its read to a write after the other committed (SQLite does not wait there; the domain's transactions
// are Prisma's, not BEGIN IMMEDIATE) — SQLite is for one app process, several replicas need PostgreSQL.

const tsx = 'node_modules/.bin/tsx';
const DAY = 24 * 3_600_000;
/** 02:00 in Shanghai, the sweep's time, on 2026-11-23 … */
const first = new Date('2026-11-22T18:00:00Z').getTime();
const nights = Array.from({ length: 20 }, (_, i) => new Date(first + i * DAY));

interface Child {
  proc: ChildProcessWithoutNullStreams;
  /** Sends a line and waits for the next JSON line. */
  send(line: string): Promise<Record<string, unknown>>;
  next(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function child(url: string, owner: string, env: Record<string, string> = {}): Child {
  const proc = spawn(tsx, ['test/support/jobs-child.ts', url, owner], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const take = (line: string) => resolve(JSON.parse(line) as Record<string, unknown>);
      const queued = lines.shift();
      if (queued !== undefined) return take(queued);
      waiting.push(take);
      void exited.then((code) => reject(new Error(`${owner} exited (${code}): ${stderr.slice(-2000)}`)));
    });
  return {
    proc,
    next,
    send: (line) => {
      proc.stdin.write(`${line}\n`);
      return next();
    },
    exited,
  };
}

let w: World;
let a: Child;
let b: Child;
describe.skipIf(!process.env.TEST_POSTGRES_URL)('two processes on one PostgreSQL database', () => {
  beforeAll(async () => {
    w = await world();
    // The four private stores' protection ends on different nights of the twenty.
    const ends = ['2026-11-24T12:00:00Z', '2026-11-28T12:00:00Z', '2026-12-05T12:00:00Z', '2026-12-10T12:00:00Z'];
    const owned = await w.db.store.findMany({ where: { ownerId: { not: null } }, orderBy: { id: 'asc' } });
    for (const [i, s] of owned.entries()) await w.db.store.update({ where: { id: s.id }, data: { protectedUntil: new Date(ends[i % ends.length]!) } });
    a = child(w.database.url, 'replica-a');
    b = child(w.database.url, 'replica-b');
  });
  afterAll(async () => {
    for (const c of [a, b]) {
      if (c && c.proc.exitCode === null && c.proc.signalCode === null) {
        c.proc.stdin.write('exit\n');
        await c.exited;
      }
    }
    await w?.drop();
  });

  it('tick the same 20 nights: each slot runs once, no notice twice', { timeout: 300_000 }, async () => {
    for (const night of nights) {
      const [ra, rb] = await Promise.all([a.send(`tick ${night.toISOString()}`), b.send(`tick ${night.toISOString()}`)]);
      const sweeps = [ra, rb].flatMap((r) => (r.results as { job: string; slot: string; status: string }[]).filter((x) => x.job === 'sweep' && x.slot === night.toISOString()));
      expect(sweeps.map((x) => x.status).sort(), `${night.toISOString()}: ${JSON.stringify([ra, rb])}`).toEqual(['done', 'taken']);
    }
    const runs = await w.db.jobRun.findMany({ orderBy: { scheduledAt: 'asc' } });
    expect(runs.filter((r) => r.status === 'failed').map((r) => `${r.job} ${r.slot}: ${r.note}`)).toEqual([]);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    expect(runs.every((r) => r.attempts === 1)).toBe(true);
    const sweeps = runs.filter((r) => r.job === 'sweep' && r.status === 'done').map((r) => r.slot);
    for (const night of nights) expect(sweeps).toContain(night.toISOString());
    // Both processes did part of the work.
    expect(new Set(runs.filter((r) => r.status === 'done').map((r) => r.leaseOwner))).toEqual(new Set(['replica-a', 'replica-b']));
    // Each store returned once, each owner told once per night.
    const returns = await w.db.claimHistory.groupBy({ by: ['storeId'], where: { action: 'auto_return' }, _count: true });
    expect(returns.length).toBe(4);
    expect(returns.every((r) => r._count === 1)).toBe(true);
    const told = await w.db.outbox.findMany({ where: { kind: 'store.auto_returned' } });
    expect(told.length).toBeGreaterThan(0);
    expect(told.reduce((n, o) => n + (JSON.parse(o.payload) as { total: number }).total, 0)).toBe(4);
  });

  it('a process killed in the middle of a run: the other takes the slot over once the lease has expired', { timeout: 300_000 }, async () => {
    const night = new Date(first + 20 * DAY).toISOString();
    // Protection of one store ends before that night.
    const store = await w.db.store.findFirstOrThrow({ where: { ownerId: null }, orderBy: { id: 'asc' } });
    await w.db.store.update({ where: { id: store.id }, data: { ownerId: w.people.rep1.id, claimedAt: new Date(first), protectedUntil: new Date(first + 19.5 * DAY) } });
    a.proc.stdin.write('exit\n');
    await a.exited;
    a = child(w.database.url, 'replica-a2', { JOBS_CHILD_PAUSE: night });
    a.proc.stdin.write(`tick ${night}\n`);
    expect(await a.next()).toEqual({ paused: night });
    a.proc.kill('SIGKILL');
    await a.exited;
    const held = await w.db.jobRun.findUniqueOrThrow({ where: { job_slot: { job: 'sweep', slot: night } } });
    expect(held).toMatchObject({ status: 'running', leaseOwner: 'replica-a2', attempts: 1 });
    // The work was done before the kill: the store is back in the pool, its owner's notice queued.
    expect((await w.db.store.findUniqueOrThrow({ where: { id: store.id } })).ownerId).toBeNull();
    const toldBefore = await w.db.outbox.count({ where: { kind: { in: ['store.auto_returned', 'store.auto_returned_team'] } } });
    // Within the lease (2 minutes): still the dead process's.
    const early = await b.send(`tick ${new Date(Date.parse(night) + 60_000).toISOString()}`);
    expect((early.results as { job: string; slot: string; status: string }[]).filter((x) => x.job === 'sweep')).toEqual([{ job: 'sweep', slot: night, status: 'taken' }]);
    const late = await b.send(`tick ${new Date(Date.parse(night) + 3 * 60_000).toISOString()}`);
    expect((late.results as { job: string; slot: string; status: string }[]).filter((x) => x.job === 'sweep')).toEqual([{ job: 'sweep', slot: night, status: 'done' }]);
    expect(await w.db.jobRun.findUniqueOrThrow({ where: { job_slot: { job: 'sweep', slot: night } } })).toMatchObject({ status: 'done', leaseOwner: 'replica-b', attempts: 2 });
    expect(await w.db.claimHistory.count({ where: { storeId: store.id, action: 'auto_return' } })).toBe(1);
    expect(await w.db.outbox.count({ where: { kind: { in: ['store.auto_returned', 'store.auto_returned_team'] } } })).toBe(toldBefore);
  });
});
