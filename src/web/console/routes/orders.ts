import type { Request, Response } from 'express';
import { apiTokenScopes, createApiToken, listApiTokens, revokeApiToken, type ApiTokenScope } from '../../../domain/console/api-tokens.ts';
import { isDomainError, type DomainError } from '../../../domain/errors.ts';
import type { OrderField } from '../../../domain/orders/orders.ts';
import { applyOrderImport, inspectOrderFileAsync, orderColumnSpec, previewOrderImport, type OrderImportReport, type OrderMapping } from '../../../domain/orders/order-import.ts';
import { listOrders } from '../../../domain/orders/order-list.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { errorSummary, input, select, text } from '../forms.ts';
import { importWizard } from '../import-wizard.ts';
import { csrfField, idParam, formErrors, handler, money, pager, pageParam, redirectWith, render, requireAdmin, session, tr, trMessage, type ConsoleDeps, type RouteModule } from '../kit.ts';
import { discardUpload, type Upload } from '../uploads.ts';

// Orders (admins): the recent orders, the CSV import (upload → columns → dry run → apply, the file
// kept in the Upload table between the steps), and the API tokens of the order system.

const noErrors = { summary: '', fields: {} as Record<string, string> };
/** Rows of errors shown on the preview; the count says how many there are in all. */
const ERRORS_SHOWN = 500;

const when = (req: Request, d: Date | null) => (d ? formatDateTime(d, session(req).reader.timezone) : '—');

// ---- the list ------------------------------------------------------------------------------------

async function listPage(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  requireAdmin(req);
  const storeCode = text(req.query.store).trim().slice(0, 40);
  const list = await listOrders(cd.deps, session(req).actor, { storeCode: storeCode || undefined, page: pageParam(req) });
  render(req, res, {
    title: tr(req, 'orders.title'),
    body: html`<h1>${tr(req, 'orders.title')}</h1>
      <div class="actions">
        <a class="button" href="/console/orders/import">${tr(req, 'orders.import.link')}</a>
        <a class="button secondary" href="/console/api-tokens">${tr(req, 'orders.tokens.link')}</a>
      </div>
      <form method="get" action="/console/orders" class="filters card" role="search">
        ${input({ label: tr(req, 'orders.field.store_code'), name: 'store', value: storeCode })}
        <div class="actions"><button type="submit">${tr(req, 'orders.filter')}</button></div>
      </form>
      ${list.rows.length
        ? html`<table class="orders">
            <thead><tr><th>${tr(req, 'orders.field.ordered_at')}</th><th>${tr(req, 'orders.field.order_no')}</th><th>${tr(req, 'orders.field.store')}</th>
              <th class="num">${tr(req, 'orders.field.amount')}</th><th>${tr(req, 'orders.field.rep')}</th><th>${tr(req, 'orders.field.recorded_at')}</th></tr></thead>
            <tbody>${list.rows.map(
              (o) => html`<tr>
                <td>${when(req, o.orderedAt)}</td><td>${o.orderNo}</td>
                <td><a href="/console/orders?store=${encodeURIComponent(o.storeCode)}">${o.storeCode}</a> ${o.storeName}</td>
                <td class="num">${money(req, o.amount)}</td><td>${o.personName ?? html`<span class="muted">${tr(req, 'orders.public')}</span>`}</td><td>${when(req, o.createdAt)}</td>
              </tr>`,
            )}</tbody>
          </table>
          ${pager(req, list)}`
        : html`<p class="muted">${tr(req, storeCode ? 'orders.none_for_store' : 'orders.none')}</p>`}`,
  });
}

// ---- the import ----------------------------------------------------------------------------------

const fieldLabel = (req: Request, f: OrderField) => tr(req, `orders.column.${f}`);

