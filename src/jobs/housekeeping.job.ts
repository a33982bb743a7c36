import { housekeeping } from '../domain/housekeeping.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { dailyAt, slotAt } from './slots.ts';

/** When the clean-up runs, company time: a quiet hour, after the sweep's default 02:00. */
export const HOUSEKEEPING_AT = '03:30';

/** The daily clean-up (domain/housekeeping.ts). A missed night runs once: it deletes what is old by now. */
export const housekeepingJob: Job = {
  name: 'housekeeping',
  lateness: { kind: 'latest' },
  due: (ctx, from, to) => dailyAt(HOUSEKEEPING_AT, ctx.settings.timezone, from, to).map((at) => slotAt(at)),
  async run(ctx) {
    const r = await housekeeping(ctx.deps, ctx.deps.clock.now());
    return { sent: 0, skipped: 0, failed: 0, note: { counts: { sessions: r.sessions, uploads: r.uploads, throttles: r.throttles, runs: r.jobRuns } } };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.daily', { time: HOUSEKEEPING_AT, tz: settings.timezone }),
};
