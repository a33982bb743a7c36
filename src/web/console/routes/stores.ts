import type { Request, Response } from 'express';
import { InvalidInputError, isDomainError } from '../../../domain/errors.ts';
import { applyStoreImport, previewStoreImport, readStoreFileAsync, REPORT_LIMIT, storeColumnSpec, type StoreImportField, type StoreImportPreview } from '../../../domain/imports/store-import.ts';
import { personName } from '../../../domain/people/people.ts';
import { transferStores } from '../../../domain/pools/pools.ts';
import { listConsoleStores, storeFilterOptions, storeFilterSchema, type StoreFilterOptions } from '../../../domain/stores/console-list.ts';
import { exportColumns, exportStores } from '../../../domain/stores/export.ts';
import { grades, storeStatuses } from '../../../domain/stores/fields.ts';
import { storePage } from '../../../domain/stores/store-page.ts';
import { formatDate, formatDateTime } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, list, select, text } from '../forms.ts';
import { importWizard } from '../import-wizard.ts';
import { csrfField, idParam, formErrors, handler, money, pager, pageParam, redirectWith, render, session, tr, trCode, trMessage, type ConsoleDeps, type RouteModule } from '../kit.ts';
import { discardUpload, type Upload } from '../uploads.ts';

// Stores: the scoped list with filters and batch transfer, a store's page, the CSV export with the
// list's filters, and the CSV import: upload → columns → dry run → apply, the file kept in the Upload
// table between the steps (for a day; older uploads are deleted whenever a new one comes).

const noErrors = { summary: '', fields: {} as Record<string, string> };
const PAGE_SIZE = 50;

const when = (req: Request, d: Date | null | undefined) => (d ? formatDateTime(d, session(req).reader.timezone) : '—');

// ---- the list ------------------------------------------------------------------------------------

const filterFields = ['text', 'regionId', 'ownerId', 'status', 'grade', 'pool'] as const;

/** The list's filters from a query string (or a form's `back` field); unusable values are dropped, not an error. */
function filtersOf(query: Record<string, unknown>): Record<(typeof filterFields)[number], string> {
  const raw = Object.fromEntries(filterFields.map((f) => [f, text(query[f]).trim()])) as Record<(typeof filterFields)[number], string>;
  const ok = storeFilterSchema.safeParse(raw);
  if (ok.success) return raw;
  // Keep what is valid on its own: a stale link with a bad region id still shows the list.
  for (const f of filterFields) if (!storeFilterSchema.safeParse({ [f]: raw[f] }).success) raw[f] = '';
  return raw;
}

const queryOf = (filters: Record<string, string>) => new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString();

function filterForm(req: Request, f: Record<string, string>, o: StoreFilterOptions): Html {
  const any = { value: '', label: tr(req, 'stores.filter.any') };
  return html`<form method="get" action="/console/stores" class="filters card" role="search" aria-label="${tr(req, 'stores.filters')}">
    ${input({ label: tr(req, 'stores.filter.text'), name: 'text', value: f.text, type: 'search' })}
    ${select({ label: tr(req, 'stores.filter.region'), name: 'regionId', value: f.regionId, options: [any, ...o.regions.map((r) => ({ value: String(r.id), label: r.name }))] })}
    ${select({ label: tr(req, 'stores.filter.owner'), name: 'ownerId', value: f.ownerId, options: [any, ...o.people.map((p) => ({ value: String(p.id), label: p.name }))] })}
    ${select({
      label: tr(req, 'stores.filter.status'),
      name: 'status',
      value: f.status,
      options: [{ value: '', label: tr(req, 'stores.filter.status_any') }, ...storeStatuses.map((s) => ({ value: s, label: trCode(req, 'stores.status.', s) }))],
    })}
    ${select({ label: tr(req, 'stores.filter.grade'), name: 'grade', value: f.grade, options: [any, ...grades.map((g) => ({ value: g, label: g }))] })}
    ${select({
      label: tr(req, 'stores.filter.pool'),
      name: 'pool',
      value: f.pool,
      options: [any, { value: 'public', label: tr(req, 'stores.filter.pool.public') }, { value: 'private', label: tr(req, 'stores.filter.pool.private') }],
    })}
    <div class="actions"><button type="submit">${tr(req, 'stores.filter.apply')}</button> <a href="/console/stores">${tr(req, 'stores.filter.clear')}</a></div>
  </form>`;
}

