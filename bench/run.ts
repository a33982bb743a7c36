// `npm run bench [-- <suite> …]`: runs the benchmark suites (all, or those whose name is given) and
// prints the machine, each suite's figures as they come, and a summary with PASS/FAIL per target.
// It is a report: the exit code is 0 even when a target is missed (1 only when the bench itself breaks).
import { rmdirSync } from 'node:fs';
import { approvalsSuite } from './approvals.bench.ts';
import { botSuite } from './bot.bench.ts';
import { coreSuite } from './core.bench.ts';
import { outboxSuite } from './outbox.bench.ts';
import { startupSuite } from './startup.bench.ts';
import { regionsSuite } from './regions.bench.ts';
import { storeImportSuite } from './store-import.bench.ts';
import { importLoadSuite } from './import-load.bench.ts';
import { searchSuite } from './search.bench.ts';
import { jobsSuite } from './jobs.bench.ts';
import { ensureDataset, type DatasetInfo } from './dataset.ts';
import { copyDb, formatTable, machineLines, passed, removeDb, scratchDir, tableHeader, tableRow, type Result, type Suite, type SuiteContext } from './harness.ts';

/** Every suite, in the order they run. Later issues add theirs here. */
const suites: Suite[] = [coreSuite, botSuite, searchSuite, approvalsSuite, jobsSuite, outboxSuite, storeImportSuite, importLoadSuite, regionsSuite, startupSuite];

const started = performance.now();
const log = (line: string) => console.log(line);
const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.includes('--help') || args.includes('-h')) {
  log('usage: npm run bench [-- <suite> …]');
  for (const s of suites) log(`  ${s.name.padEnd(10)} ${s.description}`);
  log('environment: SEABOARD_BENCH_SCALE (default 1: 100,000 stores), SEABOARD_BENCH_ITERATIONS (default 200)');
  process.exit(0);
}
const unknown = args.filter((a) => !suites.some((s) => s.name === a));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = args.length ? suites.filter((s) => args.includes(s.name)) : suites;

log('Seaboard benchmark');
log('');
for (const line of machineLines()) log(line);
log('');

let dataset: Promise<DatasetInfo> | null = null;
const results: Result[] = [];
const scratches = new Set<string>();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const ctx: SuiteContext = {
  dataset: () =>
    (dataset ??= ensureDataset(log).then((ds) => {
      log(
        ds.fromCache
          ? `data set  ${ds.key} (cached; generating it took ${seconds(ds.generatedMs)})`
          : `data set  ${ds.key} generated in ${seconds(ds.generatedMs)}`,
      );
      log(`          ${(ds.bytes / 2 ** 20).toFixed(0)} MB, now = ${ds.now.toISOString()}; ${Object.entries(ds.counts).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}`);
      log('');
      return ds;
    })),
  scratch: async (label) => {
    const ds = await ctx.dataset();
    const path = copyDb(ds.path, label);
    scratches.add(path);
    return path;
  },
  dropScratch: (path) => {
    removeDb(path);
    scratches.delete(path);
  },
  log,
  report: (r) => {
    results.push(r);
    const [name, n, median, p95, p99, target, verdict] = tableRow(r);
    log(`  ${name!.padEnd(34)} n=${n!.padStart(3)}  median ${median!.padStart(9)}  p95 ${p95!.padStart(9)}  p99 ${p99!.padStart(9)}  target ${target!.padStart(9)}  ${verdict}`);
    if (r.note) log(`  ${''.padEnd(34)} ${r.note}`);
  },
};

let broken = false;
try {
  for (const suite of chosen) {
    log(`== ${suite.name}: ${suite.description}`);
    const t0 = performance.now();
    await suite.run(ctx);
    log(`  (${suite.name} took ${seconds(performance.now() - t0)})`);
    log('');
  }
} catch (e) {
  broken = true;
  console.error(`\nthe benchmark broke: ${(e as Error).stack ?? String(e)}`);
} finally {
  for (const path of scratches) removeDb(path);
  try {
    rmdirSync(scratchDir); // only when empty: another bench may be running beside this one
  } catch {
    // not empty or already gone
  }
}

log('== summary');
log(formatTable(tableHeader, results.map((r) => tableRow(r, chosen.length > 1))));
const failed = results.filter((r) => passed(r) === false);
log('');
log(failed.length ? `${failed.length} of ${results.length} targets missed: ${failed.map((r) => r.name).join(', ')}` : `all ${results.length} targets met`);
log(`total bench time ${seconds(performance.now() - started)}`);
process.exit(broken ? 1 : 0);
