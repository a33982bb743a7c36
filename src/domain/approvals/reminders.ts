import { inTransaction, Prisma, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { BULK_CHUNK, col, dialectOf, inJsonIds, insertRows, type Cell } from '../imports/bulk-sql.ts';
import { pacer } from '../imports/pace.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { enqueue, enqueueBulk, homeRefresh, type Notice } from '../outbox/outbox.ts';
import { loadSettings } from '../settings/settings.ts';
import { idSchema } from '../stores/fields.ts';
import { parse } from '../validation.ts';
import { delegatesAt, standInsFor } from './delegates.ts';
import { cardKey } from './notices.ts';
import { routerAbove } from './routing.ts';
import { HOUR_MS, workingClock } from './working-hours.ts';

// A request that waits too long (PRODUCT.md "Opportunities and approvals": "a request that waits too
// long is reminded and then escalated to the level above (settings)"), and the requester's Remind.
//
// The `approval-reminders` job calls runApprovalReminders. Time waited is counted in working hours
// (working-hours.ts: whole working days of the company calendar). A pending step that has waited k ×
// approvalReminderHours reminds its active approvers for the k-th time — at most MAX_REMINDERS times,
// and one reminder per run however many periods were missed (a run after an outage sends the latest
// one). One that has waited approvalEscalateHours is escalated once: the deciders of the level above
// (routing.ts: the lead of the parent unit, skipped upwards to the admins) join the step as approvers
// (`via: 'escalated'`), with their delegates when they are away. The first decision still wins (the
// engine decides once per step) and every card shows it. The requester and the step's approvers are
// told, and the audit log says why. Each effect is claimed by a conditional UPDATE … RETURNING of the
// step (remindCount, escalatedAt), and every notice is keyed by step and reminder, so a run repeated,
// or two at once, sends nothing twice.

export const MAX_REMINDERS = 3;
/** The requester may remind the approvers once in this long. */
export const REMIND_EVERY_MS = 4 * HOUR_MS;
/** Steps written per transaction: short transactions leave room for everyone else's writes. */
const CHUNK = 250;

interface Candidate {
  id: number;
  requestId: number;
  unitId: number | null;
  createdAt: Date;
  remindCount: number;
  escalated: boolean;
  requesterId: number;
  requesterUnitId: number | null;
  /** Every approver row of the step. */
  approvers: { personId: number; active: boolean }[];
}

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(typeof v === 'bigint' ? Number(v) : (v as string | number)));
const toInt = (v: unknown): number => Number(v);

/** One statement: the pending steps old enough to be reminded or escalated, with their approvers. */
async function candidates(deps: Deps, cutoff: Date): Promise<Candidate[]> {
  const rows = await deps.db.$queryRaw<Record<string, unknown>[]>`
    SELECT s."id", s."requestId", s."unitId", s."createdAt", s."remindCount", s."escalatedAt", r."requesterId", p."unitId" AS "requesterUnitId", a."personId", a."active"
    FROM "ApprovalStep" s
    JOIN "ApprovalRequest" r ON r."id" = s."requestId"
    JOIN "Person" p ON p."id" = r."requesterId"
    JOIN "ApprovalApprover" a ON a."stepId" = s."id"
    WHERE s."status" = 'pending' AND s."createdAt" <= ${cutoff} AND (s."remindCount" < ${MAX_REMINDERS} OR s."escalatedAt" IS NULL)
    ORDER BY s."id", a."addedAt", a."personId"`;
  const out: Candidate[] = [];
  for (const row of rows) {
    const id = toInt(row.id);
    let c = out.at(-1);
    if (!c || c.id !== id) {
      c = {
        id,
        requestId: toInt(row.requestId),
        unitId: row.unitId === null ? null : toInt(row.unitId),
        createdAt: toDate(row.createdAt),
        remindCount: toInt(row.remindCount),
        escalated: row.escalatedAt !== null,
        requesterId: toInt(row.requesterId),
        requesterUnitId: row.requesterUnitId === null ? null : toInt(row.requesterUnitId),
        approvers: [],
      };
      out.push(c);
    }
    c.approvers.push({ personId: toInt(row.personId), active: row.active === true || row.active === 1 || row.active === 1n });
  }
  return out;
}