interface TransferForm {
  selected: string[];
  toPersonId: string;
  reason: string;
  errors: { summary: string; fields: Record<string, string> };
}

async function listPage(req: Request, res: Response, cd: ConsoleDeps, filters: Record<string, string>, page: number, transfer?: TransferForm): Promise<void> {
  const { actor } = session(req);
  const [result, options] = await Promise.all([
    listConsoleStores(cd.deps, actor, { ...filters, page, pageSize: PAGE_SIZE }),
    storeFilterOptions(cd.deps, actor),
  ]);
  const query = queryOf(filters);
  const selected = new Set(transfer?.selected ?? []);
  const errors = transfer?.errors ?? noErrors;
  const targets = options.people.filter((p) => p.active);
  render(req, res, {
    title: tr(req, 'stores.title'),
    status: transfer?.errors.summary ? 422 : 200,
    head: html`<link rel="stylesheet" href="/console/assets/stores.css"><script src="/console/assets/stores.js" defer></script>`,
    body: html`<h1>${tr(req, 'stores.title')}</h1>
      <div class="actions">
        <a class="button" href="/console/stores/import">${tr(req, 'stores.import.link')}</a>
        <a class="button secondary" href="/console/stores.csv${query ? `?${query}` : ''}" download>${tr(req, 'stores.export')}</a>
      </div>
      ${filterForm(req, filters, options)}
      <form method="post" action="/console/stores/transfer" id="transfer">
        ${csrfField(req)}
        <input type="hidden" name="back" value="${query}">
        ${errorSummary(errors.summary)}
        ${result.rows.length
          ? html`<table class="stores">
              <thead><tr>
                <th><input type="checkbox" data-select-all aria-label="${tr(req, 'stores.select_all')}" hidden></th>
                <th>${tr(req, 'stores.col.code')}</th><th>${tr(req, 'stores.col.name')}</th><th>${tr(req, 'stores.col.region')}</th>
                <th>${tr(req, 'stores.col.owner')}</th><th>${tr(req, 'stores.col.status')}</th><th>${tr(req, 'stores.col.grade')}</th>
                <th>${tr(req, 'stores.col.protected_until')}</th><th>${tr(req, 'stores.col.last_visit')}</th>
              </tr></thead>
              <tbody>${result.rows.map(
                (s) => html`<tr data-store="${s.id}">
                  <td>${s.ownerId !== null
                    ? html`<input type="checkbox" name="storeIds" value="${s.id}" aria-label="${tr(req, 'stores.select', { code: s.code })}"${selected.has(String(s.id)) ? html` checked` : ''}>`
                    : ''}</td>
                  <td><a href="/console/stores/${s.id}">${s.code}</a></td>
                  <td>${s.name}${s.why ? html`<br><small class="muted">${s.why}</small>` : ''}${s.phone ? html`<br><small class="muted">${s.phone}</small>` : ''}</td>
                  <td>${s.region ?? '—'}</td>
                  <td>${s.owner ?? html`<span class="muted">${tr(req, 'stores.public')}</span>`}</td>
                  <td>${trCode(req, 'stores.status.', s.status)}</td>
                  <td>${s.grade}</td>
                  <td>${s.isCustomer ? tr(req, 'stores.customer') : when(req, s.protectedUntil)}</td>
                  <td>${when(req, s.lastVisitAt)}</td>
                </tr>`,
              )}</tbody>
            </table>
            ${pager(req, result)}`
          : html`<p class="muted">${tr(req, 'stores.none')}</p>`}
        <section class="card">
          <h2>${tr(req, 'stores.transfer.title')}</h2>
          <p class="muted">${tr(req, 'stores.transfer.hint')}</p>
          ${errors.fields.storeIds ? html`<p class="error">${errors.fields.storeIds}</p>` : ''}
          ${select({
            label: tr(req, 'stores.transfer.to'),
            name: 'toPersonId',
            value: transfer?.toPersonId ?? '',
            error: errors.fields.toPersonId,
            options: [{ value: '', label: tr(req, 'stores.transfer.choose') }, ...targets.map((p) => ({ value: String(p.id), label: `${p.name} (${trCode(req, 'console.role.', p.role)})` }))],
          })}
          ${input({ label: tr(req, 'stores.transfer.reason'), name: 'reason', value: transfer?.reason ?? '', error: errors.fields.reason })}
          <div class="actions"><button type="submit">${tr(req, 'stores.transfer.submit')}</button></div>
        </section>
      </form>`,
  });
}

