import type { Request, Response } from 'express';
import { ForbiddenError, isDomainError, NotFoundError, type DomainError } from '../../../domain/errors.ts';
import { unitChoices } from '../../../domain/org/overview.ts';
import { roles, type Role } from '../../../domain/org/roles.ts';
import { deactivateWithHandover } from '../../../domain/people/handover.ts';
import { consoleAccessSection } from './console-access.ts';
import { awayInputOf, awaySection, awayValuesOf, type AwayValues } from './people-away.ts';
import { endAway, setAway } from '../../../domain/people/away.ts';
import { addPerson, getPerson, importSlackUsers, listPeople, personHistory, personLocales, updatePerson } from '../../../domain/people/manage.ts';
import { transferTargets } from '../../../domain/people/team.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, select, text } from '../forms.ts';
import { csrfField, formErrors, handler, idParam, pager, pageParam, redirectWith, render, session, tr, trCode, type ConsoleDeps, type RouteModule } from '../kit.ts';

// People: the list with search and filters, adding, the person's page (edit, history, deactivate
// with handover), and bringing the workspace's members in from Slack.

/** '' → null; anything else must be an id (NaN is refused by the domain with the field's message). */
const optionalId = (v: unknown): number | null => (text(v) === '' ? null : Number(v));
const emptyErrors = { summary: '', fields: {} as Record<string, string> };

const personIdParam = (req: Request): number => idParam(req, 'person.not_found');

const roleLabel = (req: Request, role: string) => trCode(req, 'console.role.', role);
/** The roles the actor may give: a manager never makes admins (the domain checks the rest). */
const grantable = (req: Request): Role[] => (session(req).actor.role === 'admin' ? [...roles] : roles.filter((r) => r !== 'admin'));

// ---- the list ------------------------------------------------------------------------------------

async function listPage(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  const { actor } = session(req);
  const q = req.query;
  const filters = {
    text: text(q.text).slice(0, 100),
    unitId: text(q.unit) && Number.isInteger(Number(q.unit)) ? Number(q.unit) : null,
    role: (roles as readonly string[]).includes(text(q.role)) ? (text(q.role) as Role) : null,
    status: (['active', 'inactive', 'all'] as const).find((s) => s === q.status) ?? 'active',
  };
  const [list, units] = await Promise.all([listPeople(cd.deps, actor, { ...filters, page: pageParam(req) }), unitChoices(cd.deps, actor)]);
  const unitOptions = units.map((u) => ({ value: String(u.id), label: u.label }));
  render(req, res, {
    title: tr(req, 'people.title'),
    body: html`<h1>${tr(req, 'people.title')}</h1>
      <div class="actions"><a class="button" href="/console/people/new">${tr(req, 'people.add')}</a></div>
      <form method="get" action="/console/people" class="filters card" role="search">
        ${input({ label: tr(req, 'people.search'), name: 'text', type: 'search', value: filters.text, hint: tr(req, 'people.search_hint') })}
        ${select({ label: tr(req, 'people.field.unit'), name: 'unit', options: [{ value: '', label: tr(req, 'people.any') }, ...unitOptions], value: filters.unitId === null ? '' : String(filters.unitId) })}
        ${select({ label: tr(req, 'people.field.role'), name: 'role', options: [{ value: '', label: tr(req, 'people.any') }, ...roles.map((r) => ({ value: r, label: roleLabel(req, r) }))], value: filters.role ?? '' })}
        ${select({
          label: tr(req, 'people.field.status'),
          name: 'status',
          options: (['active', 'inactive', 'all'] as const).map((s) => ({ value: s, label: tr(req, `people.status.${s}`) })),
          value: filters.status,
        })}
        <div class="actions"><button type="submit">${tr(req, 'people.filter')}</button></div>
      </form>
      ${list.rows.length
        ? html`<table class="people">
            <thead><tr><th>${tr(req, 'people.field.name')}</th><th>${tr(req, 'people.field.email')}</th><th>${tr(req, 'people.field.slack_id')}</th><th>${tr(req, 'people.field.role')}</th><th>${tr(req, 'people.field.unit')}</th><th class="num">${tr(req, 'people.stores')}</th><th>${tr(req, 'people.field.status')}</th></tr></thead>
            <tbody>${list.rows.map(
              (p) => html`<tr data-person="${p.id}">
                <td><a href="/console/people/${p.id}">${p.name}</a></td>
                <td>${p.email ?? ''}</td>
                <td>${p.slackId ? html`<code>${p.slackId}</code>` : html`<span class="muted">${tr(req, 'people.console_only')}</span>`}</td>
                <td>${roleLabel(req, p.role)}</td>
                <td>${p.unitName ?? '—'}</td>
                <td class="num">${p.stores}</td>
                <td>${p.active ? tr(req, 'people.status.active') : html`<span class="muted">${tr(req, 'people.status.inactive')}</span>`}</td>
              </tr>`,
            )}</tbody>
          </table>
          ${pager(req, list)}`
        : html`<p class="muted">${tr(req, 'people.none')}</p>`}
      ${actor.role === 'admin' && cd.slack ? slackImportForm(req, unitOptions) : ''}`,
  });
}