export interface ReminderRun {
  /** Pending steps old enough to look at. */
  scanned: number;
  reminded: number;
  escalated: number;
  /** Notices queued (reminders, cards, the requester's and approvers' escalation notices). */
  notices: number;
}

interface Escalation {
  step: Candidate;
  /** Who joins; empty at the top (nobody above the admins): the step is only marked. */
  joins: { personId: number; onBehalfOfId: number | null }[];
  waitedHours: number;
  /** Reminders due by now: the escalation stands for them, so none follows it for a period already past. */
  dueReminders: number;
}

/** The `approval-reminders` job's work at `deps.clock.now()`. */
export async function runApprovalReminders(deps: Deps): Promise<ReminderRun> {
  const now = deps.clock.now();
  const settings = await loadSettings(deps.db);
  const remindMs = settings.approvalReminderHours * HOUR_MS;
  const escalateMs = settings.approvalEscalateHours * HOUR_MS;
  // Working hours never exceed wall hours: only steps this old can be due.
  const cutoff = new Date(now.getTime() - Math.min(remindMs, escalateMs));
  const steps = await candidates(deps, cutoff);
  const run: ReminderRun = { scanned: steps.length, reminded: 0, escalated: 0, notices: 0 };
  if (steps.length === 0) return run;

  const clock = workingClock(settings.workingDays, settings.timezone, steps.reduce((min, s) => (s.createdAt < min ? s.createdAt : min), now), now);
  const reminders = new Map<number, Candidate[]>();
  const escalations: Candidate[] = [];
  const waited = new Map<number, number>();
  const dueOf = (ms: number) => Math.min(MAX_REMINDERS, Math.floor(ms / remindMs));
  for (const s of steps) {
    const ms = clock.between(s.createdAt, now);
    waited.set(s.id, ms);
    if (!s.escalated && ms >= escalateMs) {
      escalations.push(s);
      continue;
    }
    const due = dueOf(ms);
    if (due > s.remindCount && s.approvers.some((a) => a.active)) reminders.set(due, [...(reminders.get(due) ?? []), s]);
  }

  const pace = pacer();
  for (const [n, due] of reminders) {
    for (let i = 0; i < due.length; i += CHUNK) {
      await pace();
      const r = await remindChunk(deps, due.slice(i, i + CHUNK), n, now);
      run.reminded += r.steps;
      run.notices += r.notices;
    }
  }

  if (escalations.length) {
    const above = await routerAbove(deps.db);
    const away = await delegatesAt(deps.db, now);
    const planned: Escalation[] = [];
    for (const s of escalations) {
      const active = s.approvers.filter((a) => a.active).map((a) => a.personId);
      const route = above(s.unitId, [s.requesterId, ...active]);
      const joins: Escalation['joins'] = (route?.personIds ?? []).map((personId) => ({ personId, onBehalfOfId: null }));
      const stands = route && away.size ? await standInsFor(deps.db, route.personIds, { id: s.requesterId, unitId: s.requesterUnitId }, now, away) : [];
      joins.push(...stands.filter((x) => !active.includes(x.personId)));
      planned.push({ step: s, joins, waitedHours: Math.floor(waited.get(s.id)! / HOUR_MS), dueReminders: dueOf(waited.get(s.id)!) });
    }
    for (let i = 0; i < planned.length; i += CHUNK) {
      await pace();
      const r = await escalateChunk(deps, planned.slice(i, i + CHUNK), settings.approvalEscalateHours, now);
      run.escalated += r.steps;
      run.notices += r.notices;
    }
  }
  return run;
}

/** Claims the steps still at their count (and pending) by setting the new one; returns the ids claimed. */
async function claim(tx: Tx, ids: number[], set: Prisma.Sql, where: Prisma.Sql): Promise<Set<number>> {
  const rows = await tx.$queryRaw<{ id: number | bigint }[]>`
    UPDATE "ApprovalStep" SET ${set}
    WHERE ${inJsonIds(dialectOf(tx), Prisma.raw('"id"'), ids)} AND "status" = 'pending' AND ${where}
    RETURNING "id"`;
  return new Set(rows.map((r) => Number(r.id)));
}

