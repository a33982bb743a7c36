// The Slack endpoint while a big store import is applied (issue 12, point 5): the server in its own
// process (bench/import-load-server.ts: src/main.ts with Slack over HTTP) applies a 100,000-row CSV
// (the import suite's file and company) in its process, and meanwhile this process sends, at a steady
// rate and without waiting for the answers (an open loop: a stalled server is not given time to
// catch up), a signed `/crm help` and a GET /healthz every few milliseconds. Measured: each request's
// time to its answer, for the requests sent while the import ran; targets on the p99.
//
// SEABOARD_BENCH_SCALE shrinks the file (0.05: 5,000 rows); SEABOARD_BENCH_LOAD_INTERVAL_MS sets the
// pace of each of the two streams (default 50 ms: 20 commands and 20 health checks a second, from
// 20 reps);
// SEABOARD_BENCH_LOAD_TIMELINE=1 prints the slowest answer of each quarter second from the start.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { MAX_IMPORT_ROWS } from '../src/domain/imports/store-import.ts';
import { repoRoot } from './dataset.ts';
import { quantile, removeDb, scratchDir, summarize, type Result, type Suite, type SuiteContext, type Timing } from './harness.ts';
import type { ServerLine } from './import-load-server.ts';
import { buildDatabase, makeCsv, repSlackId } from './store-import.bench.ts';

const SUITE = 'import-load';
const SECRET = 'bench-signing-secret';
const TEAM = 'T0SEABOARD'; // the stand-in's auth.test team: requests from another workspace are refused
const TARGET = { ackP99: 100, healthzP99: 50 } as const;
const SCALE = Number(process.env.SEABOARD_BENCH_SCALE ?? '1');
const ROWS = Math.min(MAX_IMPORT_ROWS, Math.max(1_000, Math.round(MAX_IMPORT_ROWS * SCALE)));
const INTERVAL_MS = Math.max(2, Number(process.env.SEABOARD_BENCH_LOAD_INTERVAL_MS ?? 50));
/** Reps sending the commands (each one's Slack locale is looked up once, during the warm-up). */
const USERS = 20;
/** Load before the import, unmeasured (the server's code paths warm), then measured as the baseline. */
const WARMUP_MS = 5_000;
const BASELINE_MS = 2_000;

export const importLoadSuite: Suite = {
  name: SUITE,
  description: `Slack ack and /healthz while a ${ROWS.toLocaleString('en')}-row store import is applied in the server (SQLite)`,
  async run(ctx) {
    mkdirSync(scratchDir, { recursive: true });
    const db = join(scratchDir, `import-load-${process.pid}.db`);
    const csvPath = join(scratchDir, `import-load-${process.pid}.csv`);
    const base = join(scratchDir, `import-load-base-${process.pid}.db`);
    try {
      await buildDatabase(base);
      removeDb(db);
      copyFileSync(base, db);
      const csv = makeCsv(ROWS);
      writeFileSync(csvPath, csv);
      ctx.log(`  CSV ${(csv.length / 2 ** 20).toFixed(1)} MB, ${ROWS.toLocaleString('en')} rows; a signed /crm help and a GET /healthz every ${INTERVAL_MS} ms`);
      await measure(ctx, db, csvPath);
    } finally {
      removeDb(base);
      removeDb(db);
      removeDb(csvPath);
    }
  },
};

interface Sample {
  sentAt: number;
  ms: number;
  ok: boolean;
  error?: string;
}

/**
 * The server side as `npm start` runs the server: one esbuild bundle (scripts/start.mjs), the same heap
 * limit. Written into the scratch folder, inside the repository, so that its packages resolve.
 */
