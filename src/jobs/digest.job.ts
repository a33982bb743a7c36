import type { RunNote } from '../domain/jobs/notes.ts';
import { DIGEST_LATE_MS, digestLateJoiners, digestsPendingToday, digestZones, queueDigests, queueTodaysDigests } from '../domain/followups/digest.ts';
import type { Job, JobOutcome } from './job.ts';
import { t } from './i18n.ts';
import { dailyAt, slotAt } from './slots.ts';

/** A digest slot's key after its instant: `<zone>`, or `<zone>:p<personId>` for one person who moved into the zone after its morning ran. */
function parseSuffix(suffix: string): { timezone: string; personId: number | null } {
  const m = /^(.*):p(\d+)$/.exec(suffix);
  return m ? { timezone: m[1]!, personId: Number(m[2]) } : { timezone: suffix, personId: null };
}

function outcome(r: { sent: number; skipped: number; failed: number; unknownZones: unknown[]; error?: string; reason?: RunNote['reason'] }, counts: Record<string, number>): JobOutcome {
  if (r.unknownZones.length) counts.unknown_zones = r.unknownZones.length;
  const note: RunNote = { counts, ...(r.reason ? { reason: r.reason } : {}), ...(r.error ? { error: r.error } : {}) };
  return { sent: r.sent, skipped: r.skipped, failed: r.failed, note };
}

/**
 * The morning digest at reminderTimes.digest in each person's own time zone, on the company's working
 * days: one slot per time zone in use and local day (key `<instant>:<zone>`), so that a DST change
 * neither skips nor doubles a morning, and a person who changes zone is covered by the new zone's
 * slots (the digest's dedupe key is the person and local date). Someone whose zone is changed into one
 * whose morning has already run, within its two hours, gets a slot of their own (`<instant>:<zone>:p<id>`)
 * at the next tick, unless a digest reached them that day. More than two hours late, a slot is skipped
 * and recorded so. Run now (a slot with `manual`) sends today's digest to everyone whose time has
 * come today and who has not had it — however late, never a past day's.
 */
export const digestJob: Job = {
  name: 'digest',
  lateness: { kind: 'skip-after', ms: DIGEST_LATE_MS },
  async due(ctx, from, to) {
    const { reminderTimes, workingDays, timezone } = ctx.settings;
    const zones = await digestZones(ctx.deps, timezone);
    const slots = zones.flatMap((tz) => dailyAt(reminderTimes.digest, tz, from, to, { days: workingDays }).map((at) => slotAt(at, tz, { timezone: tz })));
    // Only up to now: asked about the future (the console's next run), there is nobody to catch up.
    if (to.getTime() <= ctx.deps.clock.now().getTime()) {
      const late = await digestLateJoiners(ctx.deps, { zones, from, to, hhmm: reminderTimes.digest, workingDays, companyZone: timezone });
      for (const p of late) slots.push(slotAt(p.at, `${p.timezone}:p${p.personId}`, { timezone: p.timezone, personId: p.personId }));
    }
    return slots.sort((a, b) => a.at.getTime() - b.at.getTime());
  },
  async run(ctx, slot) {
    if (slot.data?.manual === true) {
      const r = await queueTodaysDigests(ctx.deps);
      for (const u of r.unknownZones) console.warn(`jobs: digest: person ${u.personId} has an unknown time zone "${u.timezone}"; the company's is used`);
      const counts: Record<string, number> = { people: r.due };
      if (r.already) counts.already = r.already;
      if (r.notDue) counts.not_due = r.notDue;
      return outcome(r, counts);
    }
    const parsed = parseSuffix(slot.key.slice(slot.at.toISOString().length + 1));
    const timezone = typeof slot.data?.timezone === 'string' ? slot.data.timezone : parsed.timezone;
    const personId = typeof slot.data?.personId === 'number' ? slot.data.personId : parsed.personId;
    const r = await queueDigests(ctx.deps, { at: slot.at, timezone, ...(personId !== null ? { only: [personId] } : {}) });
    for (const u of r.unknownZones) console.warn(`jobs: digest: person ${u.personId} has an unknown time zone "${u.timezone}"; the company's is used`);
    if (r.error) console.error(`jobs: digest ${slot.key}: ${r.failed} digest(s) not made: ${r.error}`);
    const counts: Record<string, number> = { people: r.people };
    if (r.already) counts.already = r.already;
    return outcome(r, counts);
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.working_days_each', { time: settings.reminderTimes.digest }),
  pendingToday: (ctx, now) => digestsPendingToday(ctx.deps, now),
};
