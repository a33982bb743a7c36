import type { Request, Response } from 'express';
import { InvalidInputError, isDomainError, type DomainError } from '../../../domain/errors.ts';
import { orgOverview, type Choice, type OrgOverview, type UnitView } from '../../../domain/org/overview.ts';
import { createUnit, deleteUnit, moveUnit, renameUnit, setUnitLead } from '../../../domain/org/units.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, select, text } from '../forms.ts';
import { csrfField, idParam, formErrors, handler, redirectWith, render, session, tr, type ConsoleDeps, type RouteModule } from '../kit.ts';

// The org tree page: the tree as nested lists, each unit with its lead and what it holds, and the
// forms that change it. A refused change re-renders the page with the error beside its form.

type Form = 'create' | 'rename' | 'move' | 'lead' | 'delete';

interface Failed {
  form: Form;
  unitId: number | null;
  error: DomainError;
  values: Record<string, string>;
}

/** '' (the top level, or "no lead") → null; anything else must be an id (NaN is refused by the domain). */
const optionalId = (v: unknown): number | null => (text(v) === '' ? null : Number(v));

const unitIdParam = (req: Request): number => idParam(req, 'org.unit_not_found');

const options = (choices: Choice[]) => choices.map((c) => ({ value: String(c.id), label: c.label }));

function createForm(req: Request, o: OrgOverview, failed: Failed | null): Html {
  const mine = failed?.form === 'create' ? failed : null;
  const errors = mine ? formErrors(req, mine.error) : { summary: '', fields: {} as Record<string, string> };
  const v = mine?.values ?? {};
  const parents = [...(o.mayCreateRoot ? [{ value: '', label: tr(req, 'org.form.top_level') }] : []), ...options(o.createParents)];
  return html`<form method="post" action="/console/org/units" class="card" id="create-unit">
    <h2>${tr(req, 'org.create.title')}</h2>
    ${errorSummary(errors.summary)}
    ${csrfField(req)}
    ${input({ label: tr(req, 'org.field.key'), name: 'key', value: v.key, required: true, error: errors.fields.key, hint: tr(req, 'org.field.key_hint') })}
    ${input({ label: tr(req, 'org.field.name'), name: 'name', value: v.name, required: true, error: errors.fields.name })}
    ${select({ label: tr(req, 'org.field.parent'), name: 'parentId', options: parents, value: v.parentId ?? parents[0]?.value ?? '', error: errors.fields.parentId })}
    <div class="actions"><button type="submit">${tr(req, 'org.create.submit')}</button></div>
  </form>`;
}

function unitForms(req: Request, u: UnitView, failed: Failed | null): Html {
  const here = failed && failed.unitId === u.id ? failed : null;
  const errorOf = (form: Form) => (here?.form === form ? formErrors(req, here.error) : null);
  const valueOf = (form: Form, name: string, fallback: string) => (here?.form === form ? (here.values[name] ?? fallback) : fallback);
  const action = (what: Form) => `/console/org/units/${u.id}/${what}`;
  const rename = errorOf('rename');
  const move = errorOf('move');
  const lead = errorOf('lead');
  const del = errorOf('delete');
  const parentOptions = [...(session(req).actor.role === 'admin' ? [{ value: '', label: tr(req, 'org.form.top_level') }] : []), ...options(u.parentChoices)];
  return html`<details class="unit-edit"${here ? html` open` : ''}>
    <summary>${tr(req, 'org.edit', { name: u.name })}</summary>
    <form method="post" action="${action('rename')}" class="unit-form" data-form="rename">
      ${csrfField(req)}${errorSummary(rename?.summary)}
      ${input({ label: tr(req, 'org.field.name'), name: 'name', value: valueOf('rename', 'name', u.name), required: true, error: rename?.fields.name })}
      <button type="submit" class="secondary">${tr(req, 'org.rename.submit')}</button>
    </form>
    ${u.canPlace
      ? html`<form method="post" action="${action('move')}" class="unit-form" data-form="move">
          ${csrfField(req)}${errorSummary(move?.summary)}
          ${select({ label: tr(req, 'org.field.move_under'), name: 'parentId', options: parentOptions, value: valueOf('move', 'parentId', u.parentId === null ? '' : String(u.parentId)), error: move?.fields.parentId })}
          <button type="submit" class="secondary">${tr(req, 'org.move.submit')}</button>
        </form>
        <form method="post" action="${action('lead')}" class="unit-form" data-form="lead">
          ${csrfField(req)}${errorSummary(lead?.summary)}
          ${select({
            label: tr(req, 'org.field.lead'),
            name: 'leadId',
            options: [{ value: '', label: tr(req, 'org.form.no_lead') }, ...options(u.leadChoices)],
            value: valueOf('lead', 'leadId', u.lead ? String(u.lead.id) : ''),
            error: lead?.fields.leadId,
            hint: tr(req, 'org.field.lead_hint'),
          })}
          <button type="submit" class="secondary">${tr(req, 'org.lead.submit')}</button>
        </form>
        <form method="post" action="${action('delete')}" class="unit-form" data-form="delete">
          ${csrfField(req)}${errorSummary(del?.summary)}
          <label><input type="checkbox" name="confirm" value="yes" required> ${tr(req, 'org.delete.confirm', { name: u.name })}</label>
          ${del?.fields.confirm ? html`<span class="error">${del.fields.confirm}</span>` : ''}
          <button type="submit" class="danger">${tr(req, 'org.delete.submit')}</button>
        </form>`
      : html`<p class="muted">${tr(req, 'org.own_unit_note')}</p>`}
  </details>`;
}

