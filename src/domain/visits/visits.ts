import { z } from 'zod';
import { inTransaction, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc, DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { computeGrade } from '../grades/grades.ts';
import type { Actor } from '../org/roles.ts';
import { canSeeStore, scopeFor } from '../org/scope.ts';
import type { Settings } from '../settings/settings.ts';
import { idSchema, storeStageSchema } from '../stores/fields.ts';
import { visibleStore, type Store } from '../stores/stores.ts';
import { parse } from '../validation.ts';

export const visitMethods = ['in_person', 'phone', 'message', 'other'] as const;

export const logVisitSchema = z.object({
  storeId: idSchema,
  at: z.date().optional(),
  method: z.enum(visitMethods),
  summary: z.string().trim().min(1).max(2000),
  outcome: z.string().trim().max(500).optional(),
  stage: storeStageSchema.optional(),
  nextFollowUpAt: z.date().optional(),
  followUpNote: z.string().trim().max(500).optional(),
});
export type LogVisitInput = z.input<typeof logVisitSchema>;

/** Backdating is allowed (a visit logged in the evening), within reason. */
const MAX_BACKDATE_DAYS = 60;
/** A visit "now" from a device whose clock runs a little fast is still now. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Protection after an in-person visit by the owner: at least visitAt + visitExtendsDays, never earlier
 * than it was, never past claimedAt + maxHoldDays (PRODUCT.md).
 */
export function protectionAfterVisit(
  store: { protectedUntil: Date | null; claimedAt: Date | null },
  visitAt: Date,
  settings: Settings,
): Date | null {
  if (!store.protectedUntil || !store.claimedAt || settings.visitExtendsDays === 0) return store.protectedUntil;
  const wanted = addDaysUtc(visitAt, settings.visitExtendsDays);
  const hardMax = addDaysUtc(store.claimedAt, settings.maxHoldDays);
  const capped = wanted > hardMax ? hardMax : wanted;
  return capped > store.protectedUntil ? capped : store.protectedUntil;
}

export interface LogVisitResult {
  visit: { id: number; at: Date; method: string; cold: boolean };
  store: Store;
  /** A cold visit on a public store the actor could claim right away. */
  claimable: boolean;
  followUpId: number | null;
}

export async function logVisit(deps: Deps, actor: Actor, input: LogVisitInput): Promise<LogVisitResult> {
  const v = parse(logVisitSchema, input);
  const now = deps.clock.now();
  const at = v.at ?? now;
  if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new InvalidInputError('visit.in_future', {}, [{ path: 'at', key: 'visit.in_future' }]);
  if (at.getTime() < now.getTime() - MAX_BACKDATE_DAYS * DAY_MS) {
    throw new InvalidInputError('visit.too_old', { days: MAX_BACKDATE_DAYS }, [{ path: 'at', key: 'visit.too_old', params: { days: MAX_BACKDATE_DAYS } }]);
  }
  if (v.nextFollowUpAt && v.nextFollowUpAt <= now) {
    throw new InvalidInputError('followup.in_past', {}, [{ path: 'nextFollowUpAt', key: 'followup.in_past' }]);
  }
  if (actor.role === 'admin') throw new ForbiddenError('visit.admin_cannot_visit');
  return inTransaction(deps.db, async (tx) => {
    const { settings, scope } = await scopeFor(tx, actor);
    const store = await visibleStore(tx, scope, v.storeId);
    if (store.status !== 'active') throw new InvalidInputError('visit.store_not_active', { status: store.status });
    const cold = store.ownerId !== actor.id;
    const visit = await tx.visit.create({
      data: {
        storeId: store.id,
        personId: actor.id,
        at,
        method: v.method,
        summary: v.summary,
        outcome: v.outcome ?? null,
        stage: v.stage ?? null,
        nextFollowUpAt: v.nextFollowUpAt ?? null,
        cold,
      },
    });
    const isLatest = !store.lastVisitAt || at >= store.lastVisitAt;
    const lastVisitAt = isLatest ? at : store.lastVisitAt;
    const protectedUntil =
      v.method === 'in_person' && store.ownerId === actor.id ? protectionAfterVisit(store, at, settings) : store.protectedUntil;
    // The actor's open follow-ups of this store are what this visit did; the next one replaces them.
    await tx.followUp.updateMany({
      where: { storeId: store.id, personId: actor.id, status: 'open', dueAt: { lte: addDaysUtc(now, 1) } },
      data: { status: 'done', doneAt: now, visitId: visit.id },
    });
    let followUpId: number | null = null;
    if (v.nextFollowUpAt) {
      const f = await tx.followUp.create({
        data: { storeId: store.id, personId: actor.id, dueAt: v.nextFollowUpAt, note: v.followUpNote ?? v.outcome ?? null, visitId: visit.id },
      });
      followUpId = f.id;
    }
    const nextFollowUpAt = await nextOpenFollowUp(tx, store.id);
    const after = await tx.store.update({
      where: { id: store.id },
      data: {
        lastVisitAt,
        ...(isLatest ? { latestProgress: (v.outcome ? `${v.summary} — ${v.outcome}` : v.summary).slice(0, 500) } : {}),
        nextFollowUpAt,
        protectedUntil,
        ...(v.stage ? { stage: v.stage } : {}),
        grade: computeGrade({ lastOrderAt: store.lastOrderAt, lastVisitAt }, now, settings),
      },
    });
    await audit(tx, {
      actorId: actor.id,
      action: 'visit.log',
      entity: 'visit',
      entityId: visit.id,
      after: { storeId: store.id, at, method: v.method, cold, protectedUntil },
      at: now,
    });
    const claimable =
      after.ownerId === null && after.regionId !== null && scope.poolRegionIds.includes(after.regionId) && actor.role !== 'admin';
    return { visit: { id: visit.id, at, method: v.method, cold }, store: after, claimable, followUpId };
  });
}

export async function nextOpenFollowUp(tx: Tx, storeId: number): Promise<Date | null> {
  const next = await tx.followUp.findFirst({ where: { storeId, status: 'open' }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
  return next?.dueAt ?? null;
}

const pageSchema = z.object({ take: z.number().int().min(1).max(100).default(20), before: z.date().optional() });

export async function listVisitsByStore(deps: Deps, actor: Actor, storeId: number, page: z.input<typeof pageSchema> = {}) {
  const p = parse(pageSchema, page);
  const { scope } = await scopeFor(deps.db, actor);
  await visibleStore(deps.db, scope, parse(idSchema, storeId));
  return deps.db.visit.findMany({
    where: { storeId, ...(p.before ? { at: { lt: p.before } } : {}) },
    orderBy: { at: 'desc' },
    take: p.take,
    include: { person: { select: { id: true, name: true } } },
  });
}

/** A person's visits: their own, or a lead's view of someone in its subtree. */
export async function listVisitsByPerson(deps: Deps, actor: Actor, personId: number, page: z.input<typeof pageSchema> = {}) {
  const p = parse(pageSchema, page);
  const { scope } = await scopeFor(deps.db, actor);
  if (personId !== actor.id) {
    const person = await deps.db.person.findUnique({ where: { id: personId }, select: { unitId: true } });
    if (!person || !(scope.all || (person.unitId !== null && scope.memberUnitIds.includes(person.unitId)))) {
      throw new ForbiddenError('person.outside_team', { name: '' });
    }
  }
  const rows = await deps.db.visit.findMany({
    where: { personId, ...(p.before ? { at: { lt: p.before } } : {}) },
    orderBy: { at: 'desc' },
    take: p.take,
    include: { store: { select: { id: true, code: true, name: true, ownerId: true, regionId: true, owner: { select: { unitId: true } } } } },
  });
  // A visit stays in its author's list, but a store that has since moved out of sight is not named.
  return rows.map((r) => ({
    ...r,
    store: canSeeStore(scope, { ownerId: r.store.ownerId, regionId: r.store.regionId, ownerUnitId: r.store.owner?.unitId ?? null })
      ? { id: r.store.id, code: r.store.code, name: r.store.name }
      : null,
  }));
}

