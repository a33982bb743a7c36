import { z } from 'zod';
import { inTransaction, Prisma, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc, DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, InvalidInputError } from '../errors.ts';
import { computeGrade } from '../grades/grades.ts';
import type { Actor } from '../org/roles.ts';
import { canSeeStore, scopeFor } from '../org/scope.ts';
import type { Settings } from '../settings/settings.ts';
import { idSchema, storeStageSchema } from '../stores/fields.ts';
import { scopeAndVisibleStore, storeColumns, visibleStore, type Store } from '../stores/stores.ts';
import { parse } from '../validation.ts';
import { enqueue } from '../outbox/outbox.ts';

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
    const dueBy = addDaysUtc(now, 1);
    const { settings, scope, store, row } = await scopeAndVisibleStore(tx, actor, v.storeId, dueFollowUpsSql(actor.id, dueBy));
    if (store.status !== 'active') throw new InvalidInputError('visit.store_not_active', { status: store.status });
    const cold = store.ownerId !== actor.id;
    const visitId = await insertVisit(tx, {
      storeId: store.id,
      personId: actor.id,
      at,
      method: v.method,
      summary: v.summary,
      outcome: v.outcome ?? null,
      stage: v.stage ?? null,
      nextFollowUpAt: v.nextFollowUpAt ?? null,
      cold,
    });
    const isLatest = !store.lastVisitAt || at >= store.lastVisitAt;
    const lastVisitAt = isLatest ? at : store.lastVisitAt;
    const protectedUntil =
      v.method === 'in_person' && store.ownerId === actor.id ? protectionAfterVisit(store, at, settings) : store.protectedUntil;
    // The actor's open follow-ups of this store are what this visit did; the next one replaces them.
    if (Number(row.dueFollowUps) > 0) await markFollowUpsDone(tx, { storeId: store.id, personId: actor.id, dueBy, doneAt: now, visitId });
    let followUpId: number | null = null;
    if (v.nextFollowUpAt) {
      followUpId = await insertFollowUp(tx, {
        storeId: store.id,
        personId: actor.id,
        dueAt: v.nextFollowUpAt,
        note: v.followUpNote ?? v.outcome ?? null,
        visitId,
      });
    }
    const after = await updateStoreAfterVisit(tx, store.id, {
      lastVisitAt,
      latestProgress: isLatest ? (v.outcome ? `${v.summary} — ${v.outcome}` : v.summary).slice(0, 500) : undefined,
      protectedUntil,
      stage: v.stage,
      grade: computeGrade({ lastOrderAt: store.lastOrderAt, lastVisitAt }, now, settings),
    });
    await audit(tx, {
      actorId: actor.id,
      action: 'visit.log',
      entity: 'visit',
      entityId: visitId,
      after: { storeId: store.id, at, method: v.method, cold, protectedUntil },
      at: now,
    });
    const claimable =
      after.ownerId === null && after.regionId !== null && scope.poolRegionIds.includes(after.regionId) && actor.role !== 'admin';
    // The rep's confirmation (with the store card and, for a public store, Claim) follows the visit.
    await enqueue(tx, { dedupeKey: `visit.logged:${visitId}`, kind: 'visit.logged', recipientId: actor.id, payload: { visitId, claimable } }, now);
    return { visit: { id: visitId, at, method: v.method, cold }, store: after, claimable, followUpId };
  });
}

// The statements of logVisit, raw: a visit is the most frequent write, and each Prisma query costs
// about a millisecond of compilation on top of its SQL. Timestamps Prisma would fill in
// (@default(now()), @updatedAt) are set here the same way.

