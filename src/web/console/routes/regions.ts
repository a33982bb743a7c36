import express, { type Request, type Response } from 'express';
import { InvalidInputError, isDomainError, type DomainError } from '../../../domain/errors.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import {
  assignableUnits,
  deleteRegion,
  exportRegions,
  getRegion,
  importRegions,
  listRegions,
  saveRegion,
  storePoints,
  type RegionView,
} from '../../../domain/regions/regions.ts';
import { fromRoot } from '../../../paths.ts';
import { html, jsonForScript, type Html } from '../../html.ts';
import { errorSummary, input, select, text } from '../forms.ts';
import { contentSecurityPolicy, csrfField, idParam, tileSource, formErrors, handler, redirectWith, render, session, tr, trMessage, uploadedFile, type ConsoleDeps, type RouteModule } from '../kit.ts';

// The regions page: a Leaflet map of every region and the stores in scope, where an outline is drawn
// or edited by clicking (assets/regions-map.js), beside plain forms and a table that work without
// JavaScript. Leaflet itself comes from node_modules, served by the app.

/** Where Leaflet's files are served (leaflet.js, leaflet.css, images/). */
const LEAFLET_URL = '/console/regions/leaflet';
const leafletDist = fromRoot('node_modules/leaflet/dist');

/** A form's choice of id: '' is none (null); junk becomes NaN, which the domain refuses with the field's message. */
const formId = (v: unknown): number | null => (text(v).trim() === '' ? null : Number(v));

const regionIdParam = (req: Request): number => idParam(req, 'region.not_found');

interface FormState {
  /** The region being edited, or null for a new one. */
  region: RegionView | null;
  values: Record<string, string>;
  error: DomainError | null;
}

const outlineText = (r: RegionView) => JSON.stringify(r.ring);