async function transfer(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  const back = filtersOf(Object.fromEntries(new URLSearchParams(text(req.body?.back))));
  const form: TransferForm = { selected: list(req.body?.storeIds), toPersonId: text(req.body?.toPersonId), reason: text(req.body?.reason), errors: noErrors };
  const storeIds = form.selected.map(Number);
  try {
    if (!storeIds.length) throw new InvalidInputError('validation.failed', { field: 'storeIds', count: 1 }, [{ path: 'storeIds', key: 'stores.transfer.none_selected' }]);
    const moved = await transferStores(cd.deps, session(req).actor, { storeIds, toPersonId: Number(form.toPersonId) || 0, reason: form.reason });
    const to = await personName(cd.deps, Number(form.toPersonId));
    redirectWith(res, `/console/stores${queryOf(back) ? `?${queryOf(back)}` : ''}`, tr(req, 'stores.transfer.done', { count: moved.length, name: to ?? '' }));
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    await listPage(req, res, cd, back, 1, { ...form, errors: formErrors(req, e) });
  }
}

// ---- one store -----------------------------------------------------------------------------------

const storeIdParam = (req: Request): number => idParam(req, 'store.not_found');

async function storeView(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  const p = await storePage(cd.deps, session(req).actor, storeIdParam(req));
  const s = p.store;
  const tz = session(req).reader.timezone;
  const who = (name: string | null, hidden: boolean) => (hidden ? html`<span class="muted">${tr(req, 'stores.page.someone')}</span>` : (name ?? '—'));
  render(req, res, {
    title: `${s.name} · ${tr(req, 'stores.title')}`,
    head: html`<link rel="stylesheet" href="/console/assets/stores.css">`,
    body: html`<p><a href="/console/stores">← ${tr(req, 'stores.title')}</a></p>
      <h1>${s.name} <small class="muted">${s.code}</small></h1>
      <section class="card">
        <dl class="facts">
          <dt>${tr(req, 'stores.col.phone')}</dt><dd>${s.phone ?? '—'}</dd>
          <dt>${tr(req, 'stores.col.address')}</dt><dd>${s.address ?? '—'}</dd>
          <dt>${tr(req, 'stores.page.location')}</dt><dd>${s.lng !== null && s.lat !== null ? `${s.lng}, ${s.lat}` : '—'}</dd>
          <dt>${tr(req, 'stores.col.region')}</dt><dd>${p.region?.name ?? '—'}</dd>
          <dt>${tr(req, 'stores.col.status')}</dt><dd>${trCode(req, 'stores.status.', s.status)}</dd>
          <dt>${tr(req, 'stores.col.stage')}</dt><dd>${trCode(req, 'stores.stage.', s.stage)}</dd>
          <dt>${tr(req, 'stores.col.grade')}</dt><dd>${s.grade}</dd>
          <dt>${tr(req, 'stores.col.owner')}</dt>
          <dd>${p.owner
            ? html`${p.owner.name} · ${s.isCustomer
                ? tr(req, 'stores.page.customer_since', { since: s.customerSince ? formatDate(s.customerSince, tz) : '—' })
                : tr(req, 'stores.page.protection', { until: s.protectedUntil ?? null })}`
            : html`<span class="muted">${tr(req, 'stores.public')}</span>`}</dd>
        </dl>
        <p class="muted">${tr(req, 'stores.page.created', { at: s.createdAt, source: s.source })}</p>
        ${p.canTransfer ? html`<p><a href="/console/stores?ownerId=${p.owner!.id}">${tr(req, 'stores.page.transfer')}</a></p>` : ''}
      </section>

      <h2>${tr(req, 'stores.page.contacts')}</h2>
      ${s.contacts.length
        ? html`<table><thead><tr><th>${tr(req, 'stores.contact.name')}</th><th>${tr(req, 'stores.contact.title')}</th><th>${tr(req, 'stores.contact.phone')}</th><th>${tr(req, 'stores.contact.email')}</th></tr></thead>
            <tbody>${s.contacts.map((c) => html`<tr><td>${c.name}${c.isPrimary ? html` <small class="muted">(${tr(req, 'stores.contact.primary')})</small>` : ''}</td><td>${c.title ?? ''}</td><td>${c.phone ?? ''}</td><td>${c.email ?? ''}</td></tr>`)}</tbody></table>`
        : html`<p class="muted">${tr(req, 'stores.page.no_contacts')}</p>`}

      <h2>${tr(req, 'stores.page.history')}</h2>
      ${p.history.entries.length
        ? html`<table class="history"><thead><tr><th>${tr(req, 'stores.history.at')}</th><th>${tr(req, 'stores.history.action')}</th><th>${tr(req, 'stores.history.from')}</th>
              <th>${tr(req, 'stores.history.to')}</th><th>${tr(req, 'stores.history.by')}</th><th>${tr(req, 'stores.history.reason')}</th><th>${tr(req, 'stores.col.protected_until')}</th></tr></thead>
            <tbody>${p.history.entries.map(
              (e) => html`<tr><td>${when(req, e.at)}</td><td>${trCode(req, 'stores.history.action.', e.action)}</td>
                <td>${who(e.from, e.fromHidden)}</td><td>${who(e.to, e.toHidden)}</td>
                <td>${e.bySystem ? html`<span class="muted">${tr(req, 'stores.page.system')}</span>` : who(e.by, e.byHidden)}</td>
                <td>${e.reason ?? ''}</td><td>${when(req, e.protectedUntil)}</td></tr>`,
            )}</tbody></table>
          ${p.history.moreEntries ? html`<p class="muted">${tr(req, 'stores.page.more')}</p>` : ''}`
        : html`<p class="muted">${tr(req, 'stores.page.no_history')}</p>`}

      <h2>${tr(req, 'stores.page.visits')}</h2>
      ${p.history.visits.length
        ? html`<table class="visits"><thead><tr><th>${tr(req, 'stores.history.at')}</th><th>${tr(req, 'stores.visit.who')}</th><th>${tr(req, 'stores.visit.method')}</th>
              <th>${tr(req, 'stores.visit.summary')}</th><th>${tr(req, 'stores.visit.outcome')}</th></tr></thead>
            <tbody>${p.history.visits.map(
              (v) => html`<tr><td>${when(req, v.at)}</td><td>${v.who}</td><td>${trCode(req, 'stores.visit.method.', v.method)}</td><td>${v.summary}</td><td>${v.outcome ?? ''}</td></tr>`,
            )}</tbody></table>
          ${p.history.moreVisits ? html`<p class="muted">${tr(req, 'stores.page.more')}</p>` : ''}`
        : html`<p class="muted">${tr(req, 'stores.page.no_visits')}</p>`}

      <h2>${tr(req, 'stores.page.opportunities')}</h2>
      ${p.opportunities.length
        ? html`<table class="opportunities"><thead><tr><th>${tr(req, 'stores.opp.name')}</th><th>${tr(req, 'stores.opp.stage')}</th><th class="num">${tr(req, 'stores.opp.amount')}</th>
              <th>${tr(req, 'stores.opp.close')}</th><th>${tr(req, 'stores.opp.owner')}</th></tr></thead>
            <tbody>${p.opportunities.map(
              (o) => html`<tr><td>${o.name}</td><td>${trCode(req, 'stores.opp.stage.', o.stage)}</td><td class="num">${money(req, o.amount)}</td><td>${formatDate(o.expectedCloseAt, tz)}</td><td>${o.owner}</td></tr>`,
            )}</tbody></table>`
        : html`<p class="muted">${tr(req, 'stores.page.no_opportunities')}</p>`}`,
  });
}