function reportPage(req: Request, res: Response, upload: { id: string; filename: string }, r: OrderImportReport, status: number): void {
  const tz = session(req).reader.timezone;
  const bad = r.errors.length > 0;
  render(req, res, {
    title: tr(req, 'orders.import.title'),
    status,
    body: html`<h1>${tr(req, 'orders.import.title')}</h1>
      <p>${tr(req, 'orders.import.summary', { name: upload.filename, rows: r.rows, created: r.created, unchanged: r.unchanged, errors: r.errors.length })}</p>
      ${bad
        ? html`<p class="error" role="alert">${tr(req, 'orders.import.has_errors', { count: r.errors.length })}</p>
          <table class="row-errors">
            <thead><tr><th class="num">${tr(req, 'orders.import.line')}</th><th>${tr(req, 'orders.import.column')}</th><th>${tr(req, 'orders.import.problem')}</th></tr></thead>
            <tbody>${r.errors.slice(0, ERRORS_SHOWN).map(
              (e) => html`<tr><td class="num">${e.line}</td><td>${e.column ?? ''}</td><td class="error">${trMessage(req, e)}</td></tr>`,
            )}</tbody>
          </table>
          ${r.errors.length > ERRORS_SHOWN ? html`<p class="muted">${tr(req, 'orders.import.more_errors', { count: r.errors.length - ERRORS_SHOWN })}</p>` : ''}
          <div class="actions"><a class="button" href="/console/orders/import">${tr(req, 'orders.import.again')}</a>
            <a class="button secondary" href="/console/orders/import/${upload.id}">${tr(req, 'orders.import.change_mapping')}</a></div>`
        : html`<form method="post" action="/console/orders/import/${upload.id}/apply" class="card">
            ${csrfField(req)}
            ${orderImport.hiddenMapping(r.mapping)}
            <p>${tr(req, 'orders.import.ready', { created: r.created, unchanged: r.unchanged })}</p>
            <div class="actions"><button type="submit">${tr(req, 'orders.import.apply')}</button>
              <a class="button secondary" href="/console/orders/import/${upload.id}">${tr(req, 'orders.import.change_mapping')}</a></div>
          </form>`}
      ${r.sample.length
        ? html`<h2>${tr(req, 'orders.import.sample')}</h2>
          <table class="sample">
            <thead><tr><th class="num">${tr(req, 'orders.import.line')}</th><th>${fieldLabel(req, 'orderNo')}</th><th>${fieldLabel(req, 'storeCode')}</th>
              <th class="num">${fieldLabel(req, 'amount')}</th><th>${fieldLabel(req, 'orderedAt')}</th><th>${tr(req, 'orders.import.status')}</th></tr></thead>
            <tbody>${r.sample.map(
              (o) => html`<tr><td class="num">${o.line}</td><td>${o.orderNo}</td><td>${o.storeCode}</td><td class="num">${money(req, o.amount, { grouping: false })}</td>
                <td>${formatDateTime(o.orderedAt, tz)}</td><td>${tr(req, `orders.import.status.${o.status}`)}</td></tr>`,
            )}</tbody>
          </table>`
        : ''}`,
  });
}

async function preview(req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: OrderMapping): Promise<void> {
  const report = await previewOrderImport(cd.deps, session(req).actor, upload.bytes, mapping);
  reportPage(req, res, upload, report, report.errors.length ? 422 : 200);
}

async function apply(req: Request, res: Response, cd: ConsoleDeps, upload: Upload, mapping: OrderMapping): Promise<void> {
  const { actor } = session(req);
  try {
    const r = await applyOrderImport(cd.deps, actor, upload.bytes, mapping, { filename: upload.filename });
    await discardUpload(cd, upload.id);
    redirectWith(res, '/console/orders', tr(req, 'orders.import.done', { created: r.created, unchanged: r.unchanged }));
  } catch (e) {
    // Something changed since the preview (or the apply was posted without one): show why.
    if (!(isDomainError(e) && e.key === 'order.import_invalid')) throw e;
    reportPage(req, res, upload, await previewOrderImport(cd.deps, actor, upload.bytes, mapping), 422);
  }
}

const orderImport = importWizard({
  kind: 'orders',
  path: '/orders/import',
  adminOnly: true,
  columns: orderColumnSpec,
  text: { title: 'orders.import.title', intro: 'orders.import.intro', fileHint: 'orders.import.file_hint', gone: 'orders.upload_not_found' },
  label: fieldLabel,
  hint: (req, f) => tr(req, `orders.column.${f}_hint`),
  read: async (req, bytes) => {
    const file = await inspectOrderFileAsync(session(req).actor, bytes);
    return { ...file, guess: file.mapping };
  },
  preview,
  apply,
});

// ---- API tokens ----------------------------------------------------------------------------------

