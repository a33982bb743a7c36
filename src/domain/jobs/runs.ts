import { z } from 'zod';
import { inTransaction, isUniqueViolation } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { parse } from '../validation.ts';
import { decodeNote, encodeNote, noteSchema, type RunNote } from './notes.ts';

// The record of scheduled work: one JobRun row per job and slot (unique), the only thing that makes a
// slot run exactly once across restarts and processes. Whoever inserts the row owns the slot for a
// lease it renews while it works; a row left `running` by a crashed process is taken over once its
// lease has expired, by a conditional UPDATE that only one process can win. This is the only module
// that touches JobRun.

export type RunStatus = 'running' | 'done' | 'failed' | 'skipped';
export type RunTrigger = 'schedule' | 'manual';

export interface JobRunView {
  id: number;
  job: string;
  slot: string;
  scheduledAt: Date;
  status: RunStatus;
  trigger: RunTrigger;
  attempts: number;
  startedAt: Date;
  finishedAt: Date | null;
  /** finishedAt − startedAt, null while running. */
  durationMs: number | null;
  sent: number;
  skipped: number;
  failed: number;
  /** Its figures, why it was skipped, or its error (notes.ts). */
  note: RunNote | null;
  byId: number | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
}

/** A run of its own (Run now, `crm jobs run`), not a scheduled slot: its key starts so. */
export const MANUAL_PREFIX = 'manual:';
export const isManualSlot = (slot: string): boolean => slot.startsWith(MANUAL_PREFIX);

const note = noteSchema;
const jobName = z.string().min(1).max(64);
const slotKey = z.string().min(1).max(200);
const owner = z.string().min(1).max(200);
const count = z.number().int().min(0).max(1_000_000_000);

const claimSchema = z.object({
  job: jobName,
  slot: slotKey,
  scheduledAt: z.date(),
  owner,
  leaseMs: z.number().int().min(1).max(24 * 60 * 60 * 1000),
  trigger: z.enum(['schedule', 'manual']).default('schedule'),
  /** Run now from the console: who pressed it (audited). */
  byId: z.number().int().positive().nullable().default(null),
  /** Run now may try a slot again that failed (its notices carry dedupe keys: nothing goes out twice). */
  retryFailed: z.boolean().default(false),
});
export type ClaimInput = z.input<typeof claimSchema>;

export type Claim =
  | { claimed: true; runId: number; attempts: number; takenOver: boolean }
  | { claimed: false; run: JobRunView };

/**
 * Claims (job, slot) for `owner` until now + leaseMs: a new row, or a `running` row whose lease has
 * expired (its owner crashed), taken over with attempts + 1. Anything else is someone else's: the
 * answer carries that run, so the caller can say "already done".
 */
export async function claimSlot(deps: Deps, input: ClaimInput): Promise<Claim> {
  const c = parse(claimSchema, input);
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + c.leaseMs);
  try {
    const row = await inTransaction(deps.db, async (tx) => {
      const created = await tx.jobRun.create({
        data: { job: c.job, slot: c.slot, scheduledAt: c.scheduledAt, status: 'running', trigger: c.trigger, leaseOwner: c.owner, leaseUntil, attempts: 1, startedAt: now, byId: c.byId },
        select: { id: true },
      });
      if (c.trigger === 'manual') await auditRunNow(tx, c, now, 1);
      return created;
    });
    return { claimed: true, runId: row.id, attempts: 1, takenOver: false };
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
  const existing = await deps.db.jobRun.findUnique({ where: { job_slot: { job: c.job, slot: c.slot } } });
  if (!existing) throw new Error(`JobRun ${c.job} ${c.slot}: refused as a duplicate, then not found`);
  const expired = existing.status === 'running' && existing.leaseUntil !== null && existing.leaseUntil.getTime() < now.getTime();
  const retry = c.retryFailed && existing.status === 'failed';
  if (!expired && !retry) return { claimed: false, run: view(existing) };
  // Conditional on the row being as read: of two processes taking over at once, one updates a row.
  const attempts = existing.attempts + 1;
  const won = await inTransaction(deps.db, async (tx) => {
    const { count: n } = await tx.jobRun.updateMany({
      where: {
        id: existing.id,
        status: existing.status,
        attempts: existing.attempts,
        ...(expired ? { leaseUntil: { lt: now } } : {}),
      },
      data: {
        status: 'running',
        leaseOwner: c.owner,
        leaseUntil,
        attempts,
        trigger: c.trigger,
        byId: c.byId,
        startedAt: now,
        finishedAt: null,
        note: null,
        sent: 0,
        skipped: 0,
        failed: 0,
      },
    });
    if (n === 1 && c.trigger === 'manual') await auditRunNow(tx, c, now, attempts);
    return n === 1;
  });
  if (won) return { claimed: true, runId: existing.id, attempts, takenOver: true };
  const now2 = await deps.db.jobRun.findUnique({ where: { id: existing.id } });
  return { claimed: false, run: view(now2 ?? existing) };
}

async function auditRunNow(tx: Parameters<typeof audit>[0], c: z.output<typeof claimSchema>, now: Date, attempts: number): Promise<void> {
  await audit(tx, { actorId: c.byId, action: 'job.run_now', entity: 'job', entityId: c.job, after: { slot: c.slot, attempts }, at: now });
}

