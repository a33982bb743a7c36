import { z } from 'zod';
import { inTransaction, type Tx } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc, DAY_MS } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, LimitReachedError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive, canSeeStore, leadsUnit, scopeAt, scopeFor, type Scope } from '../org/scope.ts';
import { enqueue, homeRefresh } from '../outbox/outbox.ts';
import { lockPerson } from '../people/people.ts';
import { loadSettings, type Settings } from '../settings/settings.ts';
import { idSchema, reasonSchema } from '../stores/fields.ts';
import { checkCanReceive, findVisibleStore, readStoreWithOwner, scopeAndVisibleStore, visibleStore, type Store } from '../stores/stores.ts';
import { parse } from '../validation.ts';
import { poolUsage, type PoolUsage } from './cap.ts';
import { claimFacts } from './claim-facts.ts';
import { cancelOpenFollowUps, releaseIfOwner, takeIfPublic } from './owner-writes.ts';

export interface ClaimResult {
  store: Store;
  usage: PoolUsage;
}

type OwnerChange = 'claim' | 'assign' | 'transfer' | 'handover';

/** Every change of owner starts the same clock (PRODUCT.md): claimedAt = now, protection from now. */
function ownedFrom(now: Date, settings: Settings, ownerId: number) {
  return { ownerId, claimedAt: now, protectedUntil: addDaysUtc(now, settings.protectionDays) };
}

/** Explains why a store owned by someone else cannot be taken; the owner's name only if the actor may see the store. */
async function ownedByOtherError(tx: Tx, scope: Scope, storeId: number): Promise<ConflictError> {
  const s = await readStoreWithOwner(tx, storeId);
  const visible = !!s && canSeeStore(scope, { ownerId: s.ownerId, regionId: s.regionId, ownerUnitId: s.owner?.unitId ?? null });
  return new ConflictError(visible ? 'pool.owned_by' : 'pool.owned', {
    owner: visible ? (s?.owner?.name ?? null) : null,
    until: s?.isCustomer ? null : (s?.protectedUntil ?? null),
  });
}

/** Claim a public store into my private pool. Exactly one of several simultaneous claimers wins. */
export async function claimStore(deps: Deps, actor: Actor, storeId: number): Promise<ClaimResult> {
  parse(idSchema, storeId);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    assertActive(actor);
    if (actor.role === 'admin') throw new InvalidInputError('pool.admin_cannot_own');
    await lockPerson(tx, actor.id);
    const store = await claimFacts(tx, storeId, actor.id);
    if (!store || store.status === 'deleted') throw new NotFoundError('store.not_found', { id: storeId });
    const { settings, scope } = await scopeAt(tx, actor, store.stamp);
    if (store.ownerId === actor.id) throw new ConflictError('pool.already_yours');
    if (store.ownerId !== null) throw await ownedByOtherError(tx, scope, storeId);
    if (store.status !== 'active') throw new ConflictError('pool.not_active', { status: store.status });
    if (store.regionId === null || !scope.poolRegionIds.includes(store.regionId)) throw new ForbiddenError('pool.outside_regions');
    const coolUntil = store.lastLeftAt && addDaysUtc(store.lastLeftAt, settings.reclaimCooldownDays);
    if (coolUntil && coolUntil > now) throw new LimitReachedError('pool.cooldown', { until: coolUntil });
    if (store.held >= settings.poolCap) throw new LimitReachedError('pool.cap_reached', { held: store.held, cap: settings.poolCap });
    // The conditional update is the arbiter: of simultaneous claimers only one finds the store still public.
    const after = await takeIfPublic(tx, storeId, ownedFrom(now, settings, actor.id));
    if (!after) throw await ownedByOtherError(tx, scope, storeId);
    await recordOwnerChange(tx, 'claim', after, null, actor.id, null, now);
    return { store: after, usage: { held: store.held + 1, cap: settings.poolCap, customers: store.customers } };
  });
}

async function recordOwnerChange(
  tx: Tx,
  action: OwnerChange | 'release' | 'auto_return',
  after: Store,
  fromOwnerId: number | null,
  actorId: number | null,
  reason: string | null,
  now: Date,
): Promise<void> {
  await tx.$executeRaw`INSERT INTO "ClaimHistory" ("storeId", "action", "fromOwnerId", "toOwnerId", "actorId", "reason", "protectedUntil", "at")
    VALUES (${after.id}, ${action}, ${fromOwnerId}, ${after.ownerId}, ${actorId}, ${reason}, ${after.protectedUntil}, ${now})`;
  await audit(tx, {
    actorId,
    action: `store.${action}`,
    entity: 'store',
    entityId: after.id,
    before: { ownerId: fromOwnerId },
    after: { ownerId: after.ownerId, protectedUntil: after.protectedUntil },
    at: now,
  });
}

