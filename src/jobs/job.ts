import type { Deps } from '../domain/deps.ts';
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
  /** Unique per job: the scheduled instant in ISO form, with a suffix where one instant has several slots (a time zone). */
  key: string;
  at: Date;
  /** What run needs to know about the slot beyond its time (the time zone of a digest slot, say). JSON-safe. */
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
  /** A short line for the runs list: "3 stores returned", "digest late by 3 h: skipped". */
  note?: string;
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
}
