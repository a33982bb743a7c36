import { z } from 'zod';
import { inTransaction, Prisma, type Db, type Tx } from '../../db/client.ts';
import type { Store } from '../../generated/sqlite/client.ts';
import { audit } from '../audit/audit.ts';
import { addDaysUtc } from '../clock.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, LimitReachedError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive, canSeeStore, leadsUnit, scopeAt, scopeFor, type Scope } from '../org/scope.ts';
import { stampColumns, stampOfRow } from '../org/snapshot.ts';
import { lockPerson } from '../people/people.ts';
import { regionAt } from '../regions/locate.ts';
import type { Settings } from '../settings/settings.ts';
import { parse, plainText } from '../validation.ts';
import { nextStoreCode } from './code.ts';
import {
  addressSchema,
  idSchema,
  latSchema,
  lngSchema,
  phoneSchema,
  reasonSchema,
  storeNameSchema,
  storeStageSchema,
  storeStatusSchema,
} from './fields.ts';
import { nameKey, phoneKey } from './normalize.ts';
import { searchKeys } from '../search/keys.ts';
import { visitsVisibleWhere } from '../visits/visibility.ts';
import { countTowardCap } from '../pools/cap.ts';

export type { Store };

const locationSchema = {
  lng: lngSchema.optional(),
  lat: latSchema.optional(),
};

export const createStoreSchema = z
  .object({
    name: storeNameSchema,
    phone: phoneSchema.optional(),
    address: addressSchema.optional(),
    ...locationSchema,
    regionId: idSchema.optional(),
    stage: storeStageSchema.optional(),
    source: plainText(z.string().trim().min(1).max(40)).optional(),
    /** Who owns it: a rep's new store is its own; a lead may leave it public (null) or give it to a rep. */
    ownerId: idSchema.nullable().optional(),
    /** The caller has seen the duplicate candidates and creates anyway. */
    confirmDuplicate: z.boolean().optional(),
  })
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), { path: ['lat'], params: { key: 'store.lng_lat_pair' } });
export type CreateStoreInput = z.input<typeof createStoreSchema>;

export interface DuplicateCandidate {
  id: number;
  code: string;
  name: string;
  address: string | null;
  matchedOn: 'phone' | 'name';
  /** Only for stores the actor may see. */
  ownerName: string | null;
  visible: boolean;
}

export type CreateStoreResult = { created: Store } | { duplicates: DuplicateCandidate[] };

export async function findDuplicates(
  tx: Tx,
  scope: Scope,
  name: string,
  phone: string | null | undefined,
  excludeId?: number,
): Promise<DuplicateCandidate[]> {
  const key = nameKey(name);
  const pk = phoneKey(phone);
  const rows = await tx.store.findMany({
    where: {
      status: { not: 'deleted' },
      ...(excludeId ? { id: { not: excludeId } } : {}),
      OR: [{ nameKey: key }, ...(pk ? [{ phoneKey: pk }] : [])],
    },
    select: {
      id: true,
      code: true,
      name: true,
      address: true,
      phoneKey: true,
      ownerId: true,
      regionId: true,
      owner: { select: { name: true, unitId: true } },
    },
    take: 10,
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => {
    const visible = canSeeStore(scope, { ownerId: r.ownerId, regionId: r.regionId, ownerUnitId: r.owner?.unitId ?? null });
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      address: visible ? r.address : null,
      matchedOn: pk && r.phoneKey === pk ? 'phone' : 'name',
      ownerName: visible ? (r.owner?.name ?? null) : null,
      visible,
    };
  });
}

/** Resolves the region from the point, or checks an explicit region; a point outside every region is refused. */
async function resolveRegion(
  tx: Tx,
  v: { lng?: number | undefined; lat?: number | undefined; regionId?: number | undefined },
): Promise<number | null> {
  if (v.lng !== undefined && v.lat !== undefined) {
    const region = await regionAt(tx, v.lng, v.lat);
    if (!region) throw new InvalidInputError('store.outside_regions', { lng: v.lng, lat: v.lat });
    return region.id;
  }
  if (v.regionId !== undefined) {
    const region = await tx.region.findUnique({ where: { id: v.regionId }, select: { id: true } });
    if (!region) throw new NotFoundError('region.not_found', { id: v.regionId });
    return region.id;
  }
  return null;
}

