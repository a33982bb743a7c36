// Start-up, as a newcomer meets it: `npm start` (scripts/start.mjs: an esbuild bundle of src/main.ts, run) with no
// Slack token, so in sandbox mode, timed from the spawn until GET /healthz answers (the server listens
// once the demo company is loaded). Three starts on an empty database (a fresh clone), three on the
// database the first one left; and where the time goes: loading the bundle's modules, migrating an
// empty database, loading the demo (as the server reports it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/db/migrate.ts';
import { repoRoot } from './dataset.ts';
import { quantile, type Result, type Suite, type SuiteContext } from './harness.ts';

const SUITE = 'startup';
const RUNS = 3;
const TARGET = { freshS: 15, existingS: 3, seedS: 10 } as const;
const TIMEOUT_MS = 120_000;
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** The environment of a newcomer's shell: no Slack settings, nothing of the bench's. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SLACK_|SANDBOX$|DATABASE_URL$|PORT$|HOST$|SEABOARD_)/.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

interface Start {
  /** Spawn → GET /healthz answered 200. */
  readyS: number;
  /** The demo's load time as the server printed it, when it loaded one. */
  seedS: number | null;
}

async function timeStart(databaseUrl: string): Promise<Start> {
  const port = await freePort();
  const t0 = performance.now();
  // `npm start` itself, in its own process group so that npm, the build and the server stop together.
  const child = spawn(NPM, ['start', '--silent'], {
    cwd: repoRoot,
    env: cleanEnv({ DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (;;) {
      if (gone) throw new Error(`the server exited before it answered:\n${output}`);
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`no answer on /healthz within ${TIMEOUT_MS / 1000} s:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyS = (performance.now() - t0) / 1000;
    // The banner follows the listen by a moment.
    const deadline = performance.now() + 5000;
    while (!/Mode: /.test(output) && performance.now() < deadline && !gone) await new Promise((r) => setTimeout(r, 10));
    const m = /Demo company: loaded in ([\d.]+) s/.exec(output);
    return { readyS, seedS: m ? Number(m[1]) : null };
  } finally {
    if (!gone) {
      kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!stopped) {
        kill('SIGKILL');
        await exited;
      }
    }
  }
}

/** A command to its exit, in seconds. */
async function timeCommand(command: string, args: string[], what: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(command, args, { cwd: repoRoot, env: cleanEnv({}), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${what} failed (${code}):\n${err}`);
  return (performance.now() - t0) / 1000;
}

function result(name: string, samples: number[], target: number | null, note: string, failures = 0): Result {
  const sorted = [...samples].sort((a, b) => a - b);
  return { suite: SUITE, name, n: sorted.length, unit: 's', median: quantile(sorted, 0.5), p95: null, p99: null, target, failures, note };
}

async function measure(ctx: SuiteContext, name: string, target: number | null, note: string, runs: (() => Promise<number>)[]): Promise<number[]> {
  const samples: number[] = [];
  let failures = 0;
  let firstError = '';
  for (const run of runs) {
    try {
      samples.push(await run());
    } catch (e) {
      failures++;
      firstError ||= (e as Error).message.split('\n').slice(0, 6).join(' | ');
    }
  }
  ctx.report(result(name, samples, target, [note, samples.length ? `runs: ${samples.map((s) => s.toFixed(1)).join(', ')} s` : '', failures ? `${failures} failed: ${firstError}` : ''].filter(Boolean).join('; '), failures));
  return samples;
}

export const startupSuite: Suite = {
  name: SUITE,
  description: 'npm start in sandbox mode to GET /healthz: fresh clone (empty database, demo loaded) and existing database',
  async run(ctx: SuiteContext) {
    const dirs: string[] = [];
    const freshUrl = () => {
      const dir = mkdtempSync(join(tmpdir(), 'seaboard-startup-'));
      dirs.push(dir);
      return `file:${join(dir, 'seaboard.db')}`;
    };
    try {
      const fresh: Start[] = [];
      const urls: string[] = [];
      await measure(ctx, 'start, fresh clone (demo loaded)', TARGET.freshS, 'npm start on an empty database', Array.from({ length: RUNS }, () => async () => {
        const url = freshUrl();
        const s = await timeStart(url);
        fresh.push(s);
        urls.push(url);
        return s.readyS;
      }));
      const seeds = fresh.flatMap((s) => (s.seedS === null ? [] : [s.seedS]));
      ctx.report(result('  of which the demo load', seeds, TARGET.seedS, seeds.length === fresh.length ? 'as the server reports it' : `the server reported a demo load in ${seeds.length} of ${fresh.length} starts`, fresh.length - seeds.length));
      const existing = urls[0];
      if (existing) {
        await measure(ctx, 'start, existing database', TARGET.existingS, 'npm start on the database the first fresh start left', Array.from({ length: RUNS }, () => async () => (await timeStart(existing)).readyS));
      }
      await measure(ctx, '  modules load', null, 'node, import dist/main.js, exit', Array.from({ length: RUNS }, () => () => timeCommand(process.execPath, ['--input-type=module', '-e', "await import('./dist/main.js')"], 'loading the modules')));
      await measure(ctx, '  migrations, empty database', null, 'every migration, in this process', Array.from({ length: RUNS }, () => async () => {
        const t0 = performance.now();
        await migrate(freshUrl());
        return (performance.now() - t0) / 1000;
      }));
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  },
};
