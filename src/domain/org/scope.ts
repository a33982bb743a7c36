import type { Db, Tx, Prisma } from '../../db/client.ts';
import type { Settings } from '../settings/settings.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from './roles.ts';
import { ancestors, loadTree, rootOf, subtree, type OrgTree } from './tree.ts';

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
  poolRegionIds: number[];
  ownedRegionIds: number[];
}

export async function loadScope(db: Db | Tx, actor: Actor, settings: Settings): Promise<Scope> {
  if (!actor.active) throw new ForbiddenError('person.inactive');
  const tree = await loadTree(db);
  if (actor.role === 'admin') {
    return { actor, tree, all: true, memberUnitIds: [], poolRegionIds: [], ownedRegionIds: [] };
  }
  const unitId = actor.unitId;
  if (unitId === null) {
    return { actor, tree, all: false, memberUnitIds: [], poolRegionIds: [], ownedRegionIds: [] };
  }
  const down = subtree(tree, unitId);
  const poolUnits = settings.claimScope === 'citywide' ? subtree(tree, rootOf(tree, unitId)) : [...down, ...ancestors(tree, unitId)];
  const regions = await db.region.findMany({ where: { unitId: { in: poolUnits } }, select: { id: true, unitId: true } });
  const lead = actor.role !== 'rep';
  return {
    actor,
    tree,
    all: false,
    memberUnitIds: lead ? down : [],
    poolRegionIds: regions.map((r) => r.id),
    ownedRegionIds: lead ? regions.filter((r) => down.includes(r.unitId)).map((r) => r.id) : [],
  };
}

export function storeWhere(scope: Scope): Prisma.StoreWhereInput {
  if (scope.all) return {};
  const or: Prisma.StoreWhereInput[] = [{ ownerId: scope.actor.id }];
  if (scope.poolRegionIds.length) or.push({ ownerId: null, regionId: { in: scope.poolRegionIds } });
  if (scope.memberUnitIds.length) or.push({ owner: { unitId: { in: scope.memberUnitIds } } });
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