async function remindChunk(deps: Deps, steps: Candidate[], n: number, now: Date): Promise<{ steps: number; notices: number }> {
  return inTransaction(deps.db, async (tx) => {
    const won = await claim(tx, steps.map((s) => s.id), Prisma.sql`"remindCount" = ${n}, "lastRemindedAt" = ${now}`, Prisma.sql`"remindCount" < ${n}`);
    const notices: Notice[] = [];
    for (const s of steps) {
      if (!won.has(s.id)) continue;
      for (const a of s.approvers) {
        if (!a.active) continue;
        notices.push({ dedupeKey: `approval.reminder:${s.id}:${n}:${a.personId}`, kind: 'approval.reminder', recipientId: a.personId, payload: { requestId: s.requestId, stepId: s.id, count: n, of: MAX_REMINDERS } });
      }
    }
    return { steps: won.size, notices: await enqueueBulk(tx, notices, now) };
  });
}

async function escalateChunk(deps: Deps, planned: Escalation[], hours: number, now: Date): Promise<{ steps: number; notices: number }> {
  return inTransaction(deps.db, async (tx) => {
    // Claimed with the reminders due by now marked as sent, one statement per count.
    const won = new Set<number>();
    for (let n = 0; n <= MAX_REMINDERS; n++) {
      const ids = planned.filter((p) => p.dueReminders === n).map((p) => p.step.id);
      if (!ids.length) continue;
      const set = Prisma.sql`"escalatedAt" = ${now}, "remindCount" = CASE WHEN "remindCount" < ${n} THEN ${n} ELSE "remindCount" END`;
      for (const id of await claim(tx, ids, set, Prisma.sql`"escalatedAt" IS NULL`)) won.add(id);
    }
    const rows: Cell[][] = [];
    const notices: Notice[] = [];
    const audits: Cell[][] = [];
    for (const { step: s, joins, waitedHours } of planned) {
      if (!won.has(s.id)) continue;
      const original = s.approvers.filter((a) => a.active).map((a) => a.personId);
      const joined: number[] = [];
      for (const j of joins) {
        const had = s.approvers.find((a) => a.personId === j.personId);
        if (had?.active) continue;
        joined.push(j.personId);
        const via = j.onBehalfOfId === null ? 'escalated' : 'delegate';
        if (had) {
          // Had the step once (it was moved away from them): their old card comes back to life.
          await tx.approvalApprover.update({ where: { stepId_personId: { stepId: s.id, personId: j.personId } }, data: { active: true, via, onBehalfOfId: j.onBehalfOfId, addedAt: now } });
          notices.push(refresh(s, j.personId, 'escalated'));
        } else {
          rows.push([s.id, j.personId, via, j.onBehalfOfId]);
          notices.push({ dedupeKey: cardKey(s.id, j.personId), kind: 'approval.card', recipientId: j.personId, payload: { requestId: s.requestId, stepId: s.id } });
        }
      }
      if (joined.length) {
        // Told by a message of its own (with the card's buttons); the card itself is redrawn at the decision.
        for (const personId of original) {
          notices.push({ dedupeKey: `approval.escalated:${s.id}:${personId}`, kind: 'approval.escalated', recipientId: personId, payload: { requestId: s.requestId, stepId: s.id } });
        }
        notices.push({ dedupeKey: `approval.update:${s.requestId}:${s.id}:escalated`, kind: 'approval.update', recipientId: s.requesterId, payload: { requestId: s.requestId, stepId: s.id, event: 'escalated' } });
      }
      // The audit row of an escalation (by the system): the step's approvers before, who joined and why.
      audits.push([
        String(s.requestId),
        JSON.stringify({ stepId: s.id, approvers: original }),
        JSON.stringify({ joined, reason: joined.length ? 'waited_too_long' : 'no_level_above', waitedWorkingHours: waitedHours, approvalEscalateHours: hours }),
      ]);
    }
    // A bulk INSERT: createMany spends about a third of a millisecond per row in Prisma's query compiler.
    const dialect = dialectOf(tx);
    for (let i = 0; i < rows.length; i += BULK_CHUNK) {
      await insertRows(tx, dialect, {
        table: 'ApprovalApprover',
        columns: [col('stepId', 'int'), col('personId', 'int'), col('via', 'text'), col('onBehalfOfId', 'int')],
        rows: rows.slice(i, i + BULK_CHUNK),
        same: [{ column: col('active', 'bool'), value: true }, { column: col('addedAt', 'date'), value: now }],
      });
    }
    const sent = await enqueueBulk(tx, notices, now);
    // The Homes of those who joined list the steps now: one redraw per person and escalation run.
    const joiners = new Set(notices.filter((n) => n.kind === 'approval.card' || n.kind === 'approval.card.refresh').map((n) => n.recipientId!));
    await enqueueBulk(tx, [...joiners].map((personId) => homeRefresh(personId, `escalated:${now.getTime()}`)), now);
    // auditMany's bound parameters cost Prisma far more than one JSON value per statement.
    for (let i = 0; i < audits.length; i += BULK_CHUNK) {
      await insertRows(tx, dialect, {
        table: 'AuditLog',
        columns: [col('entityId', 'text'), col('before', 'text'), col('after', 'text')],
        rows: audits.slice(i, i + BULK_CHUNK),
        same: [
          { column: col('actorId', 'int'), value: null },
          { column: col('action', 'text'), value: 'approval.escalate' },
          { column: col('entity', 'text'), value: 'approval' },
          { column: col('at', 'date'), value: now },
        ],
      });
    }
    return { steps: won.size, notices: sent };
  });
}