function slackImportForm(req: Request, unitOptions: { value: string; label: string }[]): Html {
  return html`<form method="post" action="/console/people/import-slack" class="card" id="slack-import">
    <h2>${tr(req, 'people.slack.title')}</h2>
    <p class="muted">${tr(req, 'people.slack.explain')}</p>
    ${csrfField(req)}
    ${select({ label: tr(req, 'people.slack.unit'), name: 'unitId', options: unitOptions })}
    <div class="actions"><button type="submit">${tr(req, 'people.slack.submit')}</button></div>
  </form>`;
}

// ---- the person's form (new and edit) -------------------------------------------------------------

interface PersonValues {
  name: string;
  role: string;
  unitId: string;
  email: string;
  locale: string;
  timezone: string;
  slackId: string;
}

const valuesOf = (body: Record<string, unknown> | undefined): PersonValues => ({
  name: text(body?.name),
  role: text(body?.role),
  unitId: text(body?.unitId),
  email: text(body?.email),
  locale: text(body?.locale),
  timezone: text(body?.timezone),
  slackId: text(body?.slackId),
});

const inputOf = (v: PersonValues) => ({
  name: v.name,
  role: v.role as Role,
  unitId: optionalId(v.unitId),
  email: v.email,
  locale: v.locale,
  timezone: v.timezone,
  slackId: v.slackId,
});

async function personFields(req: Request, cd: ConsoleDeps, v: PersonValues, errors: { fields: Record<string, string> }): Promise<Html> {
  const units = await unitChoices(cd.deps, session(req).actor);
  const unitOptions = [...(session(req).actor.role === 'admin' ? [{ value: '', label: tr(req, 'people.no_unit') }] : []), ...units.map((u) => ({ value: String(u.id), label: u.label }))];
  const f = errors.fields;
  return html`${input({ label: tr(req, 'people.field.name'), name: 'name', value: v.name, required: true, error: f.name })}
    ${select({ label: tr(req, 'people.field.role'), name: 'role', options: grantable(req).map((r) => ({ value: r, label: roleLabel(req, r) })), value: v.role, error: f.role })}
    ${select({ label: tr(req, 'people.field.unit'), name: 'unitId', options: unitOptions, value: v.unitId, error: f.unitId })}
    ${input({ label: tr(req, 'people.field.email'), name: 'email', type: 'email', value: v.email, error: f.email })}
    ${select({
      label: tr(req, 'people.field.locale'),
      name: 'locale',
      options: [{ value: '', label: tr(req, 'people.locale.default') }, ...personLocales.map((l) => ({ value: l, label: tr(req, `people.locale.${l}`) }))],
      value: v.locale,
      error: f.locale,
    })}
    ${input({ label: tr(req, 'people.field.timezone'), name: 'timezone', value: v.timezone, error: f.timezone, hint: tr(req, 'people.field.timezone_hint') })}
    ${input({ label: tr(req, 'people.field.slack_id'), name: 'slackId', value: v.slackId, error: f.slackId, hint: tr(req, 'people.field.slack_id_hint') })}`;
}

