import { z } from 'zod';
import { inTransaction, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, type Scope } from '../org/scope.ts';
import { idSchema } from '../stores/fields.ts';
import { visibleStore } from '../stores/stores.ts';
import { addDays, startOfDay } from '../time/zone.ts';
import { parse } from '../validation.ts';
import { nextOpenFollowUp } from '../visits/visits.ts';

const UPCOMING_DAYS = 14;
const LIST_LIMIT = 50;

const followUpSelect = {
  id: true,
  dueAt: true,
  note: true,
  status: true,
  snoozes: true,
  store: { select: { id: true, code: true, name: true } },
} as const;

/** Whose list may the actor read or change: its own; a lead's for its subtree; an admin's for all. */
async function checkPersonInReach(db: Deps['db'] | Tx, scope: Scope, personId: number): Promise<void> {
  if (personId === scope.actor.id || scope.all) return;
  const p = await db.person.findUnique({ where: { id: personId }, select: { unitId: true, name: true } });
  if (!p) throw new NotFoundError('person.not_found', { id: personId });
  if (p.unitId === null || !scope.memberUnitIds.includes(p.unitId)) throw new ForbiddenError('person.outside_team', { name: p.name });
}

/**
 * A person's follow-ups in its own time zone: overdue (due before today), due today, and upcoming
 * (the next 14 days).
 */
export async function listFollowUps(deps: Deps, actor: Actor, personId: number = actor.id) {
  const { settings, scope } = await scopeFor(deps.db, actor);
  await checkPersonInReach(deps.db, scope, personId);
  const person = personId === actor.id ? actor : await deps.db.person.findUniqueOrThrow({ where: { id: personId } });
  const tz = person.timezone ?? settings.timezone;
  const now = deps.clock.now();
  const today = startOfDay(now, tz);
  const tomorrow = addDays(today, 1, tz);
  const horizon = addDays(today, UPCOMING_DAYS + 1, tz);
  const open = { personId, status: 'open' } as const;
  const [overdue, dueToday, upcoming] = await Promise.all([
    deps.db.followUp.findMany({ where: { ...open, dueAt: { lt: today } }, orderBy: { dueAt: 'asc' }, take: LIST_LIMIT, select: followUpSelect }),
    deps.db.followUp.findMany({ where: { ...open, dueAt: { gte: today, lt: tomorrow } }, orderBy: { dueAt: 'asc' }, take: LIST_LIMIT, select: followUpSelect }),
    deps.db.followUp.findMany({ where: { ...open, dueAt: { gte: tomorrow, lt: horizon } }, orderBy: { dueAt: 'asc' }, take: LIST_LIMIT, select: followUpSelect }),
  ]);
  return { timezone: tz, today, overdue, dueToday, upcoming };
}

export const createFollowUpSchema = z.object({
  storeId: idSchema,
  dueAt: z.date(),
  note: z.string().trim().max(500).optional(),
});

export async function createFollowUp(deps: Deps, actor: Actor, input: z.input<typeof createFollowUpSchema>) {
  const v = parse(createFollowUpSchema, input);
  const now = deps.clock.now();
  if (v.dueAt <= now) throw new InvalidInputError('followup.in_past', {}, [{ path: 'dueAt', key: 'followup.in_past' }]);
  return inTransaction(deps.db, async (tx) => {
    const { scope } = await scopeFor(tx, actor);
    const store = await visibleStore(tx, scope, v.storeId);
    const f = await tx.followUp.create({ data: { storeId: store.id, personId: actor.id, dueAt: v.dueAt, note: v.note ?? null } });
    await tx.store.update({ where: { id: store.id }, data: { nextFollowUpAt: await nextOpenFollowUp(tx, store.id) } });
    await audit(tx, { actorId: actor.id, action: 'followup.create', entity: 'followup', entityId: f.id, after: f, at: now });
    return f;
  });
}

async function ownFollowUp(tx: Tx, actor: Actor, id: number) {
  const f = await tx.followUp.findUnique({ where: { id } });
  if (!f) throw new NotFoundError('followup.not_found', { id });
  if (f.personId !== actor.id) {
    const { scope } = await scopeFor(tx, actor);
    await checkPersonInReach(tx, scope, f.personId);
  }
  return f;
}

/** Marks a follow-up done; a second click on the same button changes nothing. */
export async function completeFollowUp(deps: Deps, actor: Actor, id: number) {
  parse(idSchema, id);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const f = await ownFollowUp(tx, actor, id);
    // Conditional on "open": of two simultaneous clicks only one changes it.
    const changed = await tx.followUp.updateMany({ where: { id, status: 'open' }, data: { status: 'done', doneAt: now } });
    const done = await tx.followUp.findUniqueOrThrow({ where: { id } });
    if (changed.count === 0) {
      if (done.status === 'done') return { followUp: done, changed: false };
      throw new ConflictError('followup.not_open', { status: done.status });
    }
    await tx.store.update({ where: { id: f.storeId }, data: { nextFollowUpAt: await nextOpenFollowUp(tx, f.storeId) } });
    await audit(tx, { actorId: actor.id, action: 'followup.done', entity: 'followup', entityId: id, before: { status: f.status }, after: { status: 'done' }, at: now });
    return { followUp: done, changed: true };
  });
}

export async function snoozeFollowUp(deps: Deps, actor: Actor, id: number, until: Date) {
  parse(idSchema, id);
  const due = parse(z.date(), until);
  const now = deps.clock.now();
  if (due <= now) throw new InvalidInputError('followup.in_past', {}, [{ path: 'dueAt', key: 'followup.in_past' }]);
  return inTransaction(deps.db, async (tx) => {
    const f = await ownFollowUp(tx, actor, id);
    const changed = await tx.followUp.updateMany({ where: { id, status: 'open' }, data: { dueAt: due, snoozes: { increment: 1 } } });
    if (changed.count === 0) throw new ConflictError('followup.not_open', { status: f.status === 'open' ? 'done' : f.status });
    const after = await tx.followUp.findUniqueOrThrow({ where: { id } });
    await tx.store.update({ where: { id: f.storeId }, data: { nextFollowUpAt: await nextOpenFollowUp(tx, f.storeId) } });
    await audit(tx, { actorId: actor.id, action: 'followup.snooze', entity: 'followup', entityId: id, before: { dueAt: f.dueAt }, after: { dueAt: due }, at: now });
    return after;
  });
}
