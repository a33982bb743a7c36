import { sweepAutoReturn } from '../domain/pools/sweep.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { dailyAt, slotAt } from './slots.ts';

/**
 * The nightly auto-return at settings.reminderTimes.sweep in the company's time zone. Missed nights
 * catch up once: the sweep returns whatever has ended by now, whichever night it was meant for.
 */
export const sweepJob: Job = {
  name: 'sweep',
  lateness: { kind: 'latest' },
  due: (ctx, from, to) => dailyAt(ctx.settings.reminderTimes.sweep, ctx.settings.timezone, from, to).map((at) => slotAt(at)),
  async run(ctx) {
    const result: { returned: number; notified?: number } = await sweepAutoReturn(ctx.deps, ctx.deps.clock.now());
    return { sent: result.notified ?? 0, skipped: 0, failed: 0, note: { counts: { returned: result.returned } } };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.daily', { time: settings.reminderTimes.sweep, tz: settings.timezone }),
};
