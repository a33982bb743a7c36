import { z } from 'zod';
import { inTransaction, type Db, type Tx } from '../../db/client.ts';
import { addApprovers, canStandIn } from '../approvals/delegates.ts';
import { refreshCards } from '../approvals/notices.ts';
import { audit } from '../audit/audit.ts';
import { DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError, type Issue } from '../errors.ts';
import { enqueue } from '../outbox/outbox.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive, leadsUnit, scopeFor } from '../org/scope.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { loadSettings } from '../settings/settings.ts';
import { idSchema } from '../stores/fields.ts';
import { addDays, formatDate, startOfDay, zonedTimeToUtc } from '../time/zone.ts';
import { parse } from '../validation.ts';

// Away with a delegate (PRODUCT.md: "An approver who is away can name a delegate for a period"). A
// period is whole local days, `from` to `to` inclusive, in the absent person's time zone: it starts at
// the first day's midnight and ends at the midnight after the last day. While it runs, the delegate is
// a co-approver of every step that reaches the absent person (src/domain/approvals/delegates.ts): the
// steps they hold when it starts (applied by the `away` job, or at once when it starts today) and every
// new one. At its end the delegate's part ends by itself: their cards of undecided steps say so and the
// absent person, who never lost the step, has it alone again.
//
// The delegate must be able to approve in the absent person's place: active, not a rep, not the person
// themself, able to see the absent person's unit (an admin's delegate is an admin), not away themselves
// in that period, and not closing a circle (A → B → A, or longer). Each refusal says which and why; it
// is audited, as is every period set, started and ended.

const MAX_DAYS = 366;
const invalid = (issues: Issue[]) => new InvalidInputError('validation.failed', { field: issues[0]!.path, count: issues.length }, issues);
const dateSchema = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'validation.expected_date');

export const awaySchema = z.object({
  /** Someone else's absence (an admin, or a manager for people of its subtree); leave out for one's own. */
  personId: idSchema.optional(),
  /** First day away, `2026-12-10`, in the absent person's time zone. */
  from: dateSchema,
  /** Last day away, inclusive. */
  to: dateSchema,
  delegateId: idSchema,
});
export type AwayInput = z.input<typeof awaySchema>;

export interface AwayPeriod {
  id: number;
  person: { id: number; name: string };
  delegate: { id: number; name: string };
  startsAt: Date;
  endsAt: Date;
  /** The days as set, in the absent person's time zone. */
  from: string;
  to: string;
  started: boolean;
}

interface Person {
  id: number;
  name: string;
  role: string;
  unitId: number | null;
  active: boolean;
  timezone: string | null;
}
const personFields = { id: true, name: true, role: true, unitId: true, active: true, timezone: true } as const;

/** A local day `2026-12-10` → its midnight in tz; null when it is no calendar day. */
function dayStart(day: string, tz: string): Date | null {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return zonedTimeToUtc({ year: y, month: m, day: d }, tz);
}

/** May `actor` set or end `person`'s absence? Their own (anyone who approves), or someone else's as an admin or a manager in scope. */
async function assertMayManage(tx: Tx, actor: Actor, person: Person): Promise<void> {
  if (!person.active) throw new ConflictError('person.inactive_target', { name: person.name });
  if (person.id === actor.id) return;
  if (actor.role === 'admin') return;
  if (actor.role === 'manager') {
    const { scope } = await scopeFor(tx, actor);
    if (leadsUnit(scope, person.unitId)) return;
  }
  throw new ForbiddenError('away.not_yours', { name: person.name });
}

/** Absences of these people overlapping [startsAt, endsAt), still in force or to come. */
async function overlapping(tx: Tx, personIds: number[], startsAt: Date, endsAt: Date) {
  return tx.absence.findMany({
    where: { personId: { in: personIds }, endedAt: null, startsAt: { lt: endsAt }, endsAt: { gt: startsAt } },
    include: { person: { select: { id: true, name: true, timezone: true } }, delegate: { select: { id: true, name: true } } },
    orderBy: { startsAt: 'asc' },
  });
}

