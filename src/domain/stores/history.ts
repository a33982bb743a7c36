import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { scopeFor, type Scope } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { idSchema } from './fields.ts';
import { visibleStore } from './stores.ts';
import { visitsVisibleWhere } from '../visits/visibility.ts';

// A store's history as a person may read it: the claim history (who, what, when, by whom, why) and
// the visits. Scoped like everything else (PRODUCT.md "Roles and what they see"): only stores the
// actor may see; a rep reads its own visits and those of leads, a lead those of its subtree, an admin
// all; a rep's name shows only to those who may see that rep's stores ("someone else" otherwise).

export const historySchema = z.object({
  storeId: idSchema,
  take: z.number().int().min(1).max(100).default(20),
});

export interface HistoryEntry {
  at: Date;
  action: string;
  /** null: the person is hidden from the reader, or nobody (public). */
  from: string | null;
  to: string | null;
  /** null with `bySystem`: a job (the auto-return sweep). */
  by: string | null;
  bySystem: boolean;
  reason: string | null;
  protectedUntil: Date | null;
  /** The ids were set but the reader may not see who. */
  fromHidden: boolean;
  toHidden: boolean;
  byHidden: boolean;
}

export interface HistoryVisit {
  at: Date;
  who: string;
  method: string;
  summary: string;
  outcome: string | null;
}

export interface StoreHistory {
  store: { id: number; code: string; name: string };
  entries: HistoryEntry[];
  moreEntries: boolean;
  visits: HistoryVisit[];
  moreVisits: boolean;
}

interface PersonRow {
  id: number;
  name: string;
  role: string;
  unitId: number | null;
}

function canSeePerson(scope: Scope, p: PersonRow): boolean {
  if (scope.all || p.id === scope.actor.id || p.role !== 'rep') return true;
  return p.unitId !== null && scope.memberUnitIds.includes(p.unitId);
}

export async function storeHistory(deps: Deps, actor: Actor, input: z.input<typeof historySchema>): Promise<StoreHistory> {
  const v = parse(historySchema, input);
  const { scope } = await scopeFor(deps.db, actor);
  const store = await visibleStore(deps.db, scope, v.storeId);
  const [rows, visits] = await Promise.all([
    deps.db.claimHistory.findMany({ where: { storeId: store.id }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: v.take + 1 }),
    deps.db.visit.findMany({
      where: visitsVisibleWhere(scope, store.id),
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: v.take + 1,
      select: { at: true, method: true, summary: true, outcome: true, person: { select: { name: true } } },
    }),
  ]);
  const ids = [...new Set(rows.flatMap((r) => [r.fromOwnerId, r.toOwnerId, r.actorId]).filter((x): x is number => x !== null))];
  const people = new Map(
    (await deps.db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, role: true, unitId: true } })).map((p) => [p.id, p]),
  );
  const name = (id: number | null): { name: string | null; hidden: boolean } => {
    if (id === null) return { name: null, hidden: false };
    const p = people.get(id);
    return p && canSeePerson(scope, p) ? { name: p.name, hidden: false } : { name: null, hidden: true };
  };
  const entries = rows.slice(0, v.take).map((r) => {
    const from = name(r.fromOwnerId);
    const to = name(r.toOwnerId);
    const by = name(r.actorId);
    return {
      at: r.at,
      action: r.action,
      from: from.name,
      to: to.name,
      by: by.name,
      bySystem: r.actorId === null,
      reason: r.reason,
      protectedUntil: r.protectedUntil,
      fromHidden: from.hidden,
      toHidden: to.hidden,
      byHidden: by.hidden,
    };
  });
  return {
    store: { id: store.id, code: store.code, name: store.name },
    entries,
    moreEntries: rows.length > v.take,
    visits: visits.slice(0, v.take).map((x) => ({ at: x.at, who: x.person.name, method: x.method, summary: x.summary, outcome: x.outcome })),
    moreVisits: visits.length > v.take,
  };
}
