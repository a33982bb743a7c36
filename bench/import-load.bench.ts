// The Slack endpoint while big imports are applied (issue 12, point 5): the server in its own
// process (bench/import-load-server.ts: src/main.ts with Slack over HTTP) applies a 100,000-row store
// CSV (the import suite's file and company) in its process, then a 100,000-row order CSV over those
// stores, and meanwhile this process sends, at a steady rate and without waiting for the answers (an
// open loop: a stalled server is not given time to catch up), a signed `/crm help` and a GET
// /healthz every few milliseconds. Measured: each request's time to its answer, for the requests sent
// while each import ran; targets on the p99.
//
// SEABOARD_BENCH_SCALE shrinks the files (0.05: 5,000 rows each); SEABOARD_BENCH_LOAD_INTERVAL_MS sets the
// pace of each of the two streams (default 50 ms: 20 commands and 20 health checks a second, from
// 20 reps);
// SEABOARD_BENCH_LOAD_TIMELINE=1 prints the slowest answer of each quarter second from the start.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { MAX_IMPORT_ROWS } from '../src/domain/imports/store-import.ts';
import { repoRoot } from './dataset.ts';
import { quantile, removeDb, scratchDir, summarize, type Result, type Suite, type SuiteContext, type Timing } from './harness.ts';
import type { ImportDone, ServerLine } from './import-load-server.ts';
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
  description: `Slack ack and /healthz while a ${ROWS.toLocaleString('en')}-row store import, then a ${ROWS.toLocaleString('en')}-row order import, is applied in the server (SQLite)`,
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
      removeDb(ordersPath(db));
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

    // Each import: from the line sent to the server to its answer; the requests sent in that window.
    const windows: { label: string; from: number; to: number; done: ImportDone }[] = [];
    const applyMeasured = async (label: string, command: string, expected: number) => {
      const from = performance.now();
      child.stdin.write(`${command}\n`);
      const line = await nextLine();
      const to = performance.now();
      if ('failed' in line) throw new Error(`the ${label} failed: ${line.failed.split('\n').slice(0, 3).join(' | ')}`);
      if (!('done' in line)) throw new Error(`unexpected: ${JSON.stringify(line)}`);
      if (line.done.created !== expected) throw new Error(`the ${label} created ${line.done.created}, expected ${expected}`);
      windows.push({ label, from, to, done: line.done });
    };
    try {
      await sleep(WARMUP_MS + BASELINE_MS);
      await applyMeasured('store import', 'go', ROWS);
      // The order file refers to the stores just imported (not timed; the load goes on meanwhile).
      writeFileSync(ordersPath(db), ordersCsv(db, ROWS));
      await sleep(BASELINE_MS);
      await applyMeasured('order import', `orders ${ordersPath(db)}`, ROWS);
    } finally {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    }

    const timing = (all: Sample[], which: (s: Sample) => boolean): Timing => {
      const chosen = all.filter(which);
      const failed = chosen.filter((s) => !s.ok);
      return { samples: chosen.filter((s) => s.ok).map((s) => s.ms), failures: failed.length, firstError: failed[0]?.error ?? null };
    };
    const p99 = (t: Timing) => quantile([...t.samples].sort((a, b) => a - b), 0.99);
    const fmt = (x: number) => `${x.toFixed(1)} ms`;
    const storeFrom = windows[0]!.from;
    const before = (s: Sample) => s.sentAt >= storeFrom - BASELINE_MS && s.sentAt < storeFrom;
    const ackBefore = timing(acks, before);
    const healthBefore = timing(checks, before);
    ctx.log(`  before the imports (${BASELINE_MS / 1000} s): ack p99 ${fmt(p99(ackBefore))}, /healthz p99 ${fmt(p99(healthBefore))}`);
    if (p99(ackBefore) > TARGET.ackP99 || p99(healthBefore) > TARGET.healthzP99) {
      ctx.log(`  (already over the targets before the imports: the machine is busy with other work, ${loadavg().map((x) => x.toFixed(1)).join(' ')}; the figures below say more about it than about the imports)`);
    }

    for (const { label, from, to, done } of windows) {
      if (process.env.SEABOARD_BENCH_LOAD_TIMELINE) {
        for (const [name, all] of [['ack', acks], ['healthz', checks]] as const) {
          const buckets = new Map<number, number>();
          for (const s of all.filter((x) => x.sentAt >= from && x.sentAt < to)) {
            const b = Math.floor((s.sentAt - from) / 250);
            buckets.set(b, Math.max(buckets.get(b) ?? 0, s.ms));
          }
          ctx.log(`  ${label}: ${name} max per 250 ms from go: ${[...buckets].sort((x, y) => x[0] - y[0]).map(([b, m]) => `${b}:${Math.round(m)}`).join(' ')}`);
        }
      }
      const during = (s: Sample) => s.sentAt >= from && s.sentAt < to;
      const what = label === 'store import' ? 'stores' : 'orders';
      ctx.log(`  ${label} applied in ${(done.ms / 1000).toFixed(1)} s in the server: created ${done.created}, ${done.detail}`);
      ctx.log(`  server event loop during the ${label}: delay p99 ${fmt(done.lagP99Ms)}, max ${fmt(done.lagMaxMs)}`);
      if (done.holdMs !== null) ctx.log(`  the ${label}'s commit (worker thread) kept the server's transactions waiting ${fmt(done.holdMs)}; attempts ${done.attempts}`);
      ctx.report({
        suite: SUITE,
        name: `apply ${ROWS.toLocaleString('en')} ${what} under load`,
        n: 1,
        unit: 's',
        median: done.ms / 1000,
        p95: null,
        p99: null,
        target: null,
        failures: 0,
        note: `server event loop delay p99 ${fmt(done.lagP99Ms)}, max ${fmt(done.lagMaxMs)}${done.holdMs === null ? '' : `; other writes held ${fmt(done.holdMs)} by the commit`}`,
      } satisfies Result);
      ctx.report({
        ...summarize(SUITE, `/crm help ack during the ${label}`, timing(acks, during), TARGET.ackP99, `signed slash command to HTTP 200; before the imports p99 ${fmt(p99(ackBefore))}`),
        targetOn: 'p99',
      });
      ctx.report({
        ...summarize(SUITE, `/healthz during the ${label}`, timing(checks, during), TARGET.healthzP99, `GET to HTTP 200; before the imports p99 ${fmt(p99(healthBefore))}`),
        targetOn: 'p99',
      });
    }
  } finally {
    child.stdin.write('stop\n');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) child.kill('SIGKILL');
    rmSync(server, { force: true });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ordersPath = (db: string) => db.replace(/\.db$/, '-orders.csv');

/**
 * `rows` orders over the stores of the database (after the store import), as the order system
 * exports them: one every few stores in turn, in yuan, the last 60 days on the company's clock.
 */
function ordersCsv(db: string, rows: number): Buffer {
  const raw = new BetterSqlite3(db, { readonly: true });
  const codes = (raw.prepare('SELECT "code" FROM "Store" ORDER BY "id"').all() as { code: string }[]).map((r) => r.code);
  raw.close();
  const now = Date.now();
  const lines = ['order_no,store_code,amount,ordered_at'];
  for (let i = 0; i < rows; i++) {
    // Shanghai's clock, written without an offset as exports do.
    const at = new Date(now - ((i * 7_919) % (60 * 24 * 60)) * 60_000 - 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    lines.push(`BENCH-${process.pid}-${i},${codes[(i * 7) % codes.length]},${(i % 4_999) + 1}.${String(i % 100).padStart(2, '0')},${at}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}