async function bundleServer(): Promise<string> {
  const outfile = join(scratchDir, `import-load-server-${process.pid}.mjs`);
  await build({ entryPoints: [join(repoRoot, 'bench/import-load-server.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}

async function measure(ctx: SuiteContext, db: string, csvPath: string): Promise<void> {
  const server = await bundleServer();
  const child = spawn(process.execPath, ['--max-old-space-size=512', server, db, csvPath, SECRET], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined); // a server that died already: its exit is reported
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: ServerLine) => void)[] = [];
  lines.on('line', (l) => {
    if (!l.startsWith('{')) return;
    waiting.shift()?.(JSON.parse(l) as ServerLine);
  });
  const nextLine = () =>
    Promise.race([
      new Promise<ServerLine>((resolve) => waiting.push(resolve)),
      exited.then((code) => Promise.reject(new Error(`the server exited (${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`))),
    ]);
  try {
    const first = await nextLine();
    if (!('url' in first)) throw new Error(`unexpected: ${JSON.stringify(first)}`);
    const url = first.url;

    let n = 0;
    const command = async (): Promise<void> => {
      const user = repSlackId(n % USERS, 0);
      n++;
      const body = new URLSearchParams({ team_id: TEAM, user_id: user, command: '/crm', text: 'help', channel_id: 'C0BENCH', response_url: `http://127.0.0.1:9/response/${n}`, trigger_id: `${n}.trigger` }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig }, body });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('/visit')) throw new Error(`HTTP ${res.status}: ${text.slice(0, 120)}`);
    };
    const health = async (): Promise<void> => {
      const res = await fetch(`${url}/healthz`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 120)}`);
    };

    // Open loop: one of each every INTERVAL_MS, whatever became of the earlier ones.
    const acks: Sample[] = [];
    const checks: Sample[] = [];
    const inFlight = new Set<Promise<void>>();
    const fire = (fn: () => Promise<void>, into: Sample[]) => {
      const sentAt = performance.now();
      const p = fn().then(
        () => void into.push({ sentAt, ms: performance.now() - sentAt, ok: true }),
        (e: unknown) => void into.push({ sentAt, ms: performance.now() - sentAt, ok: false, error: String(e) }),
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    const timer = setInterval(() => {
      fire(command, acks);
      fire(health, checks);
    }, INTERVAL_MS);

    let importFrom = Infinity;
    let importTo = Infinity;
    let done: Extract<ServerLine, { done: unknown }>['done'] | null = null;
    try {
      await sleep(WARMUP_MS + BASELINE_MS);
      importFrom = performance.now();
      child.stdin.write('go\n');
      const line = await nextLine();
      importTo = performance.now();
      if ('failed' in line) throw new Error(`the import failed: ${line.failed.split('\n').slice(0, 3).join(' | ')}`);
      if (!('done' in line)) throw new Error(`unexpected: ${JSON.stringify(line)}`);
      done = line.done;
      if (done.result.created !== ROWS) throw new Error(`created ${done.result.created} stores, expected ${ROWS}`);
    } finally {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    }

    if (process.env.SEABOARD_BENCH_LOAD_TIMELINE) {
      for (const [name, all] of [['ack', acks], ['healthz', checks]] as const) {
        const buckets = new Map<number, number>();
        for (const s of all) {
          const b = Math.floor((s.sentAt - importFrom) / 250);
          buckets.set(b, Math.max(buckets.get(b) ?? 0, s.ms));
        }
        ctx.log(`  ${name} max per 250 ms from go: ${[...buckets].sort((a, b) => a[0] - b[0]).map(([b, m]) => `${b}:${Math.round(m)}`).join(' ')}`);
      }
    }
    const during = (s: Sample) => s.sentAt >= importFrom && s.sentAt < importTo;
    const before = (s: Sample) => s.sentAt >= importFrom - BASELINE_MS && s.sentAt < importFrom;
    const timing = (all: Sample[], which: (s: Sample) => boolean): Timing => {
      const chosen = all.filter(which);
      const failed = chosen.filter((s) => !s.ok);
      return { samples: chosen.filter((s) => s.ok).map((s) => s.ms), failures: failed.length, firstError: failed[0]?.error ?? null };
    };
    const p99 = (t: Timing) => quantile([...t.samples].sort((a, b) => a - b), 0.99);
    const ackBefore = timing(acks, before);
    const healthBefore = timing(checks, before);
    const fmt = (x: number) => `${x.toFixed(1)} ms`;

    ctx.log(`  import applied in ${(done!.ms / 1000).toFixed(1)} s in the server: created ${done!.result.created}, owned ${done!.result.owned}, contacts ${done!.result.contacts}`);
    ctx.log(`  server event loop during the import: delay p99 ${fmt(done!.lagP99Ms)}, max ${fmt(done!.lagMaxMs)}`);
    if (done!.holdMs !== null) ctx.log(`  the commit (worker thread) kept the server's transactions waiting ${fmt(done!.holdMs)}; attempts ${done!.attempts}`);
    ctx.log(`  before the import (${BASELINE_MS / 1000} s): ack p99 ${fmt(p99(ackBefore))}, /healthz p99 ${fmt(p99(healthBefore))}`);
    if (p99(ackBefore) > TARGET.ackP99 || p99(healthBefore) > TARGET.healthzP99) {
      ctx.log(`  (already over the targets before the import: the machine is busy with other work, ${loadavg().map((x) => x.toFixed(1)).join(' ')}; the figures below say more about it than about the import)`);
    }
    const importRow: Result = {
      suite: SUITE,
      name: `apply ${ROWS.toLocaleString('en')} stores under load`,
      n: 1,
      unit: 's',
      median: done!.ms / 1000,
      p95: null,
      p99: null,
      target: null,
      failures: 0,
      note: `server event loop delay p99 ${fmt(done!.lagP99Ms)}, max ${fmt(done!.lagMaxMs)}${done!.holdMs === null ? '' : `; transactions held ${fmt(done!.holdMs)} by the commit`}`,
    };
    ctx.report(importRow);
    ctx.report({
      ...summarize(SUITE, '/crm help ack during the import', timing(acks, during), TARGET.ackP99, `signed slash command to HTTP 200; before the import p99 ${fmt(p99(ackBefore))}`),
      targetOn: 'p99',
    });
    ctx.report({
      ...summarize(SUITE, '/healthz during the import', timing(checks, during), TARGET.healthzP99, `GET to HTTP 200; before the import p99 ${fmt(p99(healthBefore))}`),
      targetOn: 'p99',
    });
  } finally {
    child.stdin.write('stop\n');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) child.kill('SIGKILL');
    rmSync(server, { force: true });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