export async function createStore(deps: Deps, actor: Actor, input: CreateStoreInput): Promise<CreateStoreResult> {
  const v = parse(createStoreSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { settings, scope } = await scopeFor(tx, actor);
    let ownerId: number | null;
    if (actor.role === 'rep') {
      if (v.ownerId !== undefined && v.ownerId !== actor.id) throw new ForbiddenError('store.rep_creates_own');
      ownerId = actor.id;
    } else {
      ownerId = v.ownerId ?? null;
    }
    if (!v.confirmDuplicate) {
      const duplicates = await findDuplicates(tx, scope, v.name, v.phone);
      if (duplicates.length) return { duplicates };
    }
    const regionId = await resolveRegion(tx, v);
    if (ownerId !== null) await checkCanReceive(tx, scope, settings, ownerId, 1);
    const code = await nextStoreCode(tx, now, settings.timezone);
    const store = await tx.store.create({
      data: {
        code,
        name: v.name,
        nameKey: nameKey(v.name),
        ...searchKeys(v.name),
        phone: v.phone ?? null,
        phoneKey: phoneKey(v.phone),
        address: v.address ?? null,
        lng: v.lng ?? null,
        lat: v.lat ?? null,
        regionId,
        stage: v.stage ?? 'lead',
        source: v.source ?? 'manual',
        ownerId,
        claimedAt: ownerId !== null ? now : null,
        protectedUntil: ownerId !== null ? addDaysUtc(now, settings.protectionDays) : null,
        createdById: actor.id,
      },
    });
    if (ownerId !== null) {
      await tx.claimHistory.create({
        data: {
          storeId: store.id,
          action: ownerId === actor.id ? 'claim' : 'assign',
          toOwnerId: ownerId,
          actorId: actor.id,
          reason: 'created',
          protectedUntil: store.protectedUntil,
          at: now,
        },
      });
    }
    await audit(tx, { actorId: actor.id, action: 'store.create', entity: 'store', entityId: store.id, after: store, at: now });
    return { created: store };
  });
}

/**
 * Checks that `personId` may receive `count` more stores: an active non-admin, within the actor's
 * reach, and under the cap. Locks the person so that concurrent changes count one after another.
 */
export async function checkCanReceive(tx: Tx, scope: Scope, settings: Settings, personId: number, count: number): Promise<void> {
  const person = await tx.person.findUnique({ where: { id: personId }, select: { id: true, name: true, role: true, unitId: true, active: true } });
  if (!person) throw new NotFoundError('person.not_found', { id: personId });
  if (!person.active) throw new ConflictError('person.inactive_target', { name: person.name });
  if (person.role === 'admin') throw new InvalidInputError('pool.admin_cannot_own');
  if (person.id !== scope.actor.id && !leadsUnit(scope, person.unitId)) throw new ForbiddenError('person.outside_team', { name: person.name });
  await lockPerson(tx, person.id);
  const held = await countTowardCap(tx, person.id);
  if (held + count > settings.poolCap) {
    throw new LimitReachedError(person.id === scope.actor.id ? 'pool.cap_reached' : 'pool.cap_reached_other', {
      name: person.name,
      held,
      cap: settings.poolCap,
    });
  }
}

/** A store with its owner's name and unit: what the visibility and lead checks look at. */
export type StoreWithOwner = Store & { owner: { id: number; name: string; unitId: number | null } | null };

const storeFields = Object.values(Prisma.StoreScalarFieldEnum);

/** Every column of "Store", in the model's order: `RETURNING ${storeColumns}` gives a Store. */
export const storeColumns = Prisma.raw(storeFields.map((f) => `"${f}"`).join(', '));