const renewSchema = z.object({ runId: z.number().int().positive(), owner, leaseMs: z.number().int().min(1).max(24 * 60 * 60 * 1000) });

/** Extends the lease of a run this owner holds; false when it no longer holds it (taken over after a stall). */
export async function renewLease(deps: Deps, input: z.input<typeof renewSchema>): Promise<boolean> {
  const r = parse(renewSchema, input);
  const now = deps.clock.now();
  const { count: n } = await inTransaction(deps.db, (tx) =>
    tx.jobRun.updateMany({ where: { id: r.runId, leaseOwner: r.owner, status: 'running' }, data: { leaseUntil: new Date(now.getTime() + r.leaseMs) } }),
  );
  return n === 1;
}

const finishSchema = z.object({
  runId: z.number().int().positive(),
  owner,
  status: z.enum(['done', 'failed', 'skipped']),
  sent: count.default(0),
  skipped: count.default(0),
  failed: count.default(0),
  note: note.nullable().default(null),
});

/** Records how a run ended; false when this owner no longer held it (another process took it over). */
export async function finishRun(deps: Deps, input: z.input<typeof finishSchema>): Promise<boolean> {
  const f = parse(finishSchema, input);
  const { count: n } = await inTransaction(deps.db, (tx) =>
    tx.jobRun.updateMany({
      where: { id: f.runId, leaseOwner: f.owner, status: 'running' },
      data: { status: f.status, finishedAt: deps.clock.now(), sent: f.sent, skipped: f.skipped, failed: f.failed, note: encodeNote(f.note), leaseUntil: null },
    }),
  );
  return n === 1;
}

const skipSchema = z.object({ job: jobName, slot: slotKey, scheduledAt: z.date(), note, trigger: z.enum(['schedule', 'manual']).default('schedule') });

/** Records a slot as skipped without running it (too late to be useful); false when the slot already has a run. */
export async function recordSkipped(deps: Deps, input: z.input<typeof skipSchema>): Promise<boolean> {
  const s = parse(skipSchema, input);
  const now = deps.clock.now();
  try {
    await inTransaction(deps.db, (tx) =>
      tx.jobRun.create({ data: { job: s.job, slot: s.slot, scheduledAt: s.scheduledAt, status: 'skipped', trigger: s.trigger, startedAt: now, finishedAt: now, note: encodeNote(s.note) } }),
    );
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/**
 * The latest scheduled instant recorded per job (whatever its outcome): where catch-up after a restart
 * starts. Runs of their own (Run now) are no slot of the schedule: one pressed during an outage must
 * not hide the slots missed before it.
 */
export async function latestSlots(deps: Deps, jobs: readonly string[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  // One indexed lookup per job ((job, scheduledAt)): a GROUP BY would read every row of the table.
  for (const job of jobs) {
    const row = await deps.db.jobRun.findFirst({ where: { job, NOT: { slot: { startsWith: MANUAL_PREFIX } } }, orderBy: { scheduledAt: 'desc' }, select: { scheduledAt: true } });
    if (row) out.set(job, row.scheduledAt);
  }
  return out;
}

/** Runs left `running` whose lease expired before `now` (their process died), scheduled after `since`. */
export async function expiredRuns(deps: Deps, now: Date, since: Date): Promise<JobRunView[]> {
  const rows = await deps.db.jobRun.findMany({
    where: { scheduledAt: { gt: since }, status: 'running', leaseUntil: { lt: now } },
    orderBy: { scheduledAt: 'asc' },
    take: 100,
  });
  return rows.map(view);
}

const recentSchema = z.object({ job: jobName.optional(), limit: z.number().int().min(1).max(500).default(20) });

/** The latest runs, newest first (of one job, or of all). */
export async function recentRuns(deps: Deps, input: z.input<typeof recentSchema> = {}): Promise<JobRunView[]> {
  const r = parse(recentSchema, input);
  const rows = await deps.db.jobRun.findMany({
    where: r.job ? { job: r.job } : {},
    orderBy: [{ scheduledAt: 'desc' }, { id: 'desc' }],
    take: r.limit,
  });
  return rows.map(view);
}

/** The run of one slot, if any. */
export async function findRun(deps: Deps, job: string, slot: string): Promise<JobRunView | null> {
  const row = await deps.db.jobRun.findUnique({ where: { job_slot: { job: parse(jobName, job), slot: parse(slotKey, slot) } } });
  return row ? view(row) : null;
}

/** Deletes runs that started before `before` (housekeeping keeps 90 days); the count deleted. */
export async function pruneRuns(deps: Deps, before: Date): Promise<number> {
  const { count: n } = await inTransaction(deps.db, (tx) => tx.jobRun.deleteMany({ where: { startedAt: { lt: before }, status: { not: 'running' } } }));
  return n;
}

type Row = NonNullable<Awaited<ReturnType<Deps['db']['jobRun']['findUnique']>>>;

function view(r: Row): JobRunView {
  return {
    id: r.id,
    job: r.job,
    slot: r.slot,
    scheduledAt: r.scheduledAt,
    status: r.status as RunStatus,
    trigger: r.trigger as RunTrigger,
    attempts: r.attempts,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    sent: r.sent,
    skipped: r.skipped,
    failed: r.failed,
    note: decodeNote(r.note),
    byId: r.byId,
    leaseOwner: r.leaseOwner,
    leaseUntil: r.leaseUntil,
  };
}