/** Who is checked for the delegate field, in the order a person would want to hear it. */
async function delegateIssue(tx: Tx, person: Person, delegate: Person | null, startsAt: Date, endsAt: Date, tz: string): Promise<Issue | null> {
  const path = 'delegateId';
  if (!delegate) return { path, key: 'person.not_found', params: {} };
  if (delegate.id === person.id) return { path, key: 'away.delegate_self' };
  if (!delegate.active) return { path, key: 'person.inactive_target', params: { name: delegate.name } };
  if (delegate.role === 'rep') return { path, key: 'away.delegate_rep', params: { name: delegate.name } };
  // Follow the delegates of the period: back to the person is a circle, anyone away is refused.
  const chain = [person.name, delegate.name];
  let at = delegate.id;
  const seen = new Set([person.id, delegate.id]);
  const first = (await overlapping(tx, [delegate.id], startsAt, endsAt))[0];
  for (let next = first; next; ) {
    chain.push(next.delegate.name);
    if (next.delegateId === person.id) return { path, key: 'away.delegate_cycle', params: { chain: chain.join(' → ') } };
    if (seen.has(next.delegateId)) break;
    seen.add(next.delegateId);
    at = next.delegateId;
    next = (await overlapping(tx, [at], startsAt, endsAt))[0];
  }
  if (first) {
    const theirTz = first.person.timezone ?? tz;
    return { path, key: 'away.delegate_away', params: { name: delegate.name, from: formatDate(first.startsAt, theirTz), to: formatDate(new Date(first.endsAt.getTime() - 1), theirTz) } };
  }
  const { tree } = await orgSnapshot(tx);
  const sees = person.role === 'admin' ? delegate.role === 'admin' : canStandIn(tree, delegate, person.unitId);
  if (!sees) return { path, key: 'away.delegate_out_of_scope', params: { name: delegate.name, person: person.name } };
  return null;
}

/**
 * Sets an away period with a delegate, for oneself or (an admin, a manager in scope) for someone else.
 * Every problem of the input is reported at once, by field (`from`, `to`, `delegateId`); a refused
 * delegate is audited. A period that starts today is applied at once.
 */
export async function setAway(deps: Deps, actor: Actor, input: AwayInput): Promise<AwayPeriod> {
  assertActive(actor);
  const now = deps.clock.now();
  const v = parse(awaySchema, input);
  try {
    return await inTransaction(deps.db, async (tx) => {
      const person = await tx.person.findUnique({ where: { id: v.personId ?? actor.id }, select: personFields });
      if (!person) throw new NotFoundError('person.not_found', { id: v.personId ?? actor.id });
      await assertMayManage(tx, actor, person);
      if (person.role === 'rep') throw new ConflictError('away.rep_has_no_approvals', { name: person.name });
      const settings = await loadSettings(tx);
      const tz = person.timezone ?? settings.timezone;
      const issues: Issue[] = [];
      const startsAt = dayStart(v.from, tz);
      const lastDay = dayStart(v.to, tz);
      const today = startOfDay(now, tz);
      if (!startsAt) issues.push({ path: 'from', key: 'validation.expected_date' });
      else if (startsAt.getTime() < today.getTime()) issues.push({ path: 'from', key: 'away.from_past', params: { today: formatDate(now, tz) } });
      if (!lastDay) issues.push({ path: 'to', key: 'validation.expected_date' });
      else if (startsAt && lastDay.getTime() < startsAt.getTime()) issues.push({ path: 'to', key: 'away.to_before_from' });
      else if (startsAt && lastDay.getTime() - startsAt.getTime() > MAX_DAYS * DAY_MS) issues.push({ path: 'to', key: 'away.too_long', params: { days: MAX_DAYS } });
      const endsAt = lastDay ? addDays(lastDay, 1, tz) : null;
      const delegate = await tx.person.findUnique({ where: { id: v.delegateId }, select: personFields });
      if (startsAt && endsAt && !issues.length) {
        const mine = (await overlapping(tx, [person.id], startsAt, endsAt))[0];
        if (mine) issues.push({ path: 'from', key: 'away.already_away', params: { name: person.name, from: formatDate(mine.startsAt, tz), to: formatDate(new Date(mine.endsAt.getTime() - 1), tz) } });
        const d = await delegateIssue(tx, person, delegate, startsAt, endsAt, tz);
        if (d) issues.push(d);
      }
      if (issues.length || !startsAt || !endsAt || !delegate) throw invalid(issues.length ? issues : [{ path: 'to', key: 'validation.expected_date' }]);

      const created = await tx.absence.create({ data: { personId: person.id, delegateId: delegate.id, startsAt, endsAt, setById: actor.id, createdAt: now } });
      await audit(tx, { actorId: actor.id, action: 'away.set', entity: 'person', entityId: person.id, after: { absenceId: created.id, from: v.from, to: v.to, delegateId: delegate.id }, at: now });
      await enqueue(tx, { dedupeKey: `away.delegate:${created.id}`, kind: 'away.delegate', recipientId: delegate.id, payload: { absenceId: created.id } }, now);
      let started = false;
      if (startsAt.getTime() <= now.getTime()) started = (await startAbsence(tx, created, now)) !== null;
      return { id: created.id, person: { id: person.id, name: person.name }, delegate: { id: delegate.id, name: delegate.name }, startsAt, endsAt, from: v.from, to: v.to, started };
    });
  } catch (e) {
    // A refused delegate is on the record: who tried whom, and why not.
    if (e instanceof DomainError && e.code === 'invalid') {
      const refused = e.issues.find((i) => i.path === 'delegateId');
      if (refused) {
        await inTransaction(deps.db, (tx) =>
          audit(tx, { actorId: actor.id, action: 'away.refused', entity: 'person', entityId: v.personId ?? actor.id, after: { delegateId: v.delegateId, from: v.from, to: v.to, reason: refused.key }, at: now }),
        );
      }
    }
    throw e;
  }
}

