import { Prisma, type Db, type Tx } from '../../db/client.ts';
import type { Settings } from '../settings/settings.ts';
import { ForbiddenError } from '../errors.ts';
import type { Actor } from './roles.ts';
import { orgSnapshot, orgSnapshotAt, type OrgSnapshot } from './snapshot.ts';
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

/**
 * `scopeFor` for a stamp read alongside another row (`stampColumns`): the same answer, one statement
 * fewer. A caller that reads before it knows the scope calls `assertActive` first, as scopeFor would.
 */
export async function scopeAt(db: Db | Tx, actor: Actor, stamp: string): Promise<{ settings: Settings; scope: Scope }> {
  const snapshot = await orgSnapshotAt(db, stamp);
  return { settings: snapshot.settings, scope: await scopeFromSnapshot(db, actor, snapshot) };
}

/** An inactive person may do nothing: the first check of every scope. */
export function assertActive(actor: Actor): void {
  if (!actor.active) throw new ForbiddenError('person.inactive');
}

async function scopeFromSnapshot(db: Db | Tx, actor: Actor, snapshot: OrgSnapshot): Promise<Scope> {
  assertActive(actor);
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
  const memberIds = lead ? await peopleOfUnits(db, down) : [];
  return {
    ...none,
    memberUnitIds: lead ? down : [],
    memberIds,
    poolRegionIds: regions.map((r) => r.id),
    ownedRegionIds: lead ? regions.filter((r) => down.includes(r.unitId)).map((r) => r.id) : [],
  };
}

/** Raw: every lead's call starts with it, and a raw statement costs half of a Prisma query. */
async function peopleOfUnits(db: Db | Tx, unitIds: number[]): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number | bigint }[]>`SELECT "id" FROM "Person" WHERE "unitId" IN (${Prisma.join(unitIds)})`;
  return rows.map((r) => Number(r.id));
}

/** The stores the actor may see, as a Prisma filter (`storeVisibleSql` is the same rules in SQL: change both). */
export function storeWhere(scope: Scope): Prisma.StoreWhereInput {
  if (scope.all) return {};
  const or: Prisma.StoreWhereInput[] = [{ ownerId: scope.actor.id }];
  if (scope.poolRegionIds.length) or.push({ ownerId: null, regionId: { in: scope.poolRegionIds } });
  if (scope.memberIds.length) or.push({ ownerId: { in: scope.memberIds } });
  if (scope.ownedRegionIds.length) or.push({ regionId: { in: scope.ownedRegionIds } });
  return { OR: or };
}

/**
 * The stores the actor may find, as SQL on the "Store" table under `alias`, for the raw search
 * queries: `storeWhere`'s rules and not deleted, or with `claimable` the public active stores of the
 * actor's pool regions. Unless `viaOwnerAndRegion`, the owner and region columns are wrapped in
 * `+ 0`, which keeps the planner from answering the OR of rules through the owner and region indexes
 * (thousands of row reads for a manager: 20–100 ms on the bench data set): the query is then driven
 * by its other condition (a name range, a scan of the name index) and the rules are checked on the
 * rows it finds.
 */
export function storeVisibleSql(scope: Scope, alias: string, opts: { claimable?: boolean; viaOwnerAndRegion?: boolean } = {}): Prisma.Sql {
  const col = (name: string) => Prisma.raw(`${alias}."${name}"`);
  const ruleColumn = (name: string) => (opts.viaOwnerAndRegion ? col(name) : Prisma.sql`(${col(name)} + 0)`);
  const [owner, region] = [ruleColumn('ownerId'), ruleColumn('regionId')];
  const inList = (column: Prisma.Sql, ids: number[]) => Prisma.sql`${column} IN (${Prisma.join(ids)})`;
  if (opts.claimable) {
    return scope.poolRegionIds.length ? Prisma.sql`${owner} IS NULL AND ${col('status')} = 'active' AND ${inList(region, scope.poolRegionIds)}` : Prisma.sql`1 = 0`;
  }
  const notDeleted = Prisma.sql`${col('status')} <> 'deleted'`;
  if (scope.all) return notDeleted;
  // Only the rules that can match: a constant term in the OR would stop SQLite from using the indexes.
  const or = [Prisma.sql`${owner} = ${scope.actor.id}`];
  if (scope.poolRegionIds.length) or.push(Prisma.sql`(${owner} IS NULL AND ${inList(region, scope.poolRegionIds)})`);
  if (scope.memberIds.length) or.push(inList(owner, scope.memberIds));
  if (scope.ownedRegionIds.length) or.push(inList(region, scope.ownedRegionIds));
  return Prisma.sql`${notDeleted} AND (${Prisma.join(or, ' OR ')})`;
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
