// Console access for a manager or an admin: an admin gives it (or a new one-time password) on the
// person's page; the password is shown once, on the answer to that request, and never stored.
import type { Request } from 'express';
import { consoleAccountOf, consoleRoles, grantConsoleAccess, resetConsolePassword, unlockConsoleAccount } from '../../../domain/console/accounts.ts';
import { isDomainError } from '../../../domain/errors.ts';
import { getPerson } from '../../../domain/people/manage.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, text } from '../forms.ts';
import { csrfField, formErrors, handler, idParam, redirectWith, render, requireAdmin, session, tr, type ConsoleDeps, type RouteModule } from '../kit.ts';

/** The person page's section; empty for anyone but an admin looking at an active admin or manager. */
export async function consoleAccessSection(req: Request, cd: ConsoleDeps, person: { id: number; role: string; active: boolean; email: string | null }, o: { email?: string } = {}): Promise<Html> {
  if (session(req).actor.role !== 'admin' || !person.active || !consoleRoles.has(person.role)) return html``;
  const account = await consoleAccountOf(cd.deps, person.id);
  const lock = account?.lock;
  return html`<section class="card" id="console-access">
    <h2>${tr(req, 'access.title')}</h2>
    ${account
      ? html`<p>${tr(req, 'access.has_account', { email: account.email })}</p>
        ${lock
          ? html`<p class="error" id="console-lock">${tr(req, 'access.locked', { until: formatDateTime(lock.until, session(req).reader.timezone) })}</p>
            <form method="post" action="/console/people/${person.id}/console-access/unlock">
              ${csrfField(req)}
              <button type="submit">${tr(req, 'access.unlock')}</button>
            </form>`
          : ''}
        <form method="post" action="/console/people/${person.id}/console-access/reset">
          ${csrfField(req)}
          <button type="submit" class="secondary">${tr(req, 'access.reset')}</button>
        </form>`
      : html`<p class="muted">${tr(req, 'access.none')}</p>
        <form method="post" action="/console/people/${person.id}/console-access">
          ${csrfField(req)}
          ${input({ label: tr(req, 'access.email'), name: 'email', type: 'email', value: o.email ?? person.email ?? '', required: true })}
          <button type="submit">${tr(req, 'access.grant')}</button>
        </form>`}
  </section>`;
}

function shownOnce(req: Request, personId: number, email: string, password: string): { title: string; body: Html } {
  return {
    title: tr(req, 'access.title'),
    body: html`<h1>${tr(req, 'access.title')}</h1>
      <section class="card">
        <p>${tr(req, 'access.issued', { email })}</p>
        <p><code id="one-time-password">${password}</code></p>
        <p class="muted">${tr(req, 'access.once')}</p>
        <p><a href="/console/people/${personId}">${tr(req, 'access.back')}</a></p>
      </section>`,
  };
}

export const consoleAccessRoutes: RouteModule = (router, cd) => {
  router.post(
    '/people/:id/console-access',
    handler(async (req, res) => {
      requireAdmin(req);
      const personId = idParam(req, 'person.not_found');
      const email = text(req.body?.email);
      try {
        const issued = await grantConsoleAccess(cd.deps, session(req).actor, { personId, email });
        render(req, res, shownOnce(req, personId, issued.email, issued.password));
      } catch (e) {
        if (!isDomainError(e) || (e.code !== 'invalid' && e.code !== 'conflict')) throw e;
        const { person } = await getPerson(cd.deps, session(req).actor, personId);
        const { summary, fields } = formErrors(req, e);
        render(req, res, {
          title: tr(req, 'access.title'),
          status: e.code === 'invalid' ? 422 : 409,
          body: html`<h1>${person.name}</h1>${errorSummary(fields.email ?? fields[''] ?? summary)}${await consoleAccessSection(req, cd, person, { email })}<p><a href="/console/people/${personId}">${tr(req, 'access.back')}</a></p>`,
        });
      }
    }),
  );

  router.post(
    '/people/:id/console-access/reset',
    handler(async (req, res) => {
      requireAdmin(req);
      const personId = idParam(req, 'person.not_found');
      const account = await consoleAccountOf(cd.deps, personId);
      if (!account) {
        res.redirect(303, `/console/people/${personId}`);
        return;
      }
      const issued = await resetConsolePassword(cd.deps, session(req).actor, account.email);
      render(req, res, shownOnce(req, personId, issued.email, issued.password));
    }),
  );

  router.post(
    '/people/:id/console-access/unlock',
    handler(async (req, res) => {
      requireAdmin(req);
      const personId = idParam(req, 'person.not_found');
      const r = await unlockConsoleAccount(cd.deps, session(req).actor, personId);
      redirectWith(res, `/console/people/${personId}`, tr(req, r.unlocked ? 'access.unlocked' : 'access.was_not_locked'));
    }),
  );
};
