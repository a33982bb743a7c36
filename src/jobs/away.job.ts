import { applyAbsences } from '../domain/people/away.ts';
import { firstAndLatest } from './catch-up.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { everyMs, slotAt } from './slots.ts';

/**
 * Away periods begin and end (domain/people/away.ts): at a period's start its delegate joins the steps
 * the absent person holds; at its end the delegate's part ends. Each period starts and ends once
 * (startedAt, endedAt), so the latest missed slot catches up on everything.
 */
export const awayJob: Job = {
  name: 'away',
  lateness: { kind: 'latest' },
  due: (_ctx, from, to) => firstAndLatest(everyMs(60_000, from, to)).map((at) => slotAt(at)),
  async run(ctx) {
    const r = await applyAbsences(ctx.deps);
    return { sent: 0, skipped: 0, failed: 0, note: { counts: { away_started: r.started, away_ended: r.ended, delegated: r.delegated, handed_back: r.returned } } };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.every_minute'),
};
