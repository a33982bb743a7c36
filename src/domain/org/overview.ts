import { inTransaction } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from './roles.ts';
import { ancestors, loadTree, subtree } from './tree.ts';
import { canEditUnit, canPlaceUnit, leadProblem, orgAccess } from './units.ts';

// The org tree as the console shows it: every unit the actor may see, with what it holds and the
// choices each of its forms offers (only the parents and leads the domain would accept).

export interface Choice {
  id: number;
  label: string;
}

export interface UnitView {
  id: number;
  key: string;
  name: string;
  parentId: number | null;
  depth: number;
  lead: { id: number; name: string } | null;
  people: number;
  regions: number;
  childIds: number[];
  /** A manager's own unit: renamed, never moved, deleted or given another lead by the manager. */
  canPlace: boolean;
  parentChoices: Choice[];
  leadChoices: Choice[];
}

export interface OrgOverview {
  /** Depth-first, parents before children, siblings by name. */
  units: UnitView[];
  rootIds: number[];
  /** Parents a new unit may go under; `mayCreateRoot` for the top level. */
  createParents: Choice[];
  mayCreateRoot: boolean;
}

export async function orgOverview(deps: Deps, actor: Actor): Promise<OrgOverview> {
  return inTransaction(deps.db, async (tx) => {
    const access = await orgAccess(tx, actor);
    const [units, peopleCounts, regionCounts, leadPeople] = await Promise.all([
      tx.orgUnit.findMany({ select: { id: true, key: true, name: true, parentId: true, leadId: true, lead: { select: { id: true, name: true } } } }),
      tx.person.groupBy({ by: ['unitId'], _count: { _all: true } }),
      tx.region.groupBy({ by: ['unitId'], _count: { _all: true } }),
      tx.person.findMany({ where: { active: true, role: { in: ['supervisor', 'manager', 'admin'] } }, select: { id: true, name: true, role: true, unitId: true, active: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    ]);
    const byId = new Map(units.map((u) => [u.id, u]));
    const people = new Map(peopleCounts.map((c) => [c.unitId, c._count._all]));
    const regions = new Map(regionCounts.map((c) => [c.unitId, c._count._all]));
    const pathOf = (id: number) => [...ancestors(access.tree, id)].reverse().concat(id).map((x) => byId.get(x)?.name ?? '?').join(' › ');
    const byName = (a: number, b: number) => (byId.get(a)!.name.localeCompare(byId.get(b)!.name) || a - b);

    // A manager sees its own subtree, rooted at its unit.
    const visible = access.all ? units.map((u) => u.id) : [...access.mine];
    const rootIds = (access.all ? visible.filter((id) => byId.get(id)!.parentId === null) : access.top !== null && byId.has(access.top) ? [access.top] : []).sort(byName);
    const ordered: { id: number; depth: number }[] = [];
    const walk = (id: number, depth: number) => {
      ordered.push({ id, depth });
      for (const c of [...(access.tree.childrenOf.get(id) ?? [])].sort(byName)) walk(c, depth + 1);
    };
    for (const r of rootIds) walk(r, 0);
    const editable = ordered.map((o) => o.id).filter((id) => canEditUnit(access, id));
    const choice = (id: number): Choice => ({ id, label: pathOf(id) });

    const view = ({ id, depth }: { id: number; depth: number }): UnitView => {
      const u = byId.get(id)!;
      const canPlace = canPlaceUnit(access, id);
      const below = new Set(subtree(access.tree, id));
      return {
        id,
        key: u.key,
        name: u.name,
        parentId: u.parentId,
        depth,
        lead: u.lead,
        people: people.get(id) ?? 0,
        regions: regions.get(id) ?? 0,
        childIds: [...(access.tree.childrenOf.get(id) ?? [])].sort(byName),
        canPlace,
        parentChoices: canPlace ? editable.filter((p) => !below.has(p)).map(choice) : [],
        leadChoices: canPlace
          ? leadPeople.filter((p) => canEditUnit(access, p.unitId) && !leadProblem(access.tree, id, p)).map((p) => ({ id: p.id, label: `${p.name} (${p.role})` }))
          : [],
      };
    };
    return { units: ordered.map(view), rootIds, createParents: editable.map(choice), mayCreateRoot: access.all };
  });
}

/** The units the actor may put people in, as "Hangzhou › West Lake area", depth-first. */
export async function unitChoices(deps: Deps, actor: Actor): Promise<Choice[]> {
  return (await orgOverview(deps, actor)).createParents;
}

/** The console's landing page: how much the actor is responsible for. */
export interface ScopeCounts {
  /** An admin: the whole company; anyone else: their unit and everything below it. */
  all: boolean;
  /** The actor's own unit, if any. */
  unitName: string | null;
  units: number;
  /** Active people. */
  people: number;
  regions: number;
  /** Stores not deleted, in a region of the scope or owned by someone in it. */
  stores: number;
  /** Active stores in the public pool, of those. */
  publicStores: number;
  /** Approval requests waiting, by requesters in the scope. */
  pendingApprovals: number;
}

export async function scopeCounts(deps: Deps, actor: Actor): Promise<ScopeCounts> {
  const db = deps.db;
  const all = actor.role === 'admin';
  const units = all ? null : actor.unitId === null ? [] : subtree(await loadTree(db), actor.unitId);
  const inUnits = units === null ? {} : { unitId: { in: units } };
  const storeScope = units === null ? {} : { OR: [{ region: { unitId: { in: units } } }, { owner: { unitId: { in: units } } }] };
  const [unit, unitCount, people, regions, stores, publicStores, pendingApprovals] = await Promise.all([
    actor.unitId === null ? null : db.orgUnit.findUnique({ where: { id: actor.unitId }, select: { name: true } }),
    db.orgUnit.count({ where: units === null ? {} : { id: { in: units } } }),
    db.person.count({ where: { active: true, ...inUnits } }),
    db.region.count({ where: inUnits }),
    db.store.count({ where: { status: { not: 'deleted' }, ...storeScope } }),
    db.store.count({ where: { status: 'active', ownerId: null, ...storeScope } }),
    db.approvalRequest.count({ where: { status: 'pending', ...(units === null ? {} : { requester: { unitId: { in: units } } }) } }),
  ]);
  return { all, unitName: unit?.name ?? null, units: unitCount, people, regions, stores, publicStores, pendingApprovals };
}