/** Ends a person's absence now (it is over, or it will not happen): the running one and any to come. */
export async function endAway(deps: Deps, actor: Actor, input: { personId?: number } = {}): Promise<{ ended: number }> {
  assertActive(actor);
  const personId = input.personId === undefined ? actor.id : parse(idSchema, input.personId);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const person = await tx.person.findUnique({ where: { id: personId }, select: personFields });
    if (!person) throw new NotFoundError('person.not_found', { id: personId });
    if (person.id !== actor.id) await assertMayManage(tx, actor, person);
    const open = await tx.absence.findMany({ where: { personId, endedAt: null, endsAt: { gt: now } } });
    if (!open.length) throw new ConflictError('away.not_away', { name: person.name });
    for (const a of open) await finishAbsence(tx, a, now, actor.id);
    return { ended: open.length };
  });
}

/** A person's away period in force or to come (the first one), for Home, the modal and the console. */
export async function awayOf(db: Db | Tx, personId: number, now: Date): Promise<AwayPeriod | null> {
  const a = await db.absence.findFirst({
    where: { personId, endedAt: null, endsAt: { gt: now } },
    include: { person: { select: { id: true, name: true, timezone: true } }, delegate: { select: { id: true, name: true } } },
    orderBy: { startsAt: 'asc' },
  });
  if (!a) return null;
  const tz = a.person.timezone ?? (await loadSettings(db)).timezone;
  return {
    id: a.id,
    person: { id: a.person.id, name: a.person.name },
    delegate: a.delegate,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    from: formatDate(a.startsAt, tz),
    to: formatDate(new Date(a.endsAt.getTime() - 1), tz),
    started: a.startsAt.getTime() <= now.getTime(),
  };
}

/** One period by id (for the delegate's notice); null when it is gone. */
export async function awayPeriod(db: Db | Tx, absenceId: number): Promise<(AwayPeriod & { setBy: { id: number; name: string } | null }) | null> {
  const a = await db.absence.findUnique({
    where: { id: absenceId },
    include: { person: { select: { id: true, name: true, timezone: true } }, delegate: { select: { id: true, name: true } } },
  });
  if (!a) return null;
  const tz = a.person.timezone ?? (await loadSettings(db)).timezone;
  const setBy = a.setById !== null && a.setById !== a.personId ? await db.person.findUnique({ where: { id: a.setById }, select: { id: true, name: true } }) : null;
  return {
    id: a.id,
    person: { id: a.person.id, name: a.person.name },
    delegate: a.delegate,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    from: formatDate(a.startsAt, tz),
    to: formatDate(new Date(a.endsAt.getTime() - 1), tz),
    started: a.startedAt !== null,
    setBy,
  };
}

type AbsenceRow = { id: number; personId: number; delegateId: number; endsAt: Date };

/**
 * The period begins: the delegate joins every pending step the absent person holds (where the delegate
 * may see the requester's unit and is not the requester). Once per period (a conditional update on
 * startedAt). Returns how many steps the delegate joined, or null when it had started already.
 */
async function startAbsence(tx: Tx, a: AbsenceRow, now: Date): Promise<number | null> {
  const claimed = await tx.absence.updateMany({ where: { id: a.id, startedAt: null, endedAt: null }, data: { startedAt: now } });
  if (claimed.count === 0) return null;
  const held = await tx.approvalApprover.findMany({
    where: { personId: a.personId, active: true, step: { status: 'pending' } },
    select: { stepId: true, step: { select: { requestId: true, request: { select: { requesterId: true, requester: { select: { unitId: true } } } } } } },
  });
  const delegate = await tx.person.findUniqueOrThrow({ where: { id: a.delegateId }, select: { id: true, role: true, unitId: true, active: true } });
  const { tree } = await orgSnapshot(tx);
  let joined = 0;
  for (const h of held) {
    const r = h.step.request;
    if (r.requesterId === delegate.id || !canStandIn(tree, delegate, r.requester.unitId)) {
      await audit(tx, { actorId: null, action: 'approval.delegate_skipped', entity: 'approval', entityId: h.step.requestId, after: { stepId: h.stepId, delegateId: delegate.id, onBehalfOfId: a.personId, reason: r.requesterId === delegate.id ? 'delegate_is_requester' : 'delegate_out_of_scope' }, at: now });
      continue;
    }
    const added = await addApprovers(tx, { id: h.stepId, requestId: h.step.requestId }, [{ personId: delegate.id, onBehalfOfId: a.personId }], 'delegate', `away:${a.id}`, now);
    if (added.length) {
      joined++;
      await audit(tx, { actorId: null, action: 'approval.delegate', entity: 'approval', entityId: h.step.requestId, after: { stepId: h.stepId, delegateId: delegate.id, onBehalfOfId: a.personId, absenceId: a.id }, at: now });
    }
  }
  await audit(tx, { actorId: null, action: 'away.start', entity: 'person', entityId: a.personId, after: { absenceId: a.id, delegateId: a.delegateId, steps: joined }, at: now });
  return joined;
}

