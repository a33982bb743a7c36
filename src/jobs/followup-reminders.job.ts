import { DAY_MS } from '../domain/clock.ts';
import { remindDueFollowUps } from '../domain/followups/reminders.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { everyMs, slotAt } from './slots.ts';

const MINUTE_MS = 60_000;
/** Each run looks at least this far back: a gap of a few minutes (a slow tick, a takeover) misses nothing. */
const MIN_WINDOW_MS = 10 * MINUTE_MS;
/** …and at most this far: a catch-up after a long outage, or a first run, does not remind of last week. */
const MAX_WINDOW_MS = DAY_MS;

/**
 * A follow-up's reminder at its due time: a slot every minute, each reminding the follow-ups that fell
 * due since the scheduler last looked (`since`, carried by the slot). Of a window of several minutes
 * (after downtime; the console asking when it runs next) only the first and the latest minute are
 * slots: the latest runs with the whole missed window (up to a day), the first says when the job runs
 * next; the minutes between would be hundreds of JobRun rows saying "superseded". The reminder's dedupe
 * key (follow-up and due time) keeps every follow-up reminded once however windows overlap.
 */
export const followUpRemindersJob: Job = {
  name: 'followup-reminders',
  lateness: { kind: 'latest' },
  due: (_ctx, from, to) => {
    const minutes = everyMs(MINUTE_MS, from, to);
    return (minutes.length > 2 ? [minutes[0]!, minutes.at(-1)!] : minutes).map((at) => slotAt(at, undefined, { since: from.toISOString() }));
  },
  async run(ctx, slot) {
    const at = slot.at.getTime();
    const since = typeof slot.data?.since === 'string' ? Date.parse(slot.data.since) : NaN;
    const from = Math.max(at - MAX_WINDOW_MS, Math.min(Number.isNaN(since) ? at : since, at - MIN_WINDOW_MS));
    const r = await remindDueFollowUps(ctx.deps, { from: new Date(from), to: slot.at });
    return { sent: r.queued, skipped: r.due - r.queued, failed: 0 };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.every_minute'),
};
