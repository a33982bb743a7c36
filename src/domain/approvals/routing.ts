import type { Db, Tx } from '../../db/client.ts';
import { orgSnapshot } from '../org/snapshot.ts';
import { ancestors } from '../org/tree.ts';

// Who decides a step: the lead of a unit and the unit's supervisors and managers (PRODUCT.md: "step 1
// is the team's supervisor"). A unit with nobody who may decide (no lead, only the requester) is
// skipped upwards; above the top unit, the admins decide. The requester is never among them.

export interface Route {
  /** The unit whose people decide; null when it fell through to the admins. */
  unitId: number | null;
  personIds: number[];
}

async function deciders(db: Db | Tx, unitId: number, excludeIds: number[]): Promise<number[]> {
  const unit = await db.orgUnit.findUnique({ where: { id: unitId }, select: { leadId: true } });
  const members = await db.person.findMany({
    where: { active: true, unitId, role: { in: ['supervisor', 'manager'] } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  const ids: number[] = [];
  if (unit?.leadId) {
    const lead = await db.person.findUnique({ where: { id: unit.leadId }, select: { active: true } });
    if (lead?.active) ids.push(unit.leadId);
  }
  for (const m of members) if (!ids.includes(m.id)) ids.push(m.id);
  return ids.filter((id) => !excludeIds.includes(id));
}

async function admins(db: Db | Tx, excludeIds: number[]): Promise<number[]> {
  const rows = await db.person.findMany({ where: { active: true, role: 'admin' }, select: { id: true }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.id).filter((id) => !excludeIds.includes(id));
}

/**
 * The first unit, from `unitId` upwards, with someone to decide; then the admins. `unitId` null (a
 * person in no unit, or a step already at the top) goes to the admins. Null when nobody can decide.
 */
export async function routeFrom(db: Db | Tx, unitId: number | null, excludeIds: number[]): Promise<Route | null> {
  if (unitId !== null) {
    const { tree } = await orgSnapshot(db);
    for (const u of [unitId, ...ancestors(tree, unitId)]) {
      const personIds = await deciders(db, u, excludeIds);
      if (personIds.length) return { unitId: u, personIds };
    }
  }
  const top = await admins(db, excludeIds);
  return top.length ? { unitId: null, personIds: top } : null;
}

/** The route of the level above a step's unit; null at the top (the admins have no one above them). */
export async function routeAbove(db: Db | Tx, unitId: number | null, excludeIds: number[]): Promise<Route | null> {
  if (unitId === null) return null;
  const { tree } = await orgSnapshot(db);
  const parent = tree.parentOf.get(unitId) ?? null;
  return routeFrom(db, parent, excludeIds);
}

/**
 * `routeAbove` for many steps at once (the escalation scan): the org tree, every unit's lead and the
 * supervisors, managers and admins are read once (four statements), then every answer is worked out in
 * memory with `deciders`' rules.
 */
export async function routerAbove(db: Db | Tx): Promise<(unitId: number | null, excludeIds: number[]) => Route | null> {
  const { tree } = await orgSnapshot(db);
  const units = await db.orgUnit.findMany({ select: { id: true, leadId: true } });
  const active = new Set((await db.person.findMany({ where: { active: true, id: { in: units.map((u) => u.leadId).filter((id): id is number => id !== null) } }, select: { id: true } })).map((p) => p.id));
  const members = await db.person.findMany({ where: { active: true, role: { in: ['supervisor', 'manager'] } }, select: { id: true, unitId: true }, orderBy: { id: 'asc' } });
  const top = await admins(db, []);
  const byUnit = new Map<number, number[]>();
  for (const u of units) byUnit.set(u.id, u.leadId !== null && active.has(u.leadId) ? [u.leadId] : []);
  for (const m of members) {
    const ids = m.unitId === null ? undefined : byUnit.get(m.unitId);
    if (ids && !ids.includes(m.id)) ids.push(m.id);
  }
  return (unitId, excludeIds) => {
    if (unitId === null) return null;
    const parent = tree.parentOf.get(unitId) ?? null;
    const keep = (ids: number[]) => ids.filter((id) => !excludeIds.includes(id));
    if (parent !== null) {
      for (const u of [parent, ...ancestors(tree, parent)]) {
        const personIds = keep(byUnit.get(u) ?? []);
        if (personIds.length) return { unitId: u, personIds };
      }
    }
    const personIds = keep(top);
    return personIds.length ? { unitId: null, personIds } : null;
  };
}
