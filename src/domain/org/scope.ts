import type { Db, Tx, Prisma } from '../../db/client.ts';
import type { Settings } from '../settings/settings.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from './roles.ts';
import { orgSnapshot, type OrgSnapshot } from './snapshot.ts';
import { ancestors, rootOf, subtree, type OrgTree } from './tree.ts';

/**
 * What an actor may see, from PRODUCT.md "Roles and what they see":
 * - rep: its own stores, and the public stores of the regions of its team;
 * - supervisor / manager: the stores of everyone in its subtree, the public stores of its regions,
 *   and every store in a region its subtree owns;
 * - admin: everything.
 * "Regions of a team" are those owned by the unit, its sub-units and the units above it (an area's
 * region is worked by the area's teams); with claimScope "citywide", every region of its tree.
 */
export interface Scope {
  actor: Actor;
  tree: OrgTree;
  all: boolean;
  memberUnitIds: number[];
  /** People of the lead's subtree (the owners whose stores it sees). */
  memberIds: number[];
  poolRegionIds: number[];
  ownedRegionIds: number[];
}

export async function loadScope(db: Db | Tx, actor: Actor, settings: Settings): Promise<Scope> {
  return scopeFromSnapshot(db, actor, { ...(await orgSnapshot(db)), settings });
}

/** The settings and the actor's scope, from one cached snapshot: what most domain calls start with. */
export async function scopeFor(db: Db | Tx, actor: Actor): Promise<{ settings: Settings; scope: Scope }> {
  const snapshot = await orgSnapshot(db);
  return { settings: snapshot.settings, scope: await scopeFromSnapshot(db, actor, snapshot) };
}

async function scopeFromSnapshot(db: Db | Tx, actor: Actor, snapshot: OrgSnapshot): Promise<Scope> {
  if (!actor.active) throw new ForbiddenError('person.inactive');
  const { tree, settings } = snapshot;
  const none = { actor, tree, all: false, memberUnitIds: [], memberIds: [], poolRegionIds: [], ownedRegionIds: [] };
  if (actor.role === 'admin') return { ...none, all: true };
  const unitId = actor.unitId;
  if (unitId === null) return none;
  const down = subtree(tree, unitId);
  const poolUnits = new Set(settings.claimScope === 'citywide' ? subtree(tree, rootOf(tree, unitId)) : [...down, ...ancestors(tree, unitId)]);
  const regions = snapshot.regionUnits.filter((r) => poolUnits.has(r.unitId));
  const lead = actor.role !== 'rep';
  // Stores of the team are found by owner id: an index lookup, where a join on the owner's unit is a scan.
  const memberIds = lead
    ? (await db.person.findMany({ where: { unitId: { in: down } }, select: { id: true } })).map((p) => p.id)
    : [];
  return {
    ...none,
    memberUnitIds: lead ? down : [],
    memberIds,
    poolRegionIds: regions.map((r) => r.id),
    ownedRegionIds: lead ? regions.filter((r) => down.includes(r.unitId)).map((r) => r.id) : [],
  };
}

export function storeWhere(scope: Scope): Prisma.StoreWhereInput {
  if (scope.all) return {};
  const or: Prisma.StoreWhereInput[] = [{ ownerId: scope.actor.id }];
  if (scope.poolRegionIds.length) or.push({ ownerId: null, regionId: { in: scope.poolRegionIds } });
  if (scope.memberIds.length) or.push({ ownerId: { in: scope.memberIds } });
  if (scope.ownedRegionIds.length) or.push({ regionId: { in: scope.ownedRegionIds } });
  return { OR: or };
}

export interface StoreVisibility {
  ownerId: number | null;
  regionId: number | null;
  ownerUnitId: number | null;
}

export function canSeeStore(scope: Scope, s: StoreVisibility): boolean {
  if (scope.all || s.ownerId === scope.actor.id) return true;
  if (s.ownerId === null && s.regionId !== null && scope.poolRegionIds.includes(s.regionId)) return true;
  if (s.ownerId !== null && s.ownerUnitId !== null && scope.memberUnitIds.includes(s.ownerUnitId)) return true;
  return s.regionId !== null && scope.ownedRegionIds.includes(s.regionId);
}

/** May the actor manage (transfer, extend, assign to) people of this unit? */
export function leadsUnit(scope: Scope, unitId: number | null): boolean {
  if (scope.all) return true;
  return unitId !== null && scope.memberUnitIds.includes(unitId);
}
