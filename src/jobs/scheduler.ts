import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Deps } from '../domain/deps.ts';
import type { RunNote } from '../domain/jobs/notes.ts';
import { claimSlot, expiredRuns, finishRun, isManualSlot, latestSlots, MANUAL_PREFIX, recentRuns, recordSkipped, renewLease, type JobRunView } from '../domain/jobs/runs.ts';
import type { OutboxWaker } from '../domain/outbox/waker.ts';
import { loadSettings } from '../domain/settings/settings.ts';
import type { Job, JobContext, JobOutcome, PendingToday, Slot } from './job.ts';

// The clock of the jobs. node-cron only wakes it once a minute; `tick(now)` does the work and is what
// tests call with a fixed clock. Each tick reads the settings once, asks every job for the slots that
// fell due since it last looked, and runs them one after another, each claimed in the database first
// (domain/jobs/runs.ts): with several processes on one database, each slot runs once. A job that
// throws is recorded as failed and the tick goes on.

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** How far back a restart looks for missed slots. */
export const LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a claimed slot is ours without a renewal: a process that dies mid-run loses it after this. */
export const LEASE_MS = 2 * 60 * 1000;

/** Why the scheduler recorded a slot without running it (said in words by src/i18n/jobs.ts). */
export const notes = {
  late: (ms: number): RunNote => ({ reason: 'late', lateMs: ms }),
  superseded: { reason: 'superseded' } as RunNote,
} as const;

/** A token that names one press of Run now (a form's hidden field): letters, digits, - and _. */
const RUN_TOKEN = /^[A-Za-z0-9_-]{8,64}$/;
export const isRunToken = (s: unknown): s is string => typeof s === 'string' && RUN_TOKEN.test(s);

/** The slot of a run of its own: keyed by the press (its token), or by the instant it was asked for. */
export function manualSlot(now: Date, token?: string): Slot {
  const id = token !== undefined && isRunToken(token) ? token : now.toISOString();
  return { key: `${MANUAL_PREFIX}${id}`, at: now, data: { manual: true } };
}

export interface SchedulerOptions {
  deps: Deps;
  jobs: readonly Job[];
  waker?: OutboxWaker;
  /** Who holds the leases; unique per process (host, pid and a random part by default). */
  owner?: string;
  leaseMs?: number;
  /** How often a running job's lease is renewed (a third of the lease by default). */
  renewMs?: number;
  log?: (line: string) => void;
}

export type SlotResult = { job: string; slot: string; at: Date } & (
  | { status: 'done' | 'failed'; runId: number; attempts: number; outcome: JobOutcome; error?: string }
  | { status: 'skipped'; note: RunNote }
  /** Someone else has (or had) the slot: done already, running elsewhere, skipped, failed. */
  | { status: 'taken'; run: JobRunView }
);

export interface TickReport {
  /** False when a tick was still running (ticks never overlap in one process). */
  ran: boolean;
  results: SlotResult[];
}

/** A job as the console's Jobs page and `crm jobs` list it. */
export interface JobInfo {
  name: string;
  /** The schedule in words, in the reader's language. */
  schedule: string;
  /** The next slot after now (within a fortnight), null when none. */
  nextAt: Date | null;
  /** The company's time zone, in which the console shows nextAt. */
  timezone: string;
  last: JobRunView | null;
  /** Of a daily message per person: who is due today and has not had it (what Run now would send). */
  pending?: PendingToday;
}

