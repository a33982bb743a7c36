import { scopeCounts } from '../../../domain/org/overview.ts';
import { html } from '../../html.ts';
import type { ConsoleKey } from '../../i18n/index.ts';
import { handler, render, session, tr, type RouteModule } from '../kit.ts';

/** The landing page: what the signed-in person is responsible for, in numbers. */
export const overviewRoutes: RouteModule = (router, cd) => {
  router.get(
    '/',
    handler(async (req, res) => {
      const c = await scopeCounts(cd.deps, session(req).actor);
      const stat = (key: ConsoleKey, n: number, href: string) => html`<div><a href="${href}"><strong>${n}</strong></a>${tr(req, key)}</div>`;
      render(req, res, {
        title: tr(req, 'console.overview.title'),
        body: html`<h1>${tr(req, 'console.overview.title')}</h1>
          <p class="muted">${c.all ? tr(req, 'console.overview.scope_all') : tr(req, 'console.overview.scope_unit', { unit: c.unitName ?? '—' })}</p>
          <div class="stats">
            ${stat('console.overview.units', c.units, '/console/org')}
            ${stat('console.overview.people', c.people, '/console/people')}
            ${stat('console.overview.regions', c.regions, '/console/regions')}
            ${stat('console.overview.stores', c.stores, '/console/stores')}
            ${stat('console.overview.public', c.publicStores, '/console/stores?pool=public')}
            ${stat('console.overview.pending', c.pendingApprovals, c.all ? '/console/approvals' : '/console/audit?entity=approval')}
          </div>`,
      });
    }),
  );
};
