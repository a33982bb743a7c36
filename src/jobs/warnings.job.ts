import { warnBeforeReturn } from '../domain/pools/warnings.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { dailyAt, slotAt } from './slots.ts';

/**
 * Warnings before a store returns to the public pool, once a day at the digest's time in the company's
 * time zone: a warning is something to act on (visit, ask for an extension), so it comes when people
 * start their day — the sweep's 02:00 would be a notification in the night. Every day, not only
 * working days: protection runs out on weekends too, and a store ending on Sunday still gets its
 * 1-day warning. A missed day catches up once: the windows are measured from the moment it runs.
 */
export const warningsJob: Job = {
  name: 'warnings',
  lateness: { kind: 'latest' },
  due: (ctx, from, to) => dailyAt(ctx.settings.reminderTimes.digest, ctx.settings.timezone, from, to).map((at) => slotAt(at)),
  async run(ctx) {
    const queued = await warnBeforeReturn(ctx.deps, ctx.deps.clock.now());
    return { sent: queued, skipped: 0, failed: 0 };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.daily', { time: settings.reminderTimes.digest, tz: settings.timezone }),
};