async function insertVisit(
  tx: Tx,
  v: { storeId: number; personId: number; at: Date; method: string; summary: string; outcome: string | null; stage: string | null; nextFollowUpAt: Date | null; cold: boolean },
): Promise<number> {
  const rows = await tx.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "Visit" ("storeId", "personId", "at", "method", "summary", "outcome", "stage", "nextFollowUpAt", "cold", "createdAt")
    VALUES (${v.storeId}, ${v.personId}, ${v.at}, ${v.method}, ${v.summary}, ${v.outcome}, ${v.stage}, ${v.nextFollowUpAt}, ${v.cold}, ${new Date()})
    RETURNING "id"`;
  return Number(rows[0]!.id);
}

/** How many of the person's follow-ups of the store ("Store" s) are open and due by `dueBy`: a column for the visit's first read. */
const dueFollowUpsSql = (personId: number, dueBy: Date) => Prisma.sql`(SELECT count(*) FROM "FollowUp" f
  WHERE f."storeId" = s."id" AND f."personId" = ${personId} AND f."status" = 'open' AND f."dueAt" <= ${dueBy}) AS "dueFollowUps"`;

/** The person's open follow-ups of the store due by `dueBy` are done, by this visit (`dueFollowUpsSql` counts them). */
async function markFollowUpsDone(tx: Tx, f: { storeId: number; personId: number; dueBy: Date; doneAt: Date; visitId: number }): Promise<void> {
  await tx.$executeRaw`
    UPDATE "FollowUp" SET "status" = 'done', "doneAt" = ${f.doneAt}, "visitId" = ${f.visitId}, "updatedAt" = ${new Date()}
    WHERE "storeId" = ${f.storeId} AND "personId" = ${f.personId} AND "status" = 'open' AND "dueAt" <= ${f.dueBy}`;
}

async function insertFollowUp(tx: Tx, f: { storeId: number; personId: number; dueAt: Date; note: string | null; visitId: number }): Promise<number> {
  const created = new Date();
  const rows = await tx.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "FollowUp" ("storeId", "personId", "dueAt", "note", "status", "visitId", "snoozes", "createdAt", "updatedAt")
    VALUES (${f.storeId}, ${f.personId}, ${f.dueAt}, ${f.note}, 'open', ${f.visitId}, 0, ${created}, ${created})
    RETURNING "id"`;
  return Number(rows[0]!.id);
}

/** Writes what a visit changes on its store, with the store's next open follow-up; the store after. */
async function updateStoreAfterVisit(
  tx: Tx,
  storeId: number,
  c: { lastVisitAt: Date | null; latestProgress: string | undefined; protectedUntil: Date | null; stage: string | undefined; grade: string },
): Promise<Store> {
  const set = [
    Prisma.sql`"lastVisitAt" = ${c.lastVisitAt}`,
    ...(c.latestProgress !== undefined ? [Prisma.sql`"latestProgress" = ${c.latestProgress}`] : []),
    Prisma.sql`"nextFollowUpAt" = (${nextOpenFollowUpSql(storeId)})`,
    Prisma.sql`"protectedUntil" = ${c.protectedUntil}`,
    ...(c.stage ? [Prisma.sql`"stage" = ${c.stage}`] : []),
    Prisma.sql`"grade" = ${c.grade}`,
    Prisma.sql`"updatedAt" = ${new Date()}`,
  ];
  const rows = await tx.$queryRaw<Store[]>`UPDATE "Store" SET ${Prisma.join(set)} WHERE "id" = ${storeId} RETURNING ${storeColumns}`;
  return rows[0]!;
}

/** The due time of the store's earliest open follow-up (NULL when none), as SQL. */
const nextOpenFollowUpSql = (storeId: number) =>
  Prisma.sql`SELECT min(f."dueAt") FROM "FollowUp" f WHERE f."storeId" = ${storeId} AND f."status" = 'open'`;

/** The due time of the store's earliest open follow-up, or null (raw, to share its SQL with the visit's store update). */
export async function nextOpenFollowUp(tx: Tx, storeId: number): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ next: string | Date | null }[]>`SELECT (${nextOpenFollowUpSql(storeId)}) AS "next"`;
  const next = rows[0]?.next;
  // An aggregate's type is unknown to the SQLite driver: ISO text there, a Date on PostgreSQL.
  return next === null || next === undefined ? null : new Date(next);
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