export interface Scheduler {
  readonly owner: string;
  readonly jobs: readonly Job[];
  /** The `now` of the last completed tick. */
  lastTickAt(): Date | null;
  tick(now: Date): Promise<TickReport>;
  /**
   * A run of its own of `name` now (console Run now, `crm jobs run`): its own slot (`manual:<token>`),
   * so it neither consumes nor is refused by a slot of the schedule. One press runs once: the same
   * `token` again (a double click, a form posted twice) finds its run and reports it. What it sends is
   * still deduplicated per notice (nobody gets today's digest twice).
   */
  runNow(name: string, now: Date, byId: number | null, token?: string): Promise<SlotResult>;
  /**
   * Runs the slot of `name` that the schedule had due at `now` (the latest slot ≤ now within the
   * look-back; one per series where one instant has several), claimed like any other: a slot already
   * done reports so. For catching up a missed slot by hand; `now` is never after the real time (the CLI
   * refuses it: a future slot run now would be a slot the schedule then finds done).
   */
  runDue(name: string, now: Date, byId: number | null): Promise<SlotResult[]>;
  /** Each job: its schedule in words, next run, last run. */
  overview(now: Date, locale: 'en' | 'zh-CN'): Promise<JobInfo[]>;
  /** One tick a minute from the system clock (node-cron). */
  start(): void;
  /** No more ticks; resolves once a running tick has reached a safe point (between two slots). */
  stop(): Promise<void>;
}

export class UnknownJobError extends Error {
  constructor(readonly job: string) {
    super(`no job named ${job}`);
  }
}