// ---- export --------------------------------------------------------------------------------------

async function exportCsv(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  const { actor, reader } = session(req);
  const filters = filtersOf(req.query as Record<string, unknown>);
  const labels = Object.fromEntries(exportColumns.map((c) => [c, tr(req, `stores.export.col.${c}`)])) as Record<(typeof exportColumns)[number], string>;
  const day = formatDate(cd.deps.clock.now(), reader.timezone);
  const name = `${tr(req, 'stores.export.filename')}-${day}.csv`;
  res.status(200);
  res.set('Content-Type', 'text/csv; charset=utf-8');
  // The ASCII name for old clients, the real one (Chinese) for the others.
  res.set('Content-Disposition', `attachment; filename="stores-${day}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.set('Cache-Control', 'no-store');
  await exportStores(cd.deps, actor, filters, {
    labels,
    timezone: reader.timezone,
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        // Waits for the client to take the piece: a slow download slows the export, it does not fill memory.
        res.write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
  });
  res.end();
}

// ---- import --------------------------------------------------------------------------------------

function previewPage(req: Request, res: Response, upload: Upload, mapping: Record<string, string>, p: StoreImportPreview, status = 200): void {
  const blocked = p.errors.count > 0;
  render(req, res, {
    title: tr(req, 'stores.import.preview_title'),
    status,
    body: html`<h1>${tr(req, 'stores.import.preview_title')}</h1>
      <p id="import-counts">${tr(req, 'stores.import.counts', { name: upload.filename, rows: p.rows, create: p.toCreate, own: p.toOwn, duplicates: p.duplicates.count, errors: p.errors.count })}</p>
      ${blocked
        ? html`<h2>${tr(req, 'stores.import.errors')}</h2>
          <p class="error" role="alert">${tr(req, 'stores.import.errors_block')}</p>
          <table class="row-errors">
            <thead><tr><th class="num">${tr(req, 'stores.import.line')}</th><th>${tr(req, 'stores.import.column')}</th><th>${tr(req, 'stores.import.problem')}</th></tr></thead>
            <tbody>${p.errors.rows.map((e) => html`<tr><td class="num">${e.line}</td><td>${e.column ?? ''}</td><td class="error">${trMessage(req, e)}</td></tr>`)}</tbody>
          </table>
          ${p.errors.count > REPORT_LIMIT ? html`<p class="muted">${tr(req, 'stores.import.more_errors', { count: p.errors.count - REPORT_LIMIT })}</p>` : ''}`
        : ''}
      <form method="post" action="/console/stores/import/${upload.id}/apply" class="card" id="apply">
        ${csrfField(req)}
        ${storeImport.hiddenMapping(mapping)}
        ${blocked ? html`<p class="error">${tr(req, 'stores.import.apply_blocked')}</p>` : p.toCreate === 0 ? html`<p class="muted">${tr(req, 'stores.import.nothing')}</p>` : ''}
        <div class="actions">
          <button type="submit"${p.canApply ? '' : html` disabled`}>${tr(req, 'stores.import.apply', { count: p.toCreate })}</button>
          <a class="button secondary" href="/console/stores/import/${upload.id}">${tr(req, 'stores.import.change_mapping')}</a>
          <a href="/console/stores/import">${tr(req, 'stores.import.again')}</a>
        </div>
      </form>
      ${p.duplicates.count
        ? html`<h2>${tr(req, 'stores.import.duplicates')}</h2>
          <p class="muted">${tr(req, 'stores.import.duplicates_hint')}</p>
          <table class="duplicates">
            <thead><tr><th class="num">${tr(req, 'stores.import.line')}</th><th>${tr(req, 'stores.col.name')}</th><th>${tr(req, 'stores.import.matched_on')}</th><th>${tr(req, 'stores.import.matches')}</th></tr></thead>
            <tbody>${p.duplicates.rows.map(
              (d) => html`<tr><td class="num">${d.line}</td><td>${d.name}</td><td>${tr(req, `stores.import.matched.${d.matchedOn}`)}</td>
                <td>${d.existing ? html`${d.existing.code} ${d.existing.name}` : tr(req, 'stores.import.matches_line', { line: d.firstLine ?? '' })}</td></tr>`,
            )}</tbody>
          </table>
          ${p.duplicates.count > REPORT_LIMIT ? html`<p class="muted">${tr(req, 'stores.import.more_duplicates', { count: p.duplicates.count - REPORT_LIMIT })}</p>` : ''}`
        : ''}
      ${p.sample.length
        ? html`<h2>${tr(req, 'stores.import.sample')}</h2>
          <table class="sample">
            <thead><tr><th class="num">${tr(req, 'stores.import.line')}</th><th>${tr(req, 'stores.col.name')}</th><th>${tr(req, 'stores.col.phone')}</th><th>${tr(req, 'stores.col.address')}</th>
              <th>${tr(req, 'stores.col.region')}</th><th>${tr(req, 'stores.col.owner')}</th><th>${tr(req, 'stores.col.status')}</th><th>${tr(req, 'stores.col.stage')}</th></tr></thead>
            <tbody>${p.sample.map(
              (s) => html`<tr><td class="num">${s.line}</td><td>${s.name}</td><td>${s.phone ?? ''}</td><td>${s.address ?? ''}</td><td>${s.region}</td>
                <td>${s.owner ?? html`<span class="muted">${tr(req, 'stores.public')}</span>`}</td><td>${trCode(req, 'stores.status.', s.status)}</td><td>${trCode(req, 'stores.stage.', s.stage)}</td></tr>`,
            )}</tbody>
          </table>`
        : ''}`,
  });
}

async function preview(req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: Record<string, string>): Promise<void> {
  const p = await previewStoreImport(cd.deps, session(req).actor, { bytes: upload.bytes, mapping, filename: upload.filename });
  // A file with bad rows is bad input, shown with every problem.
  previewPage(req, res, upload, mapping, p, p.errors.count ? 422 : 200);
}

async function apply(req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: Record<string, string>): Promise<void> {
  const { actor } = session(req);
  try {
    const r = await applyStoreImport(cd.deps, actor, { bytes: upload.bytes, mapping, filename: upload.filename });
    await discardUpload(cd, upload.id);
    redirectWith(res, '/console/stores', tr(req, 'stores.import.done', { created: r.created, owned: r.owned, contacts: r.contacts, duplicates: r.skippedDuplicates }));
  } catch (e) {
    // Refused for its rows: the dry run again, which lists every one of them.
    if (isDomainError(e) && (e.key === 'store_import.has_errors' || e.key === 'store_import.nothing_to_create')) {
      const p = await previewStoreImport(cd.deps, actor, { bytes: upload.bytes, mapping, filename: upload.filename });
      return previewPage(req, res, upload, mapping, p, 422);
    }
    throw e;
  }
}

const storeImport = importWizard<StoreImportField>({
  kind: 'stores',
  path: '/stores/import',
  adminOnly: false,
  columns: storeColumnSpec,
  text: { title: 'stores.import.title', intro: 'stores.import.intro', fileHint: 'stores.import.file_hint', gone: 'stores.import.upload_gone' },
  label: (req, f) => tr(req, `stores.import.field.${f}`),
  read: (_req, bytes) => readStoreFileAsync(bytes),
  preview,
  apply,
});

export const storesRoutes: RouteModule = (router, cd) => {
  router.get('/stores', handler((req, res) => listPage(req, res, cd, filtersOf(req.query as Record<string, unknown>), pageParam(req))));
  router.post('/stores/transfer', handler((req, res) => transfer(req, res, cd)));
  router.get('/stores.csv', handler((req, res) => exportCsv(req, res, cd)));
  storeImport.routes(router, cd);
  router.get('/stores/:id', handler((req, res) => storeView(req, res, cd)));
};
