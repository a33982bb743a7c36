import { z } from 'zod';
import { inTransaction, isUniqueViolation, type Tx } from '../../db/client.ts';
import type { OrgUnit } from '../../generated/sqlite/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type MessageParams } from '../errors.ts';
import { idSchema } from '../stores/fields.ts';
import { parse, plainText } from '../validation.ts';
import type { Actor } from './roles.ts';
import { assertActive } from './scope.ts';
import { ancestors, loadTree, subtree, type OrgTree } from './tree.ts';

export type { OrgUnit };

// Changes to the org tree from the console. An admin edits anywhere; a manager edits only below its
// own unit: it may rename its own unit, but its position (parent, lead, existence) is decided above it.

export const unitKeySchema = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'org.key_format');
export const unitNameSchema = plainText(z.string().trim().min(1).max(80));

export const createUnitSchema = z.object({ key: unitKeySchema, name: unitNameSchema, parentId: idSchema.nullable() });
export const renameUnitSchema = z.object({ unitId: idSchema, name: unitNameSchema });
export const moveUnitSchema = z.object({ unitId: idSchema, parentId: idSchema.nullable() });
export const setLeadSchema = z.object({ unitId: idSchema, leadId: idSchema.nullable() });

export const leadRoles = ['supervisor', 'manager', 'admin'] as const;

/** What the actor may touch: everything (admin) or the subtree of its unit (`top`). */
export interface OrgAccess {
  tree: OrgTree;
  all: boolean;
  top: number | null;
  mine: Set<number>;
}

/** Read in the transaction of the change: a move's cycle check must see the tree as it is now. */
export async function orgAccess(tx: Tx, actor: Actor): Promise<OrgAccess> {
  assertActive(actor);
  if (actor.role !== 'admin' && actor.role !== 'manager') throw new ForbiddenError('org.needs_manager');
  const tree = await loadTree(tx);
  if (actor.role === 'admin') return { tree, all: true, top: null, mine: new Set() };
  const top = actor.unitId;
  return { tree, all: false, top, mine: new Set(top === null ? [] : subtree(tree, top)) };
}

export const canEditUnit = (a: OrgAccess, unitId: number | null): boolean => a.all || (unitId !== null && a.mine.has(unitId));

/** May the actor change the unit's place in the tree (move, delete, lead)? Not a manager's own unit. */
export const canPlaceUnit = (a: OrgAccess, unitId: number): boolean => canEditUnit(a, unitId) && unitId !== a.top;

async function unitFor(tx: Tx, access: OrgAccess, unitId: number): Promise<OrgUnit> {
  const unit = await tx.orgUnit.findUnique({ where: { id: unitId } });
  // A unit outside the actor's subtree reads as not found, so that ids cannot be probed for names.
  if (!unit || !canEditUnit(access, unit.id)) throw new NotFoundError('org.unit_not_found', { id: unitId });
  return unit;
}

function assertMayPlace(access: OrgAccess, unit: OrgUnit): void {
  if (!canPlaceUnit(access, unit.id)) throw new ForbiddenError('org.own_unit', { name: unit.name });
}

/** The new parent of a created or moved unit: a root only for an admin, else a unit the actor edits. */
async function parentFor(tx: Tx, access: OrgAccess, parentId: number | null): Promise<OrgUnit | null> {
  if (parentId === null) {
    if (!access.all) throw new ForbiddenError('org.root_needs_admin');
    return null;
  }
  return unitFor(tx, access, parentId);
}

const fieldError = (path: string, key: string, params: MessageParams = {}) =>
  new InvalidInputError('validation.failed', { field: path, count: 1 }, [{ path, key, params }]);

async function keyTaken(tx: Tx, key: string): Promise<InvalidInputError> {
  const other = await tx.orgUnit.findUnique({ where: { key }, select: { name: true } });
  return fieldError('key', 'org.key_taken', { name: other?.name ?? key });
}

export async function createUnit(deps: Deps, actor: Actor, input: z.input<typeof createUnitSchema>): Promise<OrgUnit> {
  const v = parse(createUnitSchema, input);
  const now = deps.clock.now();
  try {
    return await inTransaction(deps.db, async (tx) => {
      const access = await orgAccess(tx, actor);
      await parentFor(tx, access, v.parentId);
      if (await tx.orgUnit.findUnique({ where: { key: v.key }, select: { id: true } })) throw await keyTaken(tx, v.key);
      const unit = await tx.orgUnit.create({ data: { key: v.key, name: v.name, parentId: v.parentId } });
      await audit(tx, { actorId: actor.id, action: 'unit.create', entity: 'unit', entityId: unit.id, after: { key: unit.key, name: unit.name, parentId: unit.parentId }, at: now });
      return unit;
    });
  } catch (e) {
    // Two admins creating the same key at once: the second is told as if it had checked first.
    if (isUniqueViolation(e)) throw fieldError('key', 'org.key_taken', { name: v.key });
    throw e;
  }
}

