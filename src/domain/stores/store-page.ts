import type { Deps } from '../deps.ts';
import type { Actor } from '../org/roles.ts';
import { leadsUnit, scopeFor } from '../org/scope.ts';
import { parse } from '../validation.ts';
import { idSchema } from './fields.ts';
import { storeHistory, type StoreHistory } from './history.ts';
import { canEditStore, getStore } from './stores.ts';

// Everything the console's store page shows, for a store the actor may see: the store, its region and
// owner, contacts, claim history and visits (history.ts decides whose names show), and the
// opportunities the actor may read (its own, its subtree's; an admin's: all).

export interface StorePage {
  store: Awaited<ReturnType<typeof getStore>>;
  region: { id: number; key: string; name: string } | null;
  owner: { id: number; name: string; slackId: string | null; email: string | null; unitId: number | null } | null;
  history: StoreHistory;
  opportunities: { id: number; name: string; stage: string; amount: number; expectedCloseAt: Date; owner: string }[];
  /** The actor may transfer the store (a private store of someone the actor leads). */
  canTransfer: boolean;
}

export async function storePage(deps: Deps, actor: Actor, storeId: number): Promise<StorePage> {
  const id = parse(idSchema, storeId);
  const store = await getStore(deps, actor, id); // not-found unless visible
  const { scope } = await scopeFor(deps.db, actor);
  const [history, region, owner, opportunities] = await Promise.all([
    storeHistory(deps, actor, { storeId: id, take: 50 }),
    store.regionId === null ? null : deps.db.region.findUnique({ where: { id: store.regionId }, select: { id: true, key: true, name: true } }),
    store.ownerId === null ? null : deps.db.person.findUnique({ where: { id: store.ownerId }, select: { id: true, name: true, slackId: true, email: true, unitId: true } }),
    deps.db.opportunity.findMany({
      where: { storeId: id, ...(scope.all ? {} : { ownerId: { in: [actor.id, ...scope.memberIds] } }) },
      select: { id: true, name: true, stage: true, amount: true, expectedCloseAt: true, owner: { select: { name: true } } },
      orderBy: [{ expectedCloseAt: 'asc' }, { id: 'asc' }],
      take: 50,
    }),
  ]);
  return {
    store,
    region,
    owner,
    history,
    opportunities: opportunities.map((o) => ({ id: o.id, name: o.name, stage: o.stage, amount: o.amount, expectedCloseAt: o.expectedCloseAt, owner: o.owner.name })),
    canTransfer: actor.role !== 'rep' && store.ownerId !== null && canEditStore(scope, store) && leadsUnit(scope, owner?.unitId ?? null),
  };
}
