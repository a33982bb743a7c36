// What every suite shares: timing, statistics, scratch copies of the data set, the machine
// description and the printed tables.
import { constants, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DomainError } from '../src/domain/errors.ts';
import { benchDataDir, type DatasetInfo } from './dataset.ts';

// ---- suites -------------------------------------------------------------------------------------

export interface Result {
  suite: string;
  name: string;
  /** Measured runs (failed runs excluded). */
  n: number;
  unit: 'ms' | 's' | 'MB' | '%';
  median: number;
  p95: number | null;
  p99: number | null;
  /** The issue's limit on the median (or on the single value, for memory), or on the p95 or p99 with `targetOn`. */
  target: number | null;
  targetOn?: 'median' | 'p95' | 'p99';
  failures: number;
  note?: string;
}

export const passed = (r: Result): boolean | null =>
  r.target === null
    ? null
    : r.failures === 0 && r.n > 0 && (r.targetOn === 'p99' ? (r.p99 ?? Infinity) : r.targetOn === 'p95' ? (r.p95 ?? Infinity) : r.median) <= r.target;

export interface SuiteContext {
  /** The cached data set (generated on first use). */
  dataset(): Promise<DatasetInfo>;
  /** A fresh copy of the data set file, for one measurement; removed by `dropScratch` or at the end. */
  scratch(label: string): Promise<string>;
  dropScratch(path: string): void;
  log(line: string): void;
  /** Prints one result as it comes and keeps it for the summary. */
  report(result: Result): void;
}

export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<void>;
}

// ---- timing and statistics ----------------------------------------------------------------------

/** Quantile with linear interpolation between closest ranks (R type 7, as numpy's default). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Timing {
  samples: number[];
  failures: number;
  firstError: string | null;
}

/**
 * Runs `fn` on each item in turn: the first `warmup` items unmeasured, the rest timed one by one.
 * A run that throws is counted as a failure and left out of the samples.
 */
export async function timeEach<T>(items: readonly T[], warmup: number, fn: (item: T) => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  for (let i = 0; i < items.length; i++) {
    const t0 = performance.now();
    try {
      await fn(items[i]!);
    } catch (e) {
      if (i >= warmup) failures++;
      firstError ??= describeError(e);
      continue;
    }
    const ms = performance.now() - t0;
    if (i >= warmup) samples.push(ms);
  }
  return { samples, failures, firstError };
}

function describeError(e: unknown): string {
  if (e instanceof DomainError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message.split('\n').slice(-3).join(' ')}` : String(e);
}

export function summarize(suite: string, name: string, t: Timing, target: number | null, note?: string): Result {
  const sorted = [...t.samples].sort((a, b) => a - b);
  const notes = [note, t.failures ? `${t.failures} failed: ${t.firstError}` : undefined].filter(Boolean).join('; ');
  return {
    suite,
    name,
    n: sorted.length,
    unit: 'ms',
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    target,
    failures: t.failures,
    ...(notes ? { note: notes } : {}),
  };
}

// ---- scratch copies ----------------------------------------------------------------------------

export const scratchDir = join(benchDataDir, 'scratch');

export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** A copy of the data set (a reflink where the file system can, a plain copy otherwise). */
export function copyDb(from: string, label: string): string {
  mkdirSync(scratchDir, { recursive: true });
  const to = join(scratchDir, `${label}-${process.pid}.db`);
  removeDb(to);
  copyFileSync(from, to, constants.COPYFILE_FICLONE);
  return to;
}

// ---- the machine --------------------------------------------------------------------------------

export function machineLines(): string[] {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux: os.cpus() is all there is
  }
  const require = createRequire(import.meta.url);
  const prismaVersion = (require('@prisma/client/package.json') as { version: string }).version;
  const bsVersion = (require('better-sqlite3/package.json') as { version: string }).version;
  const mem = new BetterSqlite3(':memory:');
  const sqliteVersion = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  mem.close();
  return [
    `cpu       ${cpu}`,
    `cores     ${cpus().length}`,
    `memory    ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `load      ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min: other work on the machine makes the figures noisier)`,
    `node      ${process.version} (${process.platform} ${process.arch})`,
    `database  sqlite ${sqliteVersion}, Prisma ${prismaVersion} with the better-sqlite3 ${bsVersion} adapter`,
  ];
}

// ---- printing ------------------------------------------------------------------------------------

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

export function verdict(r: Result): string {
  const p = passed(r);
  if (p === null) return '';
  return p ? paint(32, 'PASS') : paint(31, 'FAIL <<<');
}

const fmt = (x: number | null, unit: Result['unit']): string => {
  if (x === null || Number.isNaN(x)) return '–';
  if (unit === 'MB') return x.toFixed(0);
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
};

export const tableHeader = ['operation', 'n', 'median', 'p95', 'p99', 'target', 'result'];

export function tableRow(r: Result, withSuite = false): string[] {
  const u = r.unit;
  return [
    withSuite ? `${r.suite}: ${r.name}` : r.name,
    String(r.n),
    `${fmt(r.median, u)} ${u}`,
    r.p95 === null ? '–' : `${fmt(r.p95, u)} ${u}`,
    r.p99 === null ? '–' : `${fmt(r.p99, u)} ${u}`,
    r.target === null ? '–' : `${r.targetOn === 'p99' || r.targetOn === 'p95' ? `${r.targetOn} ` : ''}≤ ${r.target} ${u}`,
    verdict(r),
  ];
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(visible(h).length, ...rows.map((r) => visible(r[i] ?? '').length)));
  const right = (i: number) => i > 0 && i < header.length - 1;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(widths[i]! - visible(c).length);
        return right(i) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