function tree(req: Request, o: OrgOverview, failed: Failed | null): Html {
  const byId = new Map(o.units.map((u) => [u.id, u]));
  const node = (u: UnitView): Html => html`<li id="unit-${u.id}" data-key="${u.key}">
    <div class="unit">
      <strong class="unit-name">${u.name}</strong> <code>${u.key}</code>
      <span class="unit-facts">· ${u.lead ? tr(req, 'org.lead_is', { name: u.lead.name }) : html`<span class="muted">${tr(req, 'org.no_lead')}</span>`}
        · <span class="people-count">${tr(req, 'org.people_count', { count: u.people })}</span>
        · <span class="regions-count">${tr(req, 'org.regions_count', { count: u.regions })}</span></span>
      ${unitForms(req, u, failed)}
    </div>
    ${u.childIds.length ? html`<ul>${u.childIds.map((c) => (byId.has(c) ? node(byId.get(c)!) : ''))}</ul>` : ''}
  </li>`;
  return o.rootIds.length
    ? html`<ul class="org-tree">${o.rootIds.map((id) => node(byId.get(id)!))}</ul>`
    : html`<p class="muted">${tr(req, 'org.empty')}</p>`;
}

async function showPage(req: Request, res: Response, cd: ConsoleDeps, failed: Failed | null = null, status = 200): Promise<void> {
  const o = await orgOverview(cd.deps, session(req).actor);
  render(req, res, {
    title: tr(req, 'org.title'),
    status,
    head: html`<link rel="stylesheet" href="/console/assets/org.css">`,
    body: html`<h1>${tr(req, 'org.title')}</h1>
      ${failed && failed.form !== 'create' ? html`<p class="error"><a href="#unit-${failed.unitId}">${tr(req, 'org.failed', { message: formErrors(req, failed.error).summary })}</a></p>` : ''}
      ${tree(req, o, failed)}
      ${o.createParents.length || o.mayCreateRoot ? createForm(req, o, failed) : ''}`,
  });
}

const statusOf = (e: DomainError) => (e.code === 'invalid' ? 422 : 409);

/**
 * Runs a change; input and conflict errors come back on the page beside their form, while
 * forbidden and not-found errors become the error page (nothing of the other unit is shown).
 */
function change(cd: ConsoleDeps, form: Form, run: (req: Request) => Promise<string>) {
  return handler(async (req, res) => {
    const unitId = form === 'create' ? null : unitIdParam(req);
    try {
      const message = await run(req);
      redirectWith(res, `/console/org${unitId ? `#unit-${unitId}` : ''}`, message);
    } catch (e) {
      if (!isDomainError(e) || e.code === 'forbidden' || e.code === 'not_found') throw e;
      const values = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, text(v)]));
      await showPage(req, res, cd, { form, unitId, error: e, values }, statusOf(e));
    }
  });
}

export const orgRoutes: RouteModule = (router, cd) => {
  router.get('/org', handler((req, res) => showPage(req, res, cd)));

  router.post(
    '/org/units',
    change(cd, 'create', async (req) => {
      const unit = await createUnit(cd.deps, session(req).actor, { key: text(req.body?.key), name: text(req.body?.name), parentId: optionalId(req.body?.parentId) });
      return tr(req, 'org.created', { name: unit.name });
    }),
  );
  router.post(
    '/org/units/:id/rename',
    change(cd, 'rename', async (req) => {
      const unit = await renameUnit(cd.deps, session(req).actor, { unitId: unitIdParam(req), name: text(req.body?.name) });
      return tr(req, 'org.renamed', { name: unit.name });
    }),
  );
  router.post(
    '/org/units/:id/move',
    change(cd, 'move', async (req) => {
      const unit = await moveUnit(cd.deps, session(req).actor, { unitId: unitIdParam(req), parentId: optionalId(req.body?.parentId) });
      return tr(req, 'org.moved', { name: unit.name });
    }),
  );
  router.post(
    '/org/units/:id/lead',
    change(cd, 'lead', async (req) => {
      const unit = await setUnitLead(cd.deps, session(req).actor, { unitId: unitIdParam(req), leadId: optionalId(req.body?.leadId) });
      return tr(req, unit.leadId === null ? 'org.lead_cleared' : 'org.lead_set', { name: unit.name });
    }),
  );
  router.post(
    '/org/units/:id/delete',
    change(cd, 'delete', async (req) => {
      const unitId = unitIdParam(req);
      if (text(req.body?.confirm) !== 'yes') throw confirmMissing();
      await deleteUnit(cd.deps, session(req).actor, unitId);
      return tr(req, 'org.deleted');
    }),
  );
};

/** A delete posted without its confirmation box ticked (the browser requires it; a script may not). */
const confirmMissing = () => new InvalidInputError('validation.failed', { field: 'confirm', count: 1 }, [{ path: 'confirm', key: 'org.delete.confirm_missing' }]);
