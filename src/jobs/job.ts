import type { Deps } from '../domain/deps.ts';
import type { RunNote } from '../domain/jobs/notes.ts';
import type { OutboxWaker } from '../domain/outbox/waker.ts';
import type { Settings } from '../domain/settings/settings.ts';

// The contract every scheduled job keeps (src/jobs/*.job.ts). The scheduler (scheduler.ts) is the only
// caller: once a minute it asks each job which slots fell due since it last looked, claims each slot in
// the database (a JobRun row, unique on job + slot) and runs it. A job decides *when* (due) and calls
// the domain for *what* (run); it never queries the database itself, and every notice it causes is
// written by the domain with a dedupe key built from the slot, so a slot run twice sends nothing twice.

export const jobNames = ['sweep', 'warnings', 'digest', 'followup-reminders', 'approval-reminders', 'away', 'housekeeping'] as const;
export type JobName = (typeof jobNames)[number];

/** One occurrence of a job: its scheduled instant, and a key unique within the job. */
export interface Slot {
  /**
   * Unique per job: the scheduled instant in ISO form, with a suffix where one instant has several slots
   * (a time zone); `manual:…` for a run of its own (Run now), which is no slot of the schedule.
   */
  key: string;
  at: Date;
  /**
   * What run needs to know about the slot beyond its time (the time zone of a digest slot, say). JSON-safe.
   * `manual: true` on a run of its own: the job does what is due by `at` (the digest: today's, for those
   * who have not had it), never a past day's, and consumes no slot of the schedule.
   */
  data?: Record<string, string | number | boolean | null>;
}

export interface JobContext {
  deps: Deps;
  /** Read at the start of the tick: a settings change takes effect at the next tick. */
  settings: Settings;
  waker?: OutboxWaker;
}

/** What a run did, recorded on its JobRun and shown on the console's Jobs page. */
export interface JobOutcome {
  sent: number;
  skipped: number;
  failed: number;
  /** Its figures by name ({ returned: 3 }) and why it did nothing; said in words by src/i18n/jobs.ts. */
  note?: RunNote;
}

/** Of a job that sends each person something once a day: how many are due by now, and how many of them have not had it. */
export interface PendingToday {
  due: number;
  pending: number;
}

/**
 * What to do with slots missed while no process was running (a restart, an outage):
 * - `latest`: run the most recent missed slot once, whatever its age (the sweep, warnings, escalation
 *   catch up once; nothing is sent N times after N missed slots);
 * - `skip-after`: a slot later than `ms` is recorded as skipped (a morning digest at 3 pm is noise).
 */
export type Lateness = { kind: 'latest' } | { kind: 'skip-after'; ms: number };

export interface Job {
  name: JobName;
  lateness: Lateness;
  /**
   * The slots whose scheduled instant lies in (from, to], oldest first. Pure but for reads the
   * schedule depends on (the time zones people live in); evaluated with src/domain/time/zone.ts.
   */
  due(ctx: JobContext, from: Date, to: Date): Promise<Slot[]> | Slot[];
  /** Does the slot's work: domain calls, each in its own transaction. Throws only for what the scheduler should record as failed. */
  run(ctx: JobContext, slot: Slot): Promise<JobOutcome>;
  /** The schedule in words for the console and the CLI, in the reader's language. */
  describe(settings: Settings, locale: 'en' | 'zh-CN'): string;
  /** What a run of its own would find to send now, where that can be told cheaply (the console says it beside Run now). */
  pendingToday?(ctx: JobContext, now: Date): Promise<PendingToday>;
}