/** The owner gives a store back to the public pool, with a reason. */
export async function releaseStore(deps: Deps, actor: Actor, storeId: number, reason: string): Promise<Store> {
  parse(idSchema, storeId);
  const why = parse(reasonSchema, reason);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    assertActive(actor);
    // Its owner always sees a store: the conditional update is the whole check, unless it fails.
    const after = await releaseIfOwner(tx, storeId, actor.id);
    if (!after) {
      const { scope } = await scopeFor(tx, actor);
      await visibleStore(tx, scope, storeId); // not found, unless the actor may see it
      throw new ForbiddenError('pool.release_not_owner');
    }
    await cancelOpenFollowUps(tx, storeId, actor.id);
    await recordOwnerChange(tx, 'release', after, actor.id, actor.id, why, now);
    return after;
  });
}

function requireLead(actor: Actor): void {
  if (actor.role === 'rep') throw new ForbiddenError('pool.needs_lead');
}

/** A lead gives a public store to a rep of its team; it counts toward the rep's cap. */
export async function assignStore(deps: Deps, actor: Actor, storeId: number, toPersonId: number, reason?: string): Promise<Store> {
  parse(idSchema, storeId);
  parse(idSchema, toPersonId);
  const why = reason === undefined ? null : parse(reasonSchema, reason);
  requireLead(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { settings, scope, store } = await scopeAndVisibleStore(tx, actor, storeId);
    if (store.ownerId !== null) throw await ownedByOtherError(tx, scope, storeId);
    if (store.status !== 'active') throw new ConflictError('pool.not_active', { status: store.status });
    await checkCanReceive(tx, scope, settings, toPersonId, 1);
    const won = await tx.store.updateMany({ where: { id: storeId, ownerId: null, status: 'active' }, data: ownedFrom(now, settings, toPersonId) });
    if (won.count === 0) throw await ownedByOtherError(tx, scope, storeId);
    const after = await tx.store.findUniqueOrThrow({ where: { id: storeId } });
    await recordOwnerChange(tx, 'assign', after, null, actor.id, why, now);
    await enqueue(tx, { dedupeKey: `store.assigned:${storeId}:${now.getTime()}`, kind: 'store.assigned', recipientId: toPersonId, payload: { storeId, byId: actor.id, reason: why } }, now);
    await enqueue(tx, homeRefresh(toPersonId, `assigned:${storeId}:${now.getTime()}`), now);
    return after;
  });
}

export const transferSchema = z.object({
  storeIds: z.array(idSchema).min(1).max(1000),
  toPersonId: idSchema,
  reason: reasonSchema,
});

/**
 * A lead moves private stores between people of its subtree, one or many; all or nothing.
 * The receiver's cap applies to the whole batch.
 */
export async function transferStores(deps: Deps, actor: Actor, input: z.input<typeof transferSchema>): Promise<Store[]> {
  const v = parse(transferSchema, input);
  requireLead(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, (tx) => transferInTx(tx, actor, v, now));
}

/** `transferStores` inside a caller's transaction (an approved transfer request applies it with its decision). */
export async function transferInTx(tx: Tx, actor: Actor, v: z.output<typeof transferSchema>, now: Date): Promise<Store[]> {
  requireLead(actor);
  const ids = [...new Set(v.storeIds)];
  const { settings, scope } = await scopeFor(tx, actor);
  const stores = await tx.store.findMany({ where: { id: { in: ids } }, include: { owner: { select: { id: true, unitId: true, name: true } } } });
  for (const id of ids) {
    const s = stores.find((x) => x.id === id);
    if (!s || !canSeeStore(scope, { ownerId: s.ownerId, regionId: s.regionId, ownerUnitId: s.owner?.unitId ?? null })) {
      throw new NotFoundError('store.not_found', { id });
    }
    if (s.ownerId === null) throw new ConflictError('pool.transfer_public', { code: s.code });
    if (!leadsUnit(scope, s.owner?.unitId ?? null)) throw new ForbiddenError('person.outside_team', { name: s.owner?.name ?? '' });
    if (s.ownerId === v.toPersonId) throw new ConflictError('pool.transfer_same_owner', { code: s.code });
  }
  const movingCount = stores.filter((s) => !s.isCustomer).length;
  await checkCanReceive(tx, scope, settings, v.toPersonId, movingCount);
  const out: Store[] = [];
  for (const s of stores) {
    const moved = await tx.store.updateMany({ where: { id: s.id, ownerId: s.ownerId }, data: ownedFrom(now, settings, v.toPersonId) });
    if (moved.count === 0) throw new ConflictError('pool.changed_meanwhile', { code: s.code });
    const after = await tx.store.findUniqueOrThrow({ where: { id: s.id } });
    await tx.followUp.updateMany({ where: { storeId: s.id, personId: s.ownerId!, status: 'open' }, data: { personId: v.toPersonId } });
    await recordOwnerChange(tx, 'transfer', after, s.ownerId, actor.id, v.reason, now);
    for (const recipientId of [s.ownerId!, v.toPersonId]) {
      await enqueue(tx, {
        dedupeKey: `store.transferred:${s.id}:${now.getTime()}:${recipientId}`,
        kind: 'store.transferred',
        recipientId,
        payload: { storeId: s.id, fromId: s.ownerId, toId: v.toPersonId, byId: actor.id, reason: v.reason },
      }, now);
    }
    out.push(after);
  }
  // Each Home once, after the batch's notices: the stores left one pool and joined another.
  for (const personId of new Set([...stores.map((s) => s.ownerId!), v.toPersonId])) await enqueue(tx, homeRefresh(personId, `transferred:${now.getTime()}`), now);
  return out;
}