/** Every column of "Store" s and its owner's name and unit from "Person" o. */
const storeWithOwnerColumns = Prisma.sql`${Prisma.raw(storeFields.map((f) => `s."${f}"`).join(', '))},
  o."name" AS "ownerName", o."unitId" AS "ownerUnitId"`;

function storeWithOwnerOf(row: Record<string, unknown>): StoreWithOwner {
  const store = Object.fromEntries(storeFields.map((f) => [f, row[f]])) as unknown as Store;
  const owner = store.ownerId === null ? null : { id: store.ownerId, name: row.ownerName as string, unitId: row.ownerUnitId as number | null };
  return { ...store, owner };
}

/** A store and its owner, or null. Raw: one statement where Prisma's include takes two. */
export async function readStoreWithOwner(tx: Db | Tx, storeId: number): Promise<StoreWithOwner | null> {
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT ${storeWithOwnerColumns} FROM "Store" s LEFT JOIN "Person" o ON o."id" = s."ownerId" WHERE s."id" = ${storeId}`;
  return rows[0] ? storeWithOwnerOf(rows[0]) : null;
}

function assertVisible(scope: Scope, store: StoreWithOwner | null, storeId: number): asserts store is StoreWithOwner {
  if (!store || !canSeeStore(scope, { ownerId: store.ownerId, regionId: store.regionId, ownerUnitId: store.owner?.unitId ?? null })) {
    throw new NotFoundError('store.not_found', { id: storeId });
  }
}

/** A store the actor may see, or not-found (never "forbidden": that would confirm it exists). */
export async function visibleStore(tx: Db | Tx, scope: Scope, storeId: number): Promise<StoreWithOwner> {
  const store = await readStoreWithOwner(tx, storeId);
  assertVisible(scope, store, storeId);
  return store;
}

/**
 * `scopeFor` and `visibleStore` in one statement (the org stamp is read with the store): how a write
 * on one store starts. `also` adds columns (SQL on "Store" s) a caller needs from the same read; they
 * come back in `row`.
 */
export async function scopeAndVisibleStore(
  tx: Tx,
  actor: Actor,
  storeId: number,
  also?: Prisma.Sql,
): Promise<{ settings: Settings; scope: Scope; store: StoreWithOwner; row: Record<string, unknown> }> {
  assertActive(actor);
  const rows = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT ${stampColumns}, ${storeWithOwnerColumns}${also ? Prisma.sql`, ${also}` : Prisma.empty}
    FROM "Store" s LEFT JOIN "Person" o ON o."id" = s."ownerId" WHERE s."id" = ${storeId}`;
  const row = rows[0];
  if (!row) throw new NotFoundError('store.not_found', { id: storeId });
  const { settings, scope } = await scopeAt(tx, actor, stampOfRow(row));
  const store = storeWithOwnerOf(row);
  assertVisible(scope, store, storeId);
  return { settings, scope, store, row };
}

/** A store the actor may see, with its owner (not-found otherwise): `getStore` without contacts and visits. */
export async function findVisibleStore(deps: Deps, actor: Actor, storeId: number): Promise<StoreWithOwner> {
  const { scope } = await scopeFor(deps.db, actor);
  return visibleStore(deps.db, scope, parse(idSchema, storeId));
}

export async function getStore(deps: Deps, actor: Actor, storeId: number) {
  const { scope } = await scopeFor(deps.db, actor);
  const store = await visibleStore(deps.db, scope, parse(idSchema, storeId));
  const [contacts, visits] = await Promise.all([
    deps.db.contact.findMany({ where: { storeId }, orderBy: [{ isPrimary: 'desc' }, { id: 'asc' }] }),
    deps.db.visit.findMany({
      where: visitsVisibleWhere(scope, store.id),
      orderBy: { at: 'desc' },
      take: 3,
      include: { person: { select: { id: true, name: true } } },
    }),
  ]);
  return { ...store, contacts, latestVisits: visits };
}

