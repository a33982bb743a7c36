import type { Request, Response } from 'express';
import { auditFilterChoices, listAudit, type AuditFilter, type AuditRow } from '../../../domain/audit/query.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import { formatDateTime, isValidTimeZone, zonedTimeToUtc } from '../../../domain/time/zone.ts';
import { html, type Html } from '../../html.ts';
import { input, select, text } from '../forms.ts';
import { handler, pager, pageParam, readerOf, render, session, tr, type ConsoleDeps, type RouteModule } from '../kit.ts';
import { actionLabel, changeCell, entityLabel } from './audit-view.ts';

// The audit log: who changed what and when, newest first, filtered by the query string (a GET form:
// a filtered page can be bookmarked). Managers see their subtree's part of it (the domain decides).


/** `2026-11-22` as the start of that day in tz (`days` later for an exclusive end); null when not a date. */
function dayStart(s: string, tz: string, days = 0): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return zonedTimeToUtc({ year, month, day: day + days }, tz);
}

interface Query {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  from: string;
  to: string;
}

function filterOf(q: Query, tz: string): { filter: AuditFilter; bad: Partial<Record<keyof Query, true>> } {
  const bad: Partial<Record<keyof Query, true>> = {};
  const filter: AuditFilter = {};
  if (q.actor === 'system') filter.actor = 'system';
  else if (/^\d{1,9}$/.test(q.actor)) filter.actor = Number(q.actor);
  if (q.action) filter.action = q.action.slice(0, 80);
  if (q.entity) filter.entity = q.entity.slice(0, 40);
  if (q.entityId) filter.entityId = q.entityId.slice(0, 80);
  if (q.from) {
    const d = dayStart(q.from, tz);
    if (d) filter.from = d;
    else bad.from = true;
  }
  if (q.to) {
    const d = dayStart(q.to, tz, 1);
    if (d) filter.to = d;
    else bad.to = true;
  }
  return { filter, bad };
}

function row(req: Request, r: AuditRow, tz: string): Html {
  const reader = readerOf(req);
  const action = actionLabel(reader, r.action);
  return html`<tr data-audit="${r.id}">
    <td>${formatDateTime(r.at, tz)}</td>
    <td>${r.actorId === null ? html`<span class="muted">${tr(req, 'audit.system')}</span>` : (r.actorName ?? tr(req, 'audit.person_n', { id: r.actorId }))}</td>
    <td>${action ?? html`<code>${r.action}</code>`}</td>
    <td>${entityLabel(reader, r.entity) ?? r.entity} <a href="/console/audit?entity=${encodeURIComponent(r.entity)}&amp;entityId=${encodeURIComponent(r.entityId)}">#${r.entityId}</a></td>
    <td class="change">${changeCell(reader, tz, r.entity, r.before, r.after)}</td>
  </tr>`;
}

async function auditPage(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  const s = session(req);
  const reader = readerOf(req);
  // The log is the company's record: its times in the company's zone, whoever reads it.
  const companyZone = (await loadSettings(cd.deps.db)).timezone;
  const tz = isValidTimeZone(companyZone) ? companyZone : 'UTC';
  const q: Query = {
    actor: text(req.query.actor).trim(),
    action: text(req.query.action).trim(),
    entity: text(req.query.entity).trim(),
    entityId: text(req.query.entityId).trim(),
    from: text(req.query.from).trim(),
    to: text(req.query.to).trim(),
  };
  const { filter, bad } = filterOf(q, tz);
  const [choices, list] = await Promise.all([auditFilterChoices(cd.deps, s.actor), listAudit(cd.deps, s.actor, { ...filter, page: pageParam(req) })]);
  const any = { value: '', label: tr(req, 'audit.any') };
  const badDate = tr(req, 'audit.bad_date');
  render(req, res, {
    title: tr(req, 'audit.title'),
    status: bad.from || bad.to ? 422 : 200,
    body: html`<h1>${tr(req, 'audit.title')}</h1>
      ${s.actor.role === 'admin' ? '' : html`<p class="muted">${tr(req, 'audit.scope_note')}</p>`}
      <form method="get" action="/console/audit" class="filters card" role="search">
        ${select({
          label: tr(req, 'audit.field.actor'),
          name: 'actor',
          options: [any, ...(s.actor.role === 'admin' ? [{ value: 'system', label: tr(req, 'audit.system') }] : []), ...choices.people.map((p) => ({ value: String(p.id), label: p.name }))],
          value: q.actor,
        })}
        ${select({ label: tr(req, 'audit.field.action'), name: 'action', options: [any, ...choices.actions.map((a) => ({ value: a, label: actionLabel(reader, a) ?? a }))], value: q.action })}
        ${select({ label: tr(req, 'audit.field.entity'), name: 'entity', options: [any, ...choices.entities.map((e) => ({ value: e, label: entityLabel(reader, e) ?? e }))], value: q.entity })}
        ${input({ label: tr(req, 'audit.field.entity_id'), name: 'entityId', value: q.entityId })}
        ${input({ label: tr(req, 'audit.field.from'), name: 'from', type: 'date', value: q.from, error: bad.from ? badDate : undefined })}
        ${input({ label: tr(req, 'audit.field.to'), name: 'to', type: 'date', value: q.to, error: bad.to ? badDate : undefined })}
        <div class="actions"><button type="submit">${tr(req, 'audit.filter')}</button> <a href="/console/audit">${tr(req, 'audit.clear')}</a></div>
      </form>
      ${list.rows.length
        ? html`<p class="muted">${tr(req, 'audit.zone', { zone: tz })}</p>
          <table class="audit">
            <thead><tr><th>${tr(req, 'audit.field.at')}</th><th>${tr(req, 'audit.field.actor')}</th><th>${tr(req, 'audit.field.action')}</th>
              <th>${tr(req, 'audit.field.entity')}</th><th>${tr(req, 'audit.field.change')}</th></tr></thead>
            <tbody>${list.rows.map((r) => row(req, r, tz))}</tbody>
          </table>
          ${pager(req, list)}`
        : html`<p class="muted">${tr(req, 'audit.none')}</p>`}`,
  });
}

export const auditRoutes: RouteModule = (router, cd) => {
  router.get('/audit', handler((req, res) => auditPage(req, res, cd)));
};
