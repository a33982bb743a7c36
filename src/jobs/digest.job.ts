import { DIGEST_LATE_MS, digestZones, queueDigests } from '../domain/followups/digest.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { dailyAt, slotAt } from './slots.ts';

/**
 * The morning digest at reminderTimes.digest in each person's own time zone, on the company's working
 * days: one slot per time zone in use and local day (key `<instant>:<zone>`), so that a DST change
 * neither skips nor doubles a morning, and a person who changes zone is covered by the new zone's
 * slots (the digest's dedupe key is the person and local date). More than two hours late, a slot is
 * skipped and recorded so.
 */
export const digestJob: Job = {
  name: 'digest',
  lateness: { kind: 'skip-after', ms: DIGEST_LATE_MS },
  async due(ctx, from, to) {
    const { reminderTimes, workingDays, timezone } = ctx.settings;
    const zones = await digestZones(ctx.deps, timezone);
    return zones
      .flatMap((tz) => dailyAt(reminderTimes.digest, tz, from, to, { days: workingDays }).map((at) => slotAt(at, tz, { timezone: tz })))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  },
  async run(ctx, slot) {
    const timezone = typeof slot.data?.timezone === 'string' ? slot.data.timezone : slot.key.slice(slot.at.toISOString().length + 1);
    const r = await queueDigests(ctx.deps, { at: slot.at, timezone });
    for (const u of r.unknownZones) console.warn(`jobs: digest: person ${u.personId} has an unknown time zone "${u.timezone}"; the company's is used`);
    if (r.error) console.error(`jobs: digest ${slot.key}: ${r.failed} digest(s) not made: ${r.error}`);
    const notes = [`people:${r.people}`, ...(r.reason ? [r.reason] : []), ...(r.unknownZones.length ? [`unknown_zones:${r.unknownZones.length}`] : []), ...(r.error ? [`error:${r.error.slice(0, 200)}`] : [])];
    return { sent: r.sent, skipped: r.skipped, failed: r.failed, note: notes.join(' ') };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.working_days_each', { time: settings.reminderTimes.digest }),
};