export async function renameUnit(deps: Deps, actor: Actor, input: z.input<typeof renameUnitSchema>): Promise<OrgUnit> {
  const v = parse(renameUnitSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const access = await orgAccess(tx, actor);
    const unit = await unitFor(tx, access, v.unitId);
    if (unit.name === v.name) return unit;
    const after = await tx.orgUnit.update({ where: { id: unit.id }, data: { name: v.name } });
    await audit(tx, { actorId: actor.id, action: 'unit.rename', entity: 'unit', entityId: unit.id, before: { name: unit.name }, after: { name: v.name }, at: now });
    return after;
  });
}

export async function moveUnit(deps: Deps, actor: Actor, input: z.input<typeof moveUnitSchema>): Promise<OrgUnit> {
  const v = parse(moveUnitSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const access = await orgAccess(tx, actor);
    const unit = await unitFor(tx, access, v.unitId);
    assertMayPlace(access, unit);
    const parent = await parentFor(tx, access, v.parentId);
    if (parent && subtree(access.tree, unit.id).includes(parent.id)) {
      throw new ConflictError('org.move_cycle', { name: unit.name, parent: parent.name });
    }
    if (unit.parentId === v.parentId) return unit;
    const after = await tx.orgUnit.update({ where: { id: unit.id }, data: { parentId: v.parentId } });
    await audit(tx, { actorId: actor.id, action: 'unit.move', entity: 'unit', entityId: unit.id, before: { parentId: unit.parentId }, after: { parentId: v.parentId }, at: now });
    return after;
  });
}

/** What keeps a unit from being deleted. */
export async function unitContents(tx: Tx, unitId: number): Promise<{ people: number; regions: number; units: number }> {
  const [people, regions, units] = await Promise.all([
    tx.person.count({ where: { unitId } }),
    tx.region.count({ where: { unitId } }),
    tx.orgUnit.count({ where: { parentId: unitId } }),
  ]);
  return { people, regions, units };
}

/** Only an empty unit goes: people (deactivated ones too, their history points at it), regions and sub-units move first. */
export async function deleteUnit(deps: Deps, actor: Actor, unitId: number): Promise<void> {
  const id = parse(idSchema, unitId);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    const access = await orgAccess(tx, actor);
    const unit = await unitFor(tx, access, id);
    assertMayPlace(access, unit);
    const inside = await unitContents(tx, unit.id);
    if (inside.people || inside.regions || inside.units) throw new ConflictError('org.unit_not_empty', { name: unit.name, ...inside });
    await tx.orgUnit.delete({ where: { id: unit.id } });
    await audit(tx, { actorId: actor.id, action: 'unit.delete', entity: 'unit', entityId: unit.id, before: { key: unit.key, name: unit.name, parentId: unit.parentId, leadId: unit.leadId }, at: now });
  });
}

/** Who may lead a unit: an active supervisor, manager or admin of the unit or a unit above it (an admin without a unit leads anywhere). */
export function leadProblem(tree: OrgTree, unitId: number, p: { name: string; role: string; unitId: number | null; active: boolean }): { key: string; params: MessageParams } | null {
  if (!p.active) return { key: 'org.lead_inactive', params: { name: p.name } };
  if (!(leadRoles as readonly string[]).includes(p.role)) return { key: 'org.lead_role', params: { name: p.name, role: p.role } };
  const line = [unitId, ...ancestors(tree, unitId)];
  const placed = p.unitId === null ? p.role === 'admin' : line.includes(p.unitId);
  return placed ? null : { key: 'org.lead_not_in_unit', params: { name: p.name } };
}

export async function setUnitLead(deps: Deps, actor: Actor, input: z.input<typeof setLeadSchema>): Promise<OrgUnit> {
  const v = parse(setLeadSchema, input);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const access = await orgAccess(tx, actor);
    const unit = await unitFor(tx, access, v.unitId);
    assertMayPlace(access, unit);
    if (v.leadId !== null) {
      const person = await tx.person.findUnique({ where: { id: v.leadId }, select: { name: true, role: true, unitId: true, active: true } });
      if (!person || !canEditUnit(access, person.unitId)) throw new NotFoundError('person.not_found', { id: v.leadId });
      const problem = leadProblem(access.tree, unit.id, person);
      if (problem) throw fieldError('leadId', problem.key, problem.params);
    }
    if (unit.leadId === v.leadId) return unit;
    const after = await tx.orgUnit.update({ where: { id: unit.id }, data: { leadId: v.leadId } });
    await audit(tx, { actorId: actor.id, action: 'unit.lead', entity: 'unit', entityId: unit.id, before: { leadId: unit.leadId }, after: { leadId: v.leadId }, at: now });
    return after;
  });
}
