import { runApprovalReminders } from '../domain/approvals/reminders.ts';
import type { Job } from './job.ts';
import { t } from './i18n.ts';
import { everyMs, slotAt } from './slots.ts';
import { firstAndLatest } from './catch-up.ts';

/** How often pending approval steps are looked at: a reminder or an escalation is at most this late. */
export const APPROVAL_REMINDERS_EVERY_MINUTES = 15;

/**
 * Approval reminders and escalation (domain/approvals/reminders.ts). What is due is worked out from
 * the steps themselves (their age in working hours, remindCount, escalatedAt), so a missed slot needs
 * no catching up of its own: the latest one runs once and sends what is due by now, once.
 */
export const approvalRemindersJob: Job = {
  name: 'approval-reminders',
  lateness: { kind: 'latest' },
  due: (_ctx, from, to) => firstAndLatest(everyMs(APPROVAL_REMINDERS_EVERY_MINUTES * 60_000, from, to)).map((at) => slotAt(at)),
  async run(ctx) {
    const r = await runApprovalReminders(ctx.deps);
    return { sent: r.notices, skipped: 0, failed: 0, note: { counts: { steps: r.scanned, reminded: r.reminded, escalated: r.escalated } } };
  },
  describe: (settings, locale) => t({ locale, timezone: settings.timezone }, 'jobs.schedule.every_minutes', { n: APPROVAL_REMINDERS_EVERY_MINUTES }),
};