async function newPage(req: Request, res: Response, cd: ConsoleDeps, v: PersonValues, error: DomainError | null): Promise<void> {
  const errors = error ? formErrors(req, error) : emptyErrors;
  render(req, res, {
    title: tr(req, 'people.new.title'),
    status: error ? 422 : 200,
    body: html`<h1>${tr(req, 'people.new.title')}</h1>
      <form method="post" action="/console/people" class="card" id="new-person">
        ${errorSummary(errors.summary)}
        ${csrfField(req)}
        ${await personFields(req, cd, v, errors)}
        <div class="actions"><button type="submit">${tr(req, 'people.new.submit')}</button> <a href="/console/people">${tr(req, 'people.cancel')}</a></div>
      </form>`,
  });
}

// ---- the person's page ------------------------------------------------------------------------------

interface PersonPageState {
  edit?: { values: PersonValues; error: DomainError };
  deactivate?: { error: DomainError; to: string; toPersonId: string };
  away?: { values: AwayValues; error: DomainError };
  status?: number;
}

async function personPage(req: Request, res: Response, cd: ConsoleDeps, personId: number, state: PersonPageState = {}): Promise<void> {
  const { actor, reader } = session(req);
  const detail = await getPerson(cd.deps, actor, personId);
  const history = await personHistory(cd.deps, actor, personId);
  const p = detail.person;
  const values: PersonValues = state.edit?.values ?? {
    name: p.name,
    role: p.role,
    unitId: p.unitId === null ? '' : String(p.unitId),
    email: p.email ?? '',
    locale: p.locale ?? '',
    timezone: p.timezone ?? '',
    slackId: p.slackId ?? '',
  };
  const editErrors = state.edit ? formErrors(req, state.edit.error) : emptyErrors;
  const mayEdit = actor.role === 'admin' || p.role !== 'admin';
  const unitText = (u: { id: number; name: string | null } | null) => (u === null ? '—' : (u.name ?? tr(req, 'people.history.deleted_unit', { id: u.id })));
  render(req, res, {
    title: p.name,
    status: state.status ?? 200,
    head: html`<link rel="stylesheet" href="/console/assets/people.css">`,
    body: html`<h1>${p.name} ${p.active ? '' : html`<span class="muted">(${tr(req, 'people.status.inactive')})</span>`}</h1>
      <p><a href="/console/people">${tr(req, 'people.back')}</a></p>
      <dl class="facts">
        <dt>${tr(req, 'people.field.role')}</dt><dd>${roleLabel(req, p.role)}</dd>
        <dt>${tr(req, 'people.field.unit')}</dt><dd>${detail.unitName ?? '—'}</dd>
        <dt>${tr(req, 'people.stores')}</dt><dd id="store-count">${detail.stores}</dd>
        <dt>${tr(req, 'people.leads')}</dt><dd>${detail.leads.length ? detail.leads.map((u, i) => html`${i ? ', ' : ''}${u.name}`) : '—'}</dd>
        ${p.deactivatedAt ? html`<dt>${tr(req, 'people.deactivated_at')}</dt><dd>${formatDateTime(p.deactivatedAt, reader.timezone)}</dd>` : ''}
      </dl>
      ${mayEdit
        ? html`<form method="post" action="/console/people/${p.id}" class="card" id="edit-person">
            <h2>${tr(req, 'people.edit.title')}</h2>
            ${errorSummary(editErrors.summary)}
            ${csrfField(req)}
            ${await personFields(req, cd, values, editErrors)}
            <div class="actions"><button type="submit">${tr(req, 'people.edit.submit')}</button></div>
          </form>`
        : ''}
      <section class="card" id="history">
        <h2>${tr(req, 'people.history.title')}</h2>
        ${history.length
          ? html`<table><thead><tr><th>${tr(req, 'people.history.when')}</th><th>${tr(req, 'people.field.role')}</th><th>${tr(req, 'people.field.unit')}</th><th>${tr(req, 'people.history.by')}</th></tr></thead>
              <tbody>${history.map(
                (h) => html`<tr>
                  <td>${formatDateTime(h.at, reader.timezone)}</td>
                  <td>${h.fromRole && h.fromRole !== h.toRole ? html`${roleLabel(req, h.fromRole)} → ` : ''}${roleLabel(req, h.toRole)}</td>
                  <td>${h.fromUnit && h.fromUnit.id !== h.toUnit?.id ? html`${unitText(h.fromUnit)} → ` : ''}${unitText(h.toUnit)}</td>
                  <td>${h.by?.name ?? '—'}</td>
                </tr>`,
              )}</tbody></table>`
          : html`<p class="muted">${tr(req, 'people.history.none')}</p>`}
      </section>
      ${await awaySection(req, cd, p, state.away)}
      ${await consoleAccessSection(req, cd, p)}
      ${p.active && p.id !== actor.id && mayEdit
        ? await deactivateForm(req, cd, p.id, p.name, detail.stores, state.deactivate)
        : state.deactivate
          ? errorSummary(formErrors(req, state.deactivate.error).summary)
          : ''}`,
  });
}