/** Who may change a store's facts: its owner, a lead over its owner or region, an admin. */
export function canEditStore(scope: Scope, store: { ownerId: number | null; regionId: number | null; owner: { unitId: number | null } | null }): boolean {
  if (scope.all || store.ownerId === scope.actor.id) return true;
  if (scope.actor.role === 'rep') return false;
  return canSeeStore(scope, { ownerId: store.ownerId, regionId: store.regionId, ownerUnitId: store.owner?.unitId ?? null });
}

export const updateStoreSchema = z
  .object({
    name: storeNameSchema.optional(),
    phone: phoneSchema.nullable().optional(),
    address: addressSchema.nullable().optional(),
    ...locationSchema,
    stage: storeStageSchema.optional(),
  })
  .refine((v) => (v.lng === undefined) === (v.lat === undefined), { path: ['lat'], params: { key: 'store.lng_lat_pair' } });

export async function updateStore(deps: Deps, actor: Actor, storeId: number, patch: z.input<typeof updateStoreSchema>): Promise<Store> {
  const v = parse(updateStoreSchema, patch);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { scope, store: before } = await scopeAndVisibleStore(tx, actor, storeId);
    if (!canEditStore(scope, before)) throw new ForbiddenError('store.cannot_edit');
    const data: Record<string, unknown> = {};
    if (v.name !== undefined) Object.assign(data, { name: v.name, nameKey: nameKey(v.name), ...searchKeys(v.name) });
    if (v.phone !== undefined) Object.assign(data, { phone: v.phone, phoneKey: phoneKey(v.phone) });
    if (v.address !== undefined) data.address = v.address;
    if (v.stage !== undefined) data.stage = v.stage;
    if (v.lng !== undefined && v.lat !== undefined) Object.assign(data, { lng: v.lng, lat: v.lat, regionId: await resolveRegion(tx, v) });
    const { owner: _owner, ...plainBefore } = before;
    const after = await tx.store.update({ where: { id: storeId }, data });
    await audit(tx, { actorId: actor.id, action: 'store.update', entity: 'store', entityId: storeId, before: plainBefore, after, at: now });
    return after;
  });
}

/**
 * Only active stores are in a pool: disabling, invalidating or deleting a private store takes it out
 * of its owner's pool (recorded in its history); reactivating puts it in the public pool.
 */
export async function setStoreStatus(deps: Deps, actor: Actor, storeId: number, status: string, reason: string) {
  const s = parse(storeStatusSchema, status);
  const why = parse(reasonSchema, reason);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const { scope, store: before } = await scopeAndVisibleStore(tx, actor, storeId);
    if (actor.role === 'rep') throw new ForbiddenError('store.status_needs_lead');
    if (!canEditStore(scope, before)) throw new ForbiddenError('store.cannot_edit');
    if (before.status === s) return before;
    const leavesPool = s !== 'active' && before.ownerId !== null;
    const changed = await tx.store.updateMany({
      where: { id: storeId, status: before.status, ownerId: before.ownerId },
      data: { status: s, ...(leavesPool ? { ownerId: null, claimedAt: null, protectedUntil: null, isCustomer: false, customerSince: null } : {}) },
    });
    if (changed.count === 0) throw new ConflictError('pool.changed_meanwhile', { code: before.code });
    const after = await tx.store.findUniqueOrThrow({ where: { id: storeId } });
    await tx.claimHistory.create({
      data: { storeId, action: 'status', fromOwnerId: before.ownerId, actorId: actor.id, reason: `${before.status}→${s}: ${why}`, at: now },
    });
    if (leavesPool) {
      await tx.followUp.updateMany({ where: { storeId, status: 'open' }, data: { status: 'cancelled' } });
    }
    const { owner: _owner, ...plainBefore } = before;
    await audit(tx, { actorId: actor.id, action: 'store.status', entity: 'store', entityId: storeId, before: plainBefore, after, at: now });
    return after;
  });
}
