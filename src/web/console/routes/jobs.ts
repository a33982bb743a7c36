import type { Request, Response } from 'express';
import { NotFoundError } from '../../../domain/errors.ts';
import { recentRuns, type JobRunView } from '../../../domain/jobs/runs.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import type { Scheduler, SlotResult } from '../../../jobs/scheduler.ts';
import { html, type Html } from '../../html.ts';
import { jobsText } from '../../i18n/jobs.ts';
import { csrfField, handler, redirectWith, render, requireAdmin, session, tr, trCode, type ConsoleDeps, type RouteModule } from '../kit.ts';

// Jobs (admins): each scheduled job with its schedule in words, next run and last outcome, the recent
// runs, and Run now — which runs the slot due now through the scheduler, claimed like any other, so a
// slot already run is not run again (and a second press says so).

const RECENT = 50;

function schedulerOf(cd: ConsoleDeps): Scheduler {
  if (!cd.jobs) throw new NotFoundError('jobs.unavailable');
  return cd.jobs;
}

function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const known = (key: string): key is keyof typeof jobsText.en => key in jobsText.en;

/** A run's note in the reader's words where it is one of the scheduler's or the built-in jobs' codes; as written otherwise. */
function noteText(req: Request, note: string | null): string {
  if (!note) return '';
  const late = /^late:(\d+)$/.exec(note);
  if (late) return tr(req, 'jobs.note.late', { minutes: Math.round(Number(late[1]) / 60_000) });
  if (note === 'superseded') return tr(req, 'jobs.note.superseded');
  const parts = note.split(' ').map((p) => /^([a-z]+):(\d+)$/.exec(p));
  if (parts.every((m) => m && known(`jobs.note.${m[1]}`))) return parts.map((m) => tr(req, `jobs.note.${m![1]}` as keyof typeof jobsText.en, { n: Number(m![2]) })).join(', ');
  return note;
}

const jobName = (req: Request, name: string): string => (known(`jobs.name.${name}`) ? trCode(req, 'jobs.name.', name) : name);

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
    <td>${noteText(req, r.note)}</td>
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
            <td><form method="post" action="/console/jobs/${encodeURIComponent(j.name)}/run" class="inline">${csrfField(req)}<button type="submit">${tr(req, 'jobs.run_now')}</button></form></td>
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

/** The flash after Run now: what happened to each slot it ran (usually one). */
function outcomeMessage(req: Request, name: string, results: SlotResult[], tz: string): { message: string; kind: 'ok' | 'error' } {
  const job = jobName(req, name);
  if (results.length === 0) return { message: tr(req, 'jobs.nothing_due', { job }), kind: 'ok' };
  let kind: 'ok' | 'error' = 'ok';
  const lines = results.map((r) => {
    const slot = formatDateTime(r.at, tz);
    if (r.status === 'taken') return tr(req, 'jobs.already', { job, slot, status: trCode(req, 'jobs.status.', r.run.status) });
    if (r.status === 'skipped') return tr(req, 'jobs.already', { job, slot, status: trCode(req, 'jobs.status.', 'skipped') });
    if (r.status === 'failed') {
      kind = 'error';
      return tr(req, 'jobs.ran_failed', { job, slot, error: r.error ?? '' });
    }
    return tr(req, 'jobs.ran', { job, slot, sent: r.outcome.sent, skipped: r.outcome.skipped, failed: r.outcome.failed });
  });
  return { message: lines.join(' '), kind };
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
      const results = await scheduler.runNow(name, now, session(req).actor.id);
      const { timezone } = await loadSettings(cd.deps.db);
      const { message, kind } = outcomeMessage(req, name, results, timezone);
      redirectWith(res, '/console/jobs', message, kind);
    }),
  );
};
