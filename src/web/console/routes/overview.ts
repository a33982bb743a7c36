import { loadTree, subtree } from '../../../domain/org/tree.ts';
import { html } from '../../html.ts';
import { handler, render, session, tr, type RouteModule } from '../kit.ts';

/** The landing page: what the signed-in person is responsible for, in numbers. */
export const overviewRoutes: RouteModule = (router, cd) => {
  router.get(
    '/',
    handler(async (req, res) => {
      const { actor } = session(req);
      const db = cd.deps.db;
      const all = actor.role === 'admin';
      const units = all ? null : actor.unitId === null ? [] : subtree(await loadTree(db), actor.unitId);
      const inUnits = units === null ? {} : { unitId: { in: units } };
      const unitName = actor.unitId === null ? null : (await db.orgUnit.findUnique({ where: { id: actor.unitId }, select: { name: true } }))?.name;
      const storeScope = units === null ? {} : { OR: [{ region: { unitId: { in: units } } }, { owner: { unitId: { in: units } } }] };
      const [unitCount, people, regions, stores, publicStores, pending] = await Promise.all([
        db.orgUnit.count({ where: units === null ? {} : { id: { in: units } } }),
        db.person.count({ where: { active: true, ...inUnits } }),
        db.region.count({ where: inUnits }),
        db.store.count({ where: { status: { not: 'deleted' }, ...storeScope } }),
        db.store.count({ where: { status: 'active', ownerId: null, ...storeScope } }),
        db.approvalRequest.count({ where: { status: 'pending', ...(units === null ? {} : { requester: { unitId: { in: units } } }) } }),
      ]);
      const stat = (key: string, n: number, href: string) => html`<div><a href="${href}"><strong>${n}</strong></a>${tr(req, key)}</div>`;
      render(req, res, {
        title: tr(req, 'console.overview.title'),
        body: html`<h1>${tr(req, 'console.overview.title')}</h1>
          <p class="muted">${all ? tr(req, 'console.overview.scope_all') : tr(req, 'console.overview.scope_unit', { unit: unitName ?? '—' })}</p>
          <div class="stats">
            ${stat('console.overview.units', unitCount, '/console/org')}
            ${stat('console.overview.people', people, '/console/people')}
            ${stat('console.overview.regions', regions, '/console/regions')}
            ${stat('console.overview.stores', stores, '/console/stores')}
            ${stat('console.overview.public', publicStores, '/console/stores?pool=public')}
            ${stat('console.overview.pending', pending, all ? '/console/approvals' : '/console/audit?entity=approval')}
          </div>`,
      });
    }),
  );
};