async function deactivateForm(req: Request, cd: ConsoleDeps, personId: number, name: string, stores: number, failed: PersonPageState['deactivate']): Promise<Html> {
  const { people } = await transferTargets(cd.deps, session(req).actor, { excludeId: personId, limit: 500 });
  const reps = people.filter((x) => x.role === 'rep');
  const to = failed?.to ?? 'pool';
  const summary = failed ? formErrors(req, failed.error) : null;
  return html`<form method="post" action="/console/people/${personId}/deactivate" class="card" id="deactivate">
    <h2>${tr(req, 'people.deactivate.title')}</h2>
    <p>${tr(req, 'people.deactivate.explain', { name, stores })}</p>
    ${errorSummary(summary?.summary)}
    ${csrfField(req)}
    <fieldset>
      <legend>${tr(req, 'people.deactivate.stores_go')}</legend>
      <label><input type="radio" name="to" value="pool"${to === 'pool' ? html` checked` : ''}> ${tr(req, 'people.deactivate.to_pool')}</label><br>
      <label><input type="radio" name="to" value="rep"${to === 'rep' ? html` checked` : ''}> ${tr(req, 'people.deactivate.to_rep')}</label>
      ${select({
        label: tr(req, 'people.deactivate.rep'),
        name: 'toPersonId',
        options: [{ value: '', label: tr(req, 'people.deactivate.choose') }, ...reps.map((r) => ({ value: String(r.id), label: r.unitName ? `${r.name} (${r.unitName})` : r.name }))],
        value: failed?.toPersonId ?? '',
        error: summary?.fields.toPersonId,
      })}
    </fieldset>
    <div class="actions"><button type="submit" class="danger">${tr(req, 'people.deactivate.submit', { name })}</button></div>
  </form>`;
}

/** Refusals of input and conflicts come back on the form; forbidden and not found become the error page. */
const onForm = (e: unknown): e is DomainError => isDomainError(e) && e.code !== 'forbidden' && e.code !== 'not_found';
const statusOf = (e: DomainError) => (e.code === 'invalid' ? 422 : 409);

// ---- Slack ------------------------------------------------------------------------------------------