export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** The part of a slot key after its instant: slots of one series recur, one per instant. */
export function seriesOf(slot: Slot): string {
  const iso = slot.at.toISOString();
  return slot.key.startsWith(iso) ? slot.key.slice(iso.length) : slot.key;
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { deps, jobs, waker } = opts;
  const owner = opts.owner ?? processOwner();
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const renewMs = opts.renewMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const log = opts.log ?? ((line: string) => console.error(line));
  const byName = new Map(jobs.map((j) => [j.name as string, j]));
  let lastTick: Date | null = null;
  /** Per job, up to when its slots have been looked at; left behind when due() or the database failed, so the next tick tries again. */
  const looked = new Map<string, Date>();
  let recorded: Map<string, Date> | null = null;
  let busy: Promise<unknown> | null = null;
  let stopping = false;
  let task: ScheduledTask | null = null;

  /** One after another in this process: a tick, a Run now. */
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (busy) await busy.catch(() => undefined);
    const p = fn();
    busy = p;
    try {
      return await p;
    } finally {
      if (busy === p) busy = null;
    }
  }

  async function runSlot(ctx: JobContext, job: Job, slot: Slot, trigger: 'schedule' | 'manual', byId: number | null): Promise<SlotResult> {
    const claim = await claimSlot(deps, { job: job.name, slot: slot.key, scheduledAt: slot.at, owner, leaseMs, trigger, byId, retryFailed: trigger === 'manual' && !isManualSlot(slot.key) });
    if (!claim.claimed) return { job: job.name, slot: slot.key, at: slot.at, status: 'taken', run: claim.run };
    const renewal = setInterval(() => {
      renewLease(deps, { runId: claim.runId, owner, leaseMs }).then(
        (held) => held || log(`jobs: ${job.name} ${slot.key}: the lease was taken over while running`),
        (e: unknown) => log(`jobs: ${job.name} ${slot.key}: lease renewal failed: ${(e as Error).message}`),
      );
    }, renewMs);
    renewal.unref();
    let outcome: JobOutcome = { sent: 0, skipped: 0, failed: 0 };
    let error: string | undefined;
    try {
      outcome = await job.run(ctx, slot);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      log(`jobs: ${job.name} ${slot.key} failed: ${error}`);
    } finally {
      clearInterval(renewal);
    }
    const status = error === undefined ? 'done' : 'failed';
    try {
      const held = await finishRun(deps, { runId: claim.runId, owner, status, sent: outcome.sent, skipped: outcome.skipped, failed: outcome.failed, note: error !== undefined ? { error } : (outcome.note ?? null) });
      if (!held) log(`jobs: ${job.name} ${slot.key}: finished after another process took it over`);
    } catch (e) {
      // The lease runs out and another process runs the slot again; its notices are deduplicated.
      log(`jobs: ${job.name} ${slot.key}: could not record the outcome: ${(e as Error).message}`);
    }
    if (outcome.sent > 0) waker?.kick();
    return { job: job.name, slot: slot.key, at: slot.at, status, runId: claim.runId, attempts: claim.attempts, outcome, ...(error !== undefined ? { error } : {}) };
  }

  async function skip(job: Job, slot: Slot, note: RunNote): Promise<SlotResult | null> {
    return (await recordSkipped(deps, { job: job.name, slot: slot.key, scheduledAt: slot.at, note })) ? { job: job.name, slot: slot.key, at: slot.at, status: 'skipped', note } : null;
  }

  /** The slots to run and to record as skipped, by the job's lateness. */
  function triage(job: Job, slots: Slot[], now: Date): { run: Slot[]; skip: { slot: Slot; note: RunNote }[] } {
    const out = { run: [] as Slot[], skip: [] as { slot: Slot; note: RunNote }[] };
    if (job.lateness.kind === 'skip-after') {
      for (const s of slots) {
        const late = now.getTime() - s.at.getTime();
        if (late > job.lateness.ms) out.skip.push({ slot: s, note: notes.late(late) });
        else out.run.push(s);
      }
      return out;
    }
    const latest = new Map<string, Slot>();
    for (const s of slots) {
      const k = seriesOf(s);
      const seen = latest.get(k);
      if (!seen || s.at.getTime() >= seen.at.getTime()) latest.set(k, s);
    }
    const keep = new Set([...latest.values()]);
    for (const s of slots) {
      if (keep.has(s)) out.run.push(s);
      else out.skip.push({ slot: s, note: notes.superseded });
    }
    return out;
  }

  async function tickOnce(now: Date): Promise<SlotResult[]> {
    const floor = new Date(now.getTime() - LOOKBACK_MS);
    // The reads a quiet tick consists of, side by side: the settings, runs whose process died mid-run,
    // and (on the first tick) where each job looked last — the latest slot recorded, taken once more,
    // as a crash may have left slots of that instant unrun.
    const [settings, expired, latest] = await Promise.all([
      loadSettings(deps.db),
      expiredRuns(deps, now, floor),
      recorded ?? latestSlots(deps, jobs.map((j) => j.name)),
    ]);
    recorded = latest;
    const ctx: JobContext = { deps, settings, ...(waker ? { waker } : {}) };
    const windows = jobs.map((job) => {
      const rec = latest.get(job.name);
      // A job that never ran (a new database, a new job) looks back the whole bound: its latest slot
      // runs once, and the slots it never had are not recorded as skipped.
      const ranBefore = looked.has(job.name) || rec !== undefined;
      let since = looked.get(job.name) ?? (rec ? new Date(rec.getTime() - 1) : floor);
      if (since < floor) since = floor;
      return { job, since, ranBefore };
    });
    // Which slots are due, asked of every job at once (reads only); run one after another below.
    const dues = await Promise.all(
      windows.map(({ job, since }) => (since >= now ? Promise.resolve([] as Slot[]) : Promise.resolve().then(() => job.due(ctx, since, now))).then(
        (slots) => ({ slots: [...slots].sort((a, b) => a.at.getTime() - b.at.getTime()) }),
        (e: unknown) => ({ error: e as Error }),
      )),
    );
    const results: SlotResult[] = [];
    const handled = new Set<string>();
    for (const [i, { job, since, ranBefore }] of windows.entries()) {
      if (stopping) break;
      if (since >= now) continue;
      const due = dues[i]!;
      try {
        if ('error' in due) throw due.error;
        const plan = triage(job, due.slots, now);
        for (const s of ranBefore ? plan.skip : []) {
          const r = await skip(job, s.slot, s.note);
          if (r) results.push(r);
        }
        for (const slot of plan.run) {
          if (stopping) break;
          handled.add(`${job.name}\n${slot.key}`);
          results.push(await runSlot(ctx, job, slot, 'schedule', null));
        }
        if (!stopping) looked.set(job.name, now);
      } catch (e) {
        // due() or the database failed for this job: the others still run, and the next tick looks at
        // its slots again (a slot already claimed is not run twice).
        log(`jobs: ${job.name}: ${(e as Error).message}`);
      }
    }
    // Runs whose process died mid-run (here or elsewhere): taken over once their lease has expired.
    for (const run of expired) {
      if (stopping) break;
      const job = byName.get(run.job);
      if (!job || handled.has(`${run.job}\n${run.slot}`)) continue;
      try {
        if (isManualSlot(run.slot)) {
          // A run of its own whose process died: done once more (its notices are deduplicated).
          results.push(await runSlot(ctx, job, { key: run.slot, at: run.scheduledAt, data: { manual: true } }, 'manual', run.byId));
          continue;
        }
        const again = (await job.due(ctx, new Date(run.scheduledAt.getTime() - 1), run.scheduledAt)).find((s) => s.key === run.slot);
        results.push(await runSlot(ctx, job, again ?? { key: run.slot, at: run.scheduledAt }, 'schedule', null));
      } catch (e) {
        log(`jobs: ${job.name} ${run.slot}: takeover failed: ${(e as Error).message}`);
      }
    }
    return results;
  }

  const scheduler: Scheduler = {
    owner,
    jobs,
    lastTickAt: () => lastTick,
    async tick(now) {
      if (busy || stopping) return { ran: false, results: [] };
      return exclusive(async () => {
        const results = await tickOnce(now);
        if (!lastTick || now > lastTick) lastTick = now;
        return { ran: true, results };
      });
    },
    async runNow(name, now, byId, token) {
      const job = byName.get(name);
      if (!job) throw new UnknownJobError(name);
      return exclusive(async () => {
        const settings = await loadSettings(deps.db);
        const ctx: JobContext = { deps, settings, ...(waker ? { waker } : {}) };
        return runSlot(ctx, job, manualSlot(now, token), 'manual', byId);
      });
    },
    async runDue(name, now, byId) {
      const job = byName.get(name);
      if (!job) throw new UnknownJobError(name);
      return exclusive(async () => {
        const settings = await loadSettings(deps.db);
        const ctx: JobContext = { deps, settings, ...(waker ? { waker } : {}) };
        const slots = await job.due(ctx, new Date(now.getTime() - LOOKBACK_MS), now);
        const latest = new Map<string, Slot>();
        for (const s of slots) {
          const seen = latest.get(seriesOf(s));
          if (!seen || s.at.getTime() >= seen.at.getTime()) latest.set(seriesOf(s), s);
        }
        const results: SlotResult[] = [];
        for (const slot of [...latest.values()].sort((a, b) => a.at.getTime() - b.at.getTime())) {
          results.push(await runSlot(ctx, job, slot, 'manual', byId));
        }
        return results;
      });
    },
    async overview(now, locale) {
      const settings = await loadSettings(deps.db);
      const ctx: JobContext = { deps, settings };
      const out: JobInfo[] = [];
      for (const job of jobs) {
        let nextAt: Date | null = null;
        // Widening windows: a job every few minutes answers at once without listing a fortnight of slots.
        for (const ms of [HOUR_MS, DAY_MS, 14 * DAY_MS]) {
          try {
            const slots = await job.due(ctx, now, new Date(now.getTime() + ms));
            if (slots.length) {
              nextAt = slots.reduce((a, b) => (b.at < a ? b.at : a), slots[0]!.at);
              break;
            }
          } catch (e) {
            log(`jobs: ${job.name}: ${(e as Error).message}`);
            break;
          }
        }
        const [last] = await recentRuns(deps, { job: job.name, limit: 1 });
        let pending: PendingToday | undefined;
        try {
          pending = job.pendingToday ? await job.pendingToday(ctx, now) : undefined;
        } catch (e) {
          log(`jobs: ${job.name}: ${(e as Error).message}`);
        }
        out.push({ name: job.name, schedule: job.describe(settings, locale), nextAt, timezone: settings.timezone, last: last ?? null, ...(pending ? { pending } : {}) });
      }
      return out;
    },
    start() {
      if (task) return;
      stopping = false;
      task = cron.schedule(
        '* * * * *',
        () => {
          scheduler.tick(deps.clock.now()).catch((e: unknown) => log(`jobs: tick failed: ${(e as Error).message}`));
        },
        { name: 'seaboard-jobs', noOverlap: false },
      );
    },
    async stop() {
      stopping = true;
      if (task) {
        await task.stop();
        await task.destroy();
        task = null;
      }
      while (busy) await busy.catch(() => undefined);
    },
  };
  return scheduler;
}