const refresh = (s: Candidate, personId: number, tag: string): Notice => ({
  dedupeKey: `approval.card.refresh:${s.id}:${personId}:${tag}`,
  kind: 'approval.card.refresh',
  recipientId: personId,
  payload: { requestId: s.requestId, stepId: s.id, cardKey: cardKey(s.id, personId) },
});

export interface Reminded {
  /** Who was reminded. */
  to: { id: number; name: string }[];
  /** When the requester may remind again. */
  nextAt: Date;
}

/**
 * The requester's Remind on its pending request: the current step's approvers get a reminder. At most
 * once every 4 hours (a conditional update of remindedAt, so two clicks at once remind once); a press
 * too soon is told when it may remind again.
 */
export async function remindApprovers(deps: Deps, actor: Actor, requestId: number): Promise<Reminded> {
  parse(idSchema, requestId);
  assertActive(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const request = await tx.approvalRequest.findUnique({ where: { id: requestId } });
    if (!request || request.requesterId !== actor.id) throw new NotFoundError('approval.not_found', { id: requestId });
    if (request.status !== 'pending' || request.currentStepId === null) throw new ConflictError('approval.not_pending', { status: request.status });
    const since = new Date(now.getTime() - REMIND_EVERY_MS);
    const won = await tx.approvalRequest.updateMany({
      where: { id: requestId, status: 'pending', OR: [{ remindedAt: null }, { remindedAt: { lte: since } }] },
      data: { remindedAt: now },
    });
    if (won.count === 0) {
      const last = (await tx.approvalRequest.findUniqueOrThrow({ where: { id: requestId }, select: { remindedAt: true } })).remindedAt;
      throw new ConflictError('approval.remind_too_soon', { at: last, next: last ? new Date(last.getTime() + REMIND_EVERY_MS) : now });
    }
    const stepId = request.currentStepId;
    const approvers = await tx.approvalApprover.findMany({ where: { stepId, active: true }, select: { person: { select: { id: true, name: true } } }, orderBy: { addedAt: 'asc' } });
    for (const a of approvers) {
      await enqueue(tx, { dedupeKey: `approval.nudge:${stepId}:${a.person.id}:${now.getTime()}`, kind: 'approval.reminder', recipientId: a.person.id, payload: { requestId, stepId, byRequester: true } }, now);
    }
    await audit(tx, { actorId: actor.id, action: 'approval.remind', entity: 'approval', entityId: requestId, after: { stepId, to: approvers.map((a) => a.person.id) }, at: now });
    return { to: approvers.map((a) => a.person), nextAt: new Date(now.getTime() + REMIND_EVERY_MS) };
  });
}