async function tokensPage(req: Request, res: Response, cd: ConsoleDeps, o: { created?: { name: string; token: string; scope: ApiTokenScope }; error?: DomainError; name?: string; scope?: string } = {}): Promise<void> {
  requireAdmin(req);
  const tokens = await listApiTokens(cd.deps, session(req).actor);
  const errors = o.error ? formErrors(req, o.error) : noErrors;
  render(req, res, {
    title: tr(req, 'orders.tokens.title'),
    status: o.error ? 422 : 200,
    body: html`<h1>${tr(req, 'orders.tokens.title')}</h1>
      <p>${tr(req, 'orders.tokens.intro')}</p>
      ${o.created
        ? html`<section class="card new-token" role="status">
            <h2>${tr(req, 'orders.tokens.created', { name: o.created.name })}</h2>
            <p>${tr(req, 'orders.tokens.scope_is', { scope: tr(req, `orders.tokens.scope.${o.created.scope}`) })}</p>
            <p><strong>${tr(req, 'orders.tokens.copy_now')}</strong></p>
            <p><input type="text" readonly value="${o.created.token}" size="60" aria-label="${tr(req, 'orders.tokens.token')}" id="new-token"></p>
            <p class="muted">${tr(req, 'orders.tokens.usage')}</p>
            <pre>curl -X POST ${req.protocol}://${req.get('host') ?? 'localhost'}/api/orders \\
  -H "Authorization: Bearer ${o.created.token}" -H "Content-Type: application/json" \\
  -d '{"orderNo":"SO-1001","storeCode":"CRM202611220001","amount":12850,"orderedAt":"2026-11-22T14:05:00+08:00"}'</pre>
          </section>`
        : ''}
      <form method="post" action="/console/api-tokens" class="card">
        <h2>${tr(req, 'orders.tokens.new')}</h2>
        ${errorSummary(errors.summary)}
        ${csrfField(req)}
        ${input({ label: tr(req, 'orders.tokens.name'), name: 'name', value: o.name ?? '', required: true, error: errors.fields.name, hint: tr(req, 'orders.tokens.name_hint') })}
        ${select({
          label: tr(req, 'orders.tokens.scope'),
          name: 'scope',
          options: apiTokenScopes.map((s) => ({ value: s, label: tr(req, `orders.tokens.scope.${s}`) })),
          value: o.scope ?? 'orders:write',
          error: errors.fields.scope,
        })}
        <div class="actions"><button type="submit">${tr(req, 'orders.tokens.create')}</button></div>
      </form>
      ${tokens.length
        ? html`<table class="tokens">
            <thead><tr><th>${tr(req, 'orders.tokens.name')}</th><th>${tr(req, 'orders.tokens.prefix')}</th><th>${tr(req, 'orders.tokens.scope')}</th><th>${tr(req, 'orders.tokens.created_at')}</th>
              <th>${tr(req, 'orders.tokens.last_used')}</th><th>${tr(req, 'orders.tokens.status')}</th><th></th></tr></thead>
            <tbody>${tokens.map(
              (t) => html`<tr data-token="${t.id}">
                <td>${t.name}</td><td><code>${t.prefix}…</code></td><td data-scope="${t.scope}">${tr(req, `orders.tokens.scope.${t.scope}`)}</td>
                <td>${when(req, t.createdAt)}${t.createdBy ? html` <span class="muted">(${t.createdBy})</span>` : ''}</td>
                <td>${t.lastUsedAt ? when(req, t.lastUsedAt) : html`<span class="muted">${tr(req, 'orders.tokens.never')}</span>`}</td>
                <td>${t.revokedAt ? tr(req, 'orders.tokens.revoked_at', { at: when(req, t.revokedAt) }) : tr(req, 'orders.tokens.active')}</td>
                <td>${t.revokedAt
                  ? ''
                  : html`<form method="post" action="/console/api-tokens/${t.id}/revoke" class="inline">${csrfField(req)}
                      <button type="submit" class="danger">${tr(req, 'orders.tokens.revoke')}</button></form>`}</td>
              </tr>`,
            )}</tbody>
          </table>`
        : html`<p class="muted">${tr(req, 'orders.tokens.none')}</p>`}`,
  });
}

const tokenIdParam = (req: Request): number => idParam(req, 'api_token.not_found');

export const ordersRoutes: RouteModule = (router, cd) => {
  router.get('/orders', handler((req, res) => listPage(req, res, cd)));

  orderImport.routes(router, cd);

  router.get('/api-tokens', handler((req, res) => tokensPage(req, res, cd)));

  router.post(
    '/api-tokens',
    handler(async (req, res) => {
      requireAdmin(req);
      const name = text(req.body?.name);
      const scope = text(req.body?.scope) || 'orders:write';
      try {
        const { token, apiToken } = await createApiToken(cd.deps, session(req).actor, { name, scope: scope as (typeof apiTokenScopes)[number] });
        // Shown on this response only (never in a redirect's flash cookie); the page is not cached.
        await tokensPage(req, res, cd, { created: { name: apiToken.name, token, scope: apiToken.scope } });
      } catch (e) {
        if (!(isDomainError(e) && e.code === 'invalid')) throw e;
        await tokensPage(req, res, cd, { error: e, name, scope });
      }
    }),
  );

  router.post(
    '/api-tokens/:id/revoke',
    handler(async (req, res) => {
      requireAdmin(req);
      const r = await revokeApiToken(cd.deps, session(req).actor, tokenIdParam(req));
      redirectWith(res, '/console/api-tokens', tr(req, r.revoked ? 'orders.tokens.revoked' : 'orders.tokens.already_revoked'));
    }),
  );
};