/** Every member of the workspace, page by page (Slack's cursor), at most 200 per page. */
async function slackMembers(cd: ConsoleDeps): Promise<unknown[]> {
  const members: unknown[] = [];
  let cursor: string | undefined;
  // A cursor that never ends would be Slack's bug; 500 pages is 100,000 members.
  for (let page = 0; page < 500; page++) {
    const res = await cd.slack!.users.list({ limit: 200, include_locale: true, ...(cursor ? { cursor } : {}) });
    members.push(...(res.members ?? []));
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return members;
}

export const peopleRoutes: RouteModule = (router, cd) => {
  router.get('/people', handler((req, res) => listPage(req, res, cd)));

  router.get('/people/new', handler((req, res) => newPage(req, res, cd, { name: '', role: 'rep', unitId: '', email: '', locale: '', timezone: '', slackId: '' }, null)));

  router.post(
    '/people',
    handler(async (req, res) => {
      const v = valuesOf(req.body);
      try {
        const person = await addPerson(cd.deps, session(req).actor, inputOf(v));
        redirectWith(res, `/console/people/${person.id}`, tr(req, 'people.added', { name: person.name }));
      } catch (e) {
        if (!onForm(e)) throw e;
        await newPage(req, res, cd, v, e);
      }
    }),
  );

  router.post(
    '/people/import-slack',
    handler(async (req, res) => {
      const { actor } = session(req);
      if (!cd.slack) throw new NotFoundError('people.slack.off');
      if (actor.role !== 'admin') throw new ForbiddenError('person.import_needs_admin');
      const unitId = optionalId(req.body?.unitId);
      if (unitId === null || !Number.isInteger(unitId)) {
        redirectWith(res, '/console/people', tr(req, 'people.slack.choose_unit'), 'error');
        return;
      }
      let users: unknown[];
      try {
        users = await slackMembers(cd);
      } catch (e) {
        const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
        redirectWith(res, '/console/people', tr(req, 'people.slack.failed', { error: code }), 'error');
        return;
      }
      const report = await importSlackUsers(cd.deps, actor, { unitId, users });
      redirectWith(res, '/console/people', tr(req, 'people.slack.done', { created: report.created, updated: report.updated, unchanged: report.unchanged, skipped: report.skipped.length }));
    }),
  );

  router.get('/people/:id', handler((req, res) => personPage(req, res, cd, personIdParam(req))));

  router.post(
    '/people/:id',
    handler(async (req, res) => {
      const personId = personIdParam(req);
      const v = valuesOf(req.body);
      try {
        const person = await updatePerson(cd.deps, session(req).actor, { personId, ...inputOf(v) });
        redirectWith(res, `/console/people/${person.id}`, tr(req, 'people.saved', { name: person.name }));
      } catch (e) {
        if (!onForm(e)) throw e;
        await personPage(req, res, cd, personId, { edit: { values: v, error: e }, status: statusOf(e) });
      }
    }),
  );

  router.post(
    '/people/:id/away',
    handler(async (req, res) => {
      const personId = personIdParam(req);
      const v = awayValuesOf(req.body);
      // Someone the actor may not see is not found, as on their page.
      await getPerson(cd.deps, session(req).actor, personId);
      try {
        const p = await setAway(cd.deps, session(req).actor, awayInputOf(personId, v));
        redirectWith(res, `/console/people/${personId}`, tr(req, 'away.saved', { name: p.person.name, from: p.from, to: p.to, delegate: p.delegate.name }));
      } catch (e) {
        if (!onForm(e)) throw e;
        await personPage(req, res, cd, personId, { away: { values: v, error: e }, status: statusOf(e) });
      }
    }),
  );

  router.post(
    '/people/:id/away/end',
    handler(async (req, res) => {
      const personId = personIdParam(req);
      const { person } = await getPerson(cd.deps, session(req).actor, personId);
      await endAway(cd.deps, session(req).actor, { personId });
      redirectWith(res, `/console/people/${personId}`, tr(req, 'away.ended', { name: person.name }));
    }),
  );

  router.post(
    '/people/:id/deactivate',
    handler(async (req, res) => {
      const personId = personIdParam(req);
      const to = text(req.body?.to) === 'rep' ? 'rep' : 'pool';
      const toPersonId = text(req.body?.toPersonId);
      try {
        const result = await deactivateWithHandover(cd.deps, session(req).actor, { personId, toPersonId: to === 'pool' ? null : (optionalId(toPersonId) ?? Number.NaN) });
        redirectWith(res, `/console/people/${personId}`, tr(req, 'people.deactivated', { name: result.person.name, stores: result.stores, moved: result.approvals.moved }));
      } catch (e) {
        if (!onForm(e)) throw e;
        await personPage(req, res, cd, personId, { deactivate: { error: e, to, toPersonId }, status: statusOf(e) });
      }
    }),
  );
};