/**
 * The period ends (its time is up, or it was ended by hand): the delegate's part in undecided steps
 * ends, their cards say so; the absent person keeps those steps. Once per period.
 */
async function finishAbsence(tx: Tx, a: AbsenceRow, now: Date, byId: number | null): Promise<number | null> {
  const closed = await tx.absence.updateMany({ where: { id: a.id, endedAt: null }, data: { endedAt: now, ...(a.endsAt.getTime() > now.getTime() ? { endsAt: now } : {}) } });
  if (closed.count === 0) return null;
  const rows = await tx.approvalApprover.findMany({
    where: { personId: a.delegateId, via: 'delegate', onBehalfOfId: a.personId, active: true, step: { status: 'pending' } },
    select: { stepId: true, step: { select: { requestId: true } } },
  });
  if (rows.length) {
    await tx.approvalApprover.updateMany({ where: { personId: a.delegateId, stepId: { in: rows.map((r) => r.stepId) } }, data: { active: false } });
    for (const r of rows) await refreshCards(tx, r.step.requestId, r.stepId, [a.delegateId], `away-end:${a.id}`, now);
  }
  await audit(tx, { actorId: byId, action: 'away.end', entity: 'person', entityId: a.personId, after: { absenceId: a.id, delegateId: a.delegateId, steps: rows.length }, at: now });
  return rows.length;
}

export interface AwayRun {
  started: number;
  ended: number;
  /** Steps a delegate joined, and steps handed back. */
  delegated: number;
  returned: number;
}

/**
 * The `away` job: periods whose start has come begin, periods whose end has come end. Each once,
 * however often it runs (conditional updates on startedAt / endedAt); one period per transaction.
 */
export async function applyAbsences(deps: Deps): Promise<AwayRun> {
  const now = deps.clock.now();
  const due = await deps.db.absence.findMany({
    where: { endedAt: null, OR: [{ startedAt: null, startsAt: { lte: now } }, { endsAt: { lte: now } }] },
    select: { id: true, personId: true, delegateId: true, startsAt: true, endsAt: true, startedAt: true },
    orderBy: { startsAt: 'asc' },
  });
  const out: AwayRun = { started: 0, ended: 0, delegated: 0, returned: 0 };
  for (const a of due) {
    await inTransaction(deps.db, async (tx) => {
      // A period missed whole (the server was down all of it) starts and ends at once: nothing to hand over.
      if (a.startedAt === null && a.endsAt.getTime() > now.getTime()) {
        const joined = await startAbsence(tx, a, now);
        if (joined !== null) {
          out.started++;
          out.delegated += joined;
        }
      }
      if (a.endsAt.getTime() <= now.getTime()) {
        if (a.startedAt === null) await tx.absence.updateMany({ where: { id: a.id, startedAt: null }, data: { startedAt: now } });
        const back = await finishAbsence(tx, a, now, null);
        if (back !== null) {
          out.ended++;
          out.returned += back;
        }
      }
    });
  }
  return out;
}

/**
 * Who may be someone's delegate, for a form's list: active supervisors, managers and admins who can
 * see the person's requests (an admin's delegate is an admin), by name. For a person the actor may manage.
 */
export async function delegateChoices(deps: Deps, actor: Actor, personId: number): Promise<{ id: number; name: string; unitName: string | null }[]> {
  assertActive(actor);
  const tx = deps.db;
  const person = await tx.person.findUnique({ where: { id: parse(idSchema, personId) }, select: personFields });
  if (!person) throw new NotFoundError('person.not_found', { id: personId });
  const { tree } = await orgSnapshot(tx);
  const people = await tx.person.findMany({
    where: { active: true, role: { in: person.role === 'admin' ? ['admin'] : ['supervisor', 'manager', 'admin'] }, id: { not: person.id } },
    select: { id: true, name: true, role: true, unitId: true, active: true, unit: { select: { name: true } } },
    orderBy: { name: 'asc' },
  });
  return people.filter((p) => person.role === 'admin' || canStandIn(tree, p, person.unitId)).map((p) => ({ id: p.id, name: p.name, unitName: p.unit?.name ?? null }));
}
