import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { NotFoundError } from '../../../domain/errors.ts';
import { recentRuns, type JobRunView } from '../../../domain/jobs/runs.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { jobTitle, noteText, outcomeText, pendingText } from '../../../i18n/jobs.ts';
import type { Scheduler, SlotResult } from '../../../jobs/scheduler.ts';
import { html, type Html } from '../../html.ts';
import { csrfField, handler, readerOf, redirectWith, render, requireAdmin, session, tr, trCode, type ConsoleDeps, type RouteModule } from '../kit.ts';

// Jobs (admins): each scheduled job with its schedule in words, next run and last outcome, the recent
// runs, and Run now — a run of the job's own, now (it uses up no slot of the schedule). Each page
// gives every Run now button a fresh token: the press runs once, and the same form posted again (a
// double click, a reload) finds that run and reports it instead of running again. Beside the
// digest's button the page says whether a run now would send anything new.

const RECENT = 50;

function schedulerOf(cd: ConsoleDeps): Scheduler {
  if (!cd.jobs) throw new NotFoundError('jobs.unavailable');
  return cd.jobs;
}

function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const jobName = (req: Request, name: string): string => jobTitle(readerOf(req), name);
const runToken = (): string => randomBytes(12).toString('base64url');

function runRow(req: Request, r: JobRunView, tz: string): Html {
  return html`<tr data-run="${r.id}" data-job="${r.job}" data-status="${r.status}">
    <td>${jobName(req, r.job)}</td>
    <td>${formatDateTime(r.scheduledAt, tz)}</td>
    <td><span class="status ${r.status}">${trCode(req, 'jobs.status.', r.status)}</span>${r.attempts > 1 ? html` <span class="muted">${tr(req, 'jobs.attempts', { n: r.attempts })}</span>` : ''}</td>
    <td>${trCode(req, 'jobs.trigger.', r.trigger)}</td>
    <td>${duration(r.durationMs)}</td>
    <td class="num">${r.sent}</td>
    <td class="num">${r.skipped}</td>
    <td class="num">${r.failed}</td>
    <td>${noteText(readerOf(req), r.note)}</td>
  </tr>`;
}

async function page(req: Request, res: Response, cd: ConsoleDeps): Promise<void> {
  requireAdmin(req);
  const scheduler = schedulerOf(cd);
  const now = cd.deps.clock.now();
  const reader = session(req).reader;
  const jobs = await scheduler.overview(now, reader.locale);
  const tz = jobs[0]?.timezone ?? reader.timezone;
  const runs = await recentRuns(cd.deps, { limit: RECENT });
  render(req, res, {
    title: tr(req, 'jobs.title'),
    body: html`<h1>${tr(req, 'jobs.title')}</h1>
      <p class="muted">${tr(req, 'jobs.intro', { tz })}</p>
      <table class="list jobs">
        <thead><tr><th>${tr(req, 'jobs.field.job')}</th><th>${tr(req, 'jobs.field.schedule')}</th><th>${tr(req, 'jobs.field.next')}</th><th>${tr(req, 'jobs.field.last')}</th><th></th></tr></thead>
        <tbody>${jobs.map(
          (j) => html`<tr data-job="${j.name}">
            <td>${jobName(req, j.name)}<br><code class="muted">${j.name}</code></td>
            <td>${j.schedule}</td>
            <td>${j.nextAt ? formatDateTime(j.nextAt, j.timezone) : tr(req, 'jobs.no_next')}</td>
            <td>${j.last ? html`${trCode(req, 'jobs.status.', j.last.status)} · ${formatDateTime(j.last.scheduledAt, j.timezone)}` : html`<span class="muted">${tr(req, 'jobs.never')}</span>`}</td>
            <td><form method="post" action="/console/jobs/${encodeURIComponent(j.name)}/run" class="inline">${csrfField(req)}<input type="hidden" name="run" value="${runToken()}"><button type="submit">${tr(req, 'jobs.run_now')}</button></form>${j.pending ? html`<p class="muted hint" data-pending="${j.pending.pending}">${pendingText(readerOf(req), j.pending)}</p>` : ''}</td>
          </tr>`,
        )}</tbody>
      </table>
      <h2>${tr(req, 'jobs.recent')}</h2>
      ${runs.length === 0
        ? html`<p class="muted">${tr(req, 'jobs.none')}</p>`
        : html`<table class="list runs">
            <thead><tr><th>${tr(req, 'jobs.field.job')}</th><th>${tr(req, 'jobs.field.slot')}</th><th>${tr(req, 'jobs.field.outcome')}</th><th>${tr(req, 'jobs.field.trigger')}</th><th>${tr(req, 'jobs.field.duration')}</th><th>${tr(req, 'jobs.field.sent')}</th><th>${tr(req, 'jobs.field.skipped')}</th><th>${tr(req, 'jobs.field.failed')}</th><th>${tr(req, 'jobs.field.note')}</th></tr></thead>
            <tbody>${runs.map((r) => runRow(req, r, tz))}</tbody>
          </table>`}`,
  });
}

/** The flash after Run now: what the run did, or what the earlier run of the same press did. */
function outcomeMessage(req: Request, name: string, r: SlotResult, tz: string): { message: string; kind: 'ok' | 'error' } {
  const job = jobName(req, name);
  const reader = readerOf(req);
  if (r.status === 'skipped') return { message: tr(req, 'jobs.ran', { job, outcome: noteText(reader, r.note) }), kind: 'ok' };
  if (r.status !== 'taken') {
    if (r.status === 'failed') return { message: tr(req, 'jobs.ran_failed', { job, error: r.error ?? '' }), kind: 'error' };
    return { message: tr(req, 'jobs.ran', { job, outcome: outcomeText(reader, r.outcome) }), kind: 'ok' };
  }
  const time = formatDateTime(r.run.startedAt, tz);
  if (r.run.status === 'running') return { message: tr(req, 'jobs.running', { job, time }), kind: 'ok' };
  return {
    message: tr(req, 'jobs.already', { job, time, status: trCode(req, 'jobs.status.', r.run.status), outcome: outcomeText(reader, r.run) }),
    kind: r.run.status === 'failed' ? 'error' : 'ok',
  };
}

export const jobsRoutes: RouteModule = (router, cd) => {
  router.get('/jobs', handler((req, res) => page(req, res, cd)));

  router.post(
    '/jobs/:name/run',
    handler(async (req, res) => {
      requireAdmin(req);
      const scheduler = schedulerOf(cd);
      const name = String(req.params.name ?? '');
      const job = scheduler.jobs.find((j) => j.name === name);
      if (!job) throw new NotFoundError('jobs.unknown');
      const now = cd.deps.clock.now();
      const token = (req.body as Record<string, unknown> | undefined)?.run;
      const result = await scheduler.runNow(name, now, session(req).actor.id, typeof token === 'string' ? token : undefined);
      const { timezone } = await loadSettings(cd.deps.db);
      const { message, kind } = outcomeMessage(req, name, result, timezone);
      redirectWith(res, '/console/jobs', message, kind);
    }),
  );
};