export const extendSchema = z.object({ days: z.number().int().min(1).max(365), reason: reasonSchema });

/** A lead lengthens a private store's protection by N days from its current end (or from now, if already past). */
export async function extendProtection(deps: Deps, actor: Actor, storeId: number, input: z.input<typeof extendSchema>): Promise<Store> {
  parse(idSchema, storeId);
  const v = parse(extendSchema, input);
  requireLead(actor);
  const now = deps.clock.now();
  return inTransaction(deps.db, (tx) => extendInTx(tx, actor, storeId, v, now));
}

/** `extendProtection` inside a caller's transaction (an approved extend request applies it with its decision). */
export async function extendInTx(tx: Tx, actor: Actor, storeId: number, v: z.output<typeof extendSchema>, now: Date): Promise<Store> {
  requireLead(actor);
  const { scope, store } = await scopeAndVisibleStore(tx, actor, storeId);
  if (store.ownerId === null) throw new ConflictError('pool.extend_public');
  if (!leadsUnit(scope, store.owner?.unitId ?? null)) throw new ForbiddenError('person.outside_team', { name: store.owner?.name ?? '' });
  const base = store.protectedUntil && store.protectedUntil > now ? store.protectedUntil : now;
  const until = new Date(base.getTime() + v.days * DAY_MS);
  const done = await tx.store.updateMany({ where: { id: storeId, ownerId: store.ownerId }, data: { protectedUntil: until } });
  if (done.count === 0) throw new ConflictError('pool.changed_meanwhile', { code: store.code });
  await tx.claimHistory.create({
    data: { storeId, action: 'extend', fromOwnerId: store.ownerId, toOwnerId: store.ownerId, actorId: actor.id, reason: v.reason, protectedUntil: until, at: now },
  });
  await audit(tx, { actorId: actor.id, action: 'store.extend', entity: 'store', entityId: storeId, before: { protectedUntil: store.protectedUntil }, after: { protectedUntil: until }, at: now });
  await enqueue(tx, { dedupeKey: `store.extended:${storeId}:${now.getTime()}`, kind: 'store.extended', recipientId: store.ownerId, payload: { storeId, until: until.toISOString(), byId: actor.id, reason: v.reason } }, now);
  await enqueue(tx, homeRefresh(store.ownerId, `extended:${storeId}:${now.getTime()}`), now);
  return tx.store.findUniqueOrThrow({ where: { id: storeId } });
}

/**
 * What releasing a store means to its owner, before it decides: the store, and how many days it
 * must then wait to claim it again. Only the owner may release.
 */
export async function releaseTerms(deps: Deps, actor: Actor, storeId: number): Promise<{ store: Store & { owner: { name: string } | null }; cooldownDays: number }> {
  const [store, settings] = await Promise.all([findVisibleStore(deps, actor, storeId), loadSettings(deps.db)]);
  if (store.ownerId !== actor.id) throw new ForbiddenError('pool.release_not_owner');
  return { store, cooldownDays: settings.reclaimCooldownDays };
}

export async function myPoolUsage(deps: Deps, actor: Actor): Promise<PoolUsage> {
  const settings = await loadSettings(deps.db);
  return poolUsage(deps.db, actor.id, settings.poolCap);
}

/** My private stores, protection ending first. */
export async function listMyPool(deps: Deps, actor: Actor, opts: { take?: number; skip?: number } = {}) {
  return deps.db.store.findMany({
    where: { ownerId: actor.id },
    orderBy: [{ isCustomer: 'asc' }, { protectedUntil: 'asc' }, { id: 'asc' }],
    take: Math.min(opts.take ?? 50, 200),
    skip: opts.skip ?? 0,
  });
}

