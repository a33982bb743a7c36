// The scheduler on the data set: a tick with nothing due (what every minute of a quiet day costs), the
// nightly sweep run through its job (claimed, recorded), and — with the digest job in the registry —
// every person's morning digest computed and queued through the job, with this process's memory.
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { loadSettings } from '../src/domain/settings/settings.ts';
import { jobs } from '../src/jobs/index.ts';
import { createScheduler, type SlotResult } from '../src/jobs/scheduler.ts';
import { nextDailyAt } from '../src/jobs/slots.ts';
import { summarize, type Suite, type SuiteContext } from './harness.ts';
import type { DatasetInfo } from './dataset.ts';
import { approvalRemindersBench } from './approval-reminders.bench.ts';

const SUITE = 'jobs';
const TICKS = 1_000;
const TARGET = { tickMs: 5, sweepS: 5, digestS: 20, digestRssMB: 250 } as const;

export const jobsSuite: Suite = {
  name: SUITE,
  description: 'scheduler tick with nothing due, the sweep and the morning digests through their jobs, approval reminders and escalation over 10,000 pending steps',
  async run(ctx) {
    const ds = await ctx.dataset();
    await tickBench(ctx, ds);
    await sweepBench(ctx, ds);
    if (jobs.some((j) => j.name === 'digest')) await digestBench(ctx, ds);
    else ctx.log('  (no digest job in the registry: the digest is not measured)');
    await approvalRemindersBench(ctx, SUITE);
  },
};

async function opened(ctx: SuiteContext, label: string, at: Date) {
  const path = await ctx.scratch(`${SUITE}-${label}`);
  await migrate(`file:${path}`);
  const database = await openDatabase(`file:${path}`);
  const clock = fixedClock(at);
  const scheduler = createScheduler({ deps: { db: database.db, clock }, jobs, owner: `bench-${label}`, log: () => undefined });
  return {
    db: database.db,
    clock,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await database.close();
      ctx.dropScratch(path);
    },
  };
}

const summary = (results: SlotResult[]) =>
  results.map((r) => (r.status === 'done' || r.status === 'failed' ? `${r.job} ${r.status} (${r.outcome.sent} sent${r.error ? `: ${r.error}` : ''})` : `${r.job} ${r.status}`)).join(', ');

/** All jobs registered; first the catch-up tick of a new installation (not measured), then ticks a millisecond apart. */
async function tickBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  // One second past a minute: the ticks after it stay within that minute, so no job is due.
  const start = new Date(Math.floor(ds.now.getTime() / 60_000) * 60_000 + 1_000);
  const o = await opened(ctx, 'tick', start);
  try {
    const t0 = performance.now();
    const first = await o.scheduler.tick(start);
    ctx.log(`  first tick (catch-up of a new installation): ${((performance.now() - t0) / 1000).toFixed(1)} s — ${summary(first.results)}`);
    const samples: number[] = [];
    let due = 0;
    for (let i = 1; i <= TICKS; i++) {
      const now = new Date(start.getTime() + i);
      o.clock.set(now);
      const t = performance.now();
      const r = await o.scheduler.tick(now);
      samples.push(performance.now() - t);
      due += r.results.length;
    }
    ctx.report(summarize(SUITE, 'tick, nothing due', { samples, failures: due ? 1 : 0, firstError: due ? `${due} slot(s) were due` : null }, TARGET.tickMs, `${TICKS} ticks, ${jobs.length} jobs registered`));
  } finally {
    await o.close();
  }
}

/** Run now of the sweep at the data set's now: the latest 02:00 slot, claimed and recorded like a scheduled run. */
async function sweepBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const o = await opened(ctx, 'sweep', ds.now);
  try {
    const t0 = performance.now();
    const [r] = await o.scheduler.runDue('sweep', ds.now, null);
    const s = (performance.now() - t0) / 1000;
    const ok = r?.status === 'done';
    const note = r && (r.status === 'done' || r.status === 'failed') ? `${JSON.stringify(r.outcome.note?.counts ?? {})}, ${r.outcome.sent} notices${r.error ? `, ${r.error}` : ''}` : (r?.status ?? 'nothing due');
    ctx.report({ ...summarize(SUITE, 'sweep through its job', { samples: ok ? [s] : [], failures: ok ? 0 : 1, firstError: ok ? null : note }, TARGET.sweepS, note), unit: 's', p95: null, p99: null });
  } finally {
    await o.close();
  }
}

/** Every person's digest of a working morning, through the job (one slot per time zone in use), and the memory it takes. */
async function digestBench(ctx: SuiteContext, ds: DatasetInfo): Promise<void> {
  const o = await opened(ctx, 'digest', ds.now);
  try {
    const settings = await loadSettings(o.db);
    const at = nextDailyAt(settings.reminderTimes.digest, settings.timezone, ds.now, { days: settings.workingDays });
    if (!at) throw new Error('no digest slot within two weeks');
    const now = new Date(at.getTime() + 60_000);
    o.clock.set(now);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t0 = performance.now();
    let results: SlotResult[] = [];
    try {
      results = await o.scheduler.runDue('digest', now, null);
    } finally {
      clearInterval(sampler);
    }
    const s = (performance.now() - t0) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    const done = results.filter((r) => r.status === 'done');
    const sent = done.reduce((n, r) => n + (r.status === 'done' ? r.outcome.sent : 0), 0);
    const failed = results.filter((r) => r.status !== 'done');
    const note = `${results.length} slot(s) (time zones), ${sent} digests queued${failed.length ? `; ${summary(failed)}` : ''}`;
    ctx.report({ ...summarize(SUITE, 'morning digests, all people', { samples: [s], failures: failed.length, firstError: failed.length ? summary(failed) : null }, TARGET.digestS, note), unit: 's', p95: null, p99: null });
    ctx.report({ suite: SUITE, name: 'bench process RSS during digests', n: 1, unit: 'MB', median: peak / 2 ** 20, p95: null, p99: null, target: TARGET.digestRssMB, failures: 0, note: `peak resident memory of this bench process, ${(before / 2 ** 20).toFixed(0)} MB before the digests (it holds the earlier measurements' clients too)` });
  } finally {
    await o.close();
  }
}