function regionForm(req: Request, units: { id: number; key: string; name: string }[], f: FormState): Html {
  const errors = f.error ? formErrors(req, f.error) : { summary: '', fields: {} as Record<string, string> };
  const v = f.values;
  const action = f.region ? `/console/regions/${f.region.id}` : '/console/regions';
  const unitOptions = [{ value: '', label: '—' }, ...units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.key})` }))];
  const polygonError = errors.fields.polygon;
  return html`<form method="post" action="${action}" class="card" id="region-form">
    <h2>${f.region ? tr(req, 'regions.form.edit', { name: f.region.name }) : tr(req, 'regions.form.new')}</h2>
    ${errorSummary(errors.summary)}
    ${polygonError ? html`<p class="error" role="alert" id="outline-error">${tr(req, 'regions.outline_error', { message: polygonError })}</p>` : ''}
    ${csrfField(req)}
    ${input({ label: tr(req, 'regions.field.key'), name: 'key', value: v.key, required: true, error: errors.fields.key, hint: tr(req, 'regions.field.key_hint') })}
    ${input({ label: tr(req, 'regions.field.name'), name: 'name', value: v.name, required: true, error: errors.fields.name })}
    ${select({ label: tr(req, 'regions.field.unit'), name: 'unitId', options: unitOptions, value: v.unitId ?? '', error: errors.fields.unitId })}
    <div class="field${polygonError ? ' invalid' : ''}">
      <label for="region-polygon">${tr(req, 'regions.field.polygon')}</label>
      <textarea id="region-polygon" name="polygon" rows="3" spellcheck="false">${v.polygon ?? ''}</textarea>
      <small class="muted">${tr(req, 'regions.field.polygon_hint')}</small>
      ${polygonError ? html`<span class="error">${polygonError}</span>` : ''}
    </div>
    <div class="actions">
      <button type="submit">${tr(req, 'regions.save')}</button>
      ${f.region ? html`<a href="/console/regions">${tr(req, 'regions.back')}</a>
        <a class="button secondary" href="/console/regions/${f.region.id}/delete">${tr(req, 'regions.delete')}</a>` : ''}
    </div>
  </form>`;
}

function mapSection(req: Request, regions: RegionView[], tileUrl: string, f: FormState): Html {
  const config = {
    tileUrl,
    pointsUrl: '/console/regions/stores.json',
    editing: f.region?.id ?? null,
    regions: regions.map((r) => ({ id: r.id, key: r.key, name: r.name, ring: r.ring })),
    text: {
      inside: tr(req, 'regions.inside', { count: '{count}' }),
      points: tr(req, 'regions.points', { count: '{count}' }),
      shown: tr(req, 'regions.stores_shown', { count: '{count}' }),
    },
  };
  return html`<section class="region-map-panel">
    <div id="region-map" role="region" aria-label="${tr(req, 'regions.map_label')}"></div>
    <div class="map-tools" id="map-tools" hidden>
      <button type="button" id="draw-new">${tr(req, 'regions.new')}</button>
      <button type="button" id="draw-finish" class="secondary" disabled>${tr(req, 'regions.finish')}</button>
      <button type="button" id="draw-remove" class="secondary" disabled>${tr(req, 'regions.remove_point')}</button>
      <button type="button" id="draw-reset" class="secondary">${tr(req, 'regions.cancel')}</button>
      <output id="inside-count" aria-live="polite"></output>
      <span id="point-count" class="muted"></span>
      <span id="stores-shown" class="muted"></span>
      <p class="muted">${tr(req, 'regions.draw_help')}</p>
    </div>
    <noscript><p class="muted">${tr(req, 'regions.no_js')}</p></noscript>
    <script type="application/json" id="regions-config">${jsonForScript(config)}</script>
  </section>`;
}

function regionTable(req: Request, regions: RegionView[]): Html {
  if (!regions.length) return html`<p class="muted">${tr(req, 'regions.table.empty')}</p>`;
  return html`<table id="regions-table">
    <thead><tr>
      <th>${tr(req, 'regions.table.name')}</th><th>${tr(req, 'regions.table.key')}</th><th>${tr(req, 'regions.table.unit')}</th>
      <th class="num">${tr(req, 'regions.table.stores')}</th><th>${tr(req, 'regions.table.actions')}</th>
    </tr></thead>
    <tbody>${regions.map(
      (r) => html`<tr data-key="${r.key}">
        <td>${r.name}</td><td><code>${r.key}</code></td><td>${r.unitName} <span class="muted">(${r.unitKey})</span></td>
        <td class="num">${r.storeCount}</td>
        <td><a href="/console/regions/${r.id}">${tr(req, 'regions.edit')}</a> · <a href="/console/regions/${r.id}/delete">${tr(req, 'regions.delete')}</a></td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** The error's sentence, then each problem with where it is (`features[2].geometry: …`). */
const problemLines = (req: Request, e: DomainError): string[] => [trMessage(req, e), ...e.issues.map((i) => `${i.path}: ${trMessage(req, i)}`)];

function importForm(req: Request, failure: DomainError | null): Html {
  return html`<form method="post" action="/console/regions/import" enctype="multipart/form-data" class="card" id="region-import">
    <h2>${tr(req, 'regions.import.title')}</h2>
    <p class="muted">${tr(req, 'regions.import.help')}</p>
    ${failure
      ? html`<div class="error" role="alert"><p>${tr(req, 'regions.import.failed')}</p>
          <ul>${problemLines(req, failure).map((l) => html`<li>${l}</li>`)}</ul></div>`
      : ''}
    ${csrfField(req)}
    ${input({ label: tr(req, 'regions.import.file'), name: 'file', type: 'file', attrs: html`accept=".geojson,.json,application/geo+json,application/json"` })}
    <div class="actions"><button type="submit">${tr(req, 'regions.import.submit')}</button>
      <a href="/console/regions.geojson" download>${tr(req, 'regions.export')}</a></div>
  </form>`;
}

async function showPage(req: Request, res: Response, cd: ConsoleDeps, o: { form?: FormState; importError?: DomainError; status?: number } = {}): Promise<void> {
  const actor = session(req).actor;
  const [regions, units, settings] = await Promise.all([listRegions(cd.deps, actor), assignableUnits(cd.deps, actor), loadSettings(cd.deps.db)]);
  const form = o.form ?? { region: null, values: {}, error: null };
  // The map's tiles come from the server the settings name: the one host img-src allows besides our own.
  const tiles = tileSource(settings.tileUrl);
  res.set('Content-Security-Policy', contentSecurityPolicy({ imgSrc: tiles ? [tiles] : [] }));
  render(req, res, {
    title: form.region ? tr(req, 'regions.form.edit', { name: form.region.name }) : tr(req, 'regions.title'),
    status: o.status,
    head: html`<link rel="stylesheet" href="${LEAFLET_URL}/leaflet.css">
      <link rel="stylesheet" href="/console/assets/regions.css">
      <script src="${LEAFLET_URL}/leaflet.js" defer></script>
      <script src="/console/assets/regions-map.js" defer></script>`,
    body: html`<h1>${tr(req, 'regions.title')}</h1>
      <p class="muted">${tr(req, 'regions.intro')}</p>
      <div class="regions-layout">
        ${mapSection(req, regions, settings.tileUrl, form)}
        ${regionForm(req, units, form)}
      </div>
      <h2>${tr(req, 'regions.table.title')}</h2>
      ${regionTable(req, regions)}
      ${importForm(req, o.importError ?? null)}`,
  });
}

/** A refused save comes back on the page with the form as it was; forbidden and not-found become the error page. */
const formStatus = (e: unknown): number | null => (isDomainError(e) && e.code === 'invalid' ? 422 : isDomainError(e) && e.code === 'conflict' ? 409 : null);

const formValues = (req: Request) => ({
  key: text(req.body?.key),
  name: text(req.body?.name),
  unitId: text(req.body?.unitId),
  polygon: text(req.body?.polygon),
});

function save(cd: ConsoleDeps, editing: boolean) {
  return handler(async (req, res) => {
    const actor = session(req).actor;
    const id = editing ? regionIdParam(req) : undefined;
    const values = formValues(req);
    try {
      const r = await saveRegion(cd.deps, actor, { id, key: values.key, name: values.name, unitId: formId(values.unitId), polygon: values.polygon });
      redirectWith(res, `/console/regions/${r.region.id}`, tr(req, 'regions.saved', { name: r.region.name, moved: r.moved }));
    } catch (e) {
      const status = formStatus(e);
      if (status === null) throw e;
      const region = id === undefined ? null : await getRegion(cd.deps, actor, id);
      await showPage(req, res, cd, { form: { region, values, error: e as DomainError }, status });
    }
  });
}

function deletePage(req: Request, res: Response, r: RegionView, error: DomainError | null, status = 200): void {
  const errors = error ? formErrors(req, error) : null;
  render(req, res, {
    title: tr(req, 'regions.delete.title', { name: r.name }),
    status,
    body: html`<h1>${tr(req, 'regions.delete.title', { name: r.name })}</h1>
      <form method="post" action="/console/regions/${r.id}/delete" class="card" id="region-delete">
        ${csrfField(req)}${errorSummary(errors?.summary)}
        <p>${tr(req, 'regions.delete.explain', { count: r.storeCount })}</p>
        <label><input type="checkbox" name="confirm" value="yes" required> ${tr(req, 'regions.delete.confirm', { name: r.name })}</label>
        ${errors?.fields.confirm ? html`<span class="error">${errors.fields.confirm}</span>` : ''}
        <div class="actions"><button type="submit" class="danger">${tr(req, 'regions.delete')}</button>
          <a href="/console/regions">${tr(req, 'regions.back')}</a></div>
      </form>`,
  });
}

export const regionsRoutes: RouteModule = (router, cd) => {
  router.use('/regions/leaflet', express.static(leafletDist, { maxAge: '1d', fallthrough: false, index: false }));

  router.get('/regions', handler((req, res) => showPage(req, res, cd)));

  router.get(
    '/regions.geojson',
    handler(async (req, res) => {
      const file = await exportRegions(cd.deps, session(req).actor);
      res.set('Content-Disposition', 'attachment; filename="regions.geojson"').type('application/geo+json').send(JSON.stringify(file, null, 1));
    }),
  );

  // The map's dots as one flat array [lng, lat, lng, lat, …]: 100,000 stores in about 2 MB.
  router.get(
    '/regions/stores.json',
    handler(async (req, res) => {
      const points = await storePoints(cd.deps, session(req).actor);
      const flat = new Array<number>(points.length * 2);
      points.forEach(([lng, lat], i) => {
        flat[2 * i] = Math.round(lng * 1e6) / 1e6;
        flat[2 * i + 1] = Math.round(lat * 1e6) / 1e6;
      });
      res.set('Cache-Control', 'no-store').json({ points: flat });
    }),
  );

  router.post('/regions', save(cd, false));

  router.post(
    '/regions/import',
    handler(async (req, res) => {
      const file = uploadedFile(req);
      try {
        if (!file) throw new InvalidInputError('regions.import.no_file');
        const r = await importRegions(cd.deps, session(req).actor, file.buffer);
        redirectWith(res, '/console/regions', tr(req, 'regions.imported', { created: r.created, updated: r.updated, moved: r.moved }));
      } catch (e) {
        if (!isDomainError(e) || e.code !== 'invalid') throw e;
        await showPage(req, res, cd, { importError: e, status: 422 });
      }
    }),
  );

  router.get(
    '/regions/:id',
    handler(async (req, res) => {
      const r = await getRegion(cd.deps, session(req).actor, regionIdParam(req));
      const values = { key: r.key, name: r.name, unitId: String(r.unitId), polygon: outlineText(r) };
      await showPage(req, res, cd, { form: { region: r, values, error: null } });
    }),
  );

  router.post('/regions/:id', save(cd, true));

  router.get(
    '/regions/:id/delete',
    handler(async (req, res) => deletePage(req, res, await getRegion(cd.deps, session(req).actor, regionIdParam(req)), null)),
  );

  router.post(
    '/regions/:id/delete',
    handler(async (req, res) => {
      const actor = session(req).actor;
      const id = regionIdParam(req);
      if (text(req.body?.confirm) !== 'yes') {
        const missing = new InvalidInputError('validation.failed', { field: 'confirm', count: 1 }, [{ path: 'confirm', key: 'regions.delete.confirm_missing' }]);
        // The region is read first: a manager outside its subtree is refused before being told anything.
        deletePage(req, res, await getRegion(cd.deps, actor, id), missing, 422);
        return;
      }
      const r = await deleteRegion(cd.deps, actor, id);
      redirectWith(res, '/console/regions', tr(req, 'regions.deleted', { name: r.name, moved: r.moved }));
    }),
  );
};
