import { inTransaction } from '../../db/client.ts';
import type { Deps } from '../deps.ts';
import { pacer } from '../imports/pace.ts';
import { enqueueBulk, type Notice } from '../outbox/outbox.ts';

// A follow-up's reminder: a DM to its person at its due time, with Done / Snooze 1 h / Tomorrow. The
// follow-up reminder job calls remindDueFollowUps each minute for the minute that passed, and after
// downtime for the whole window it missed: the dedupe key (follow-up and due time) makes every
// follow-up reminded once per due time however the windows overlap; a snooze sets a new due time,
// hence a new reminder then.

const PAGE = 500;

export const reminderKey = (followUpId: number, dueAt: Date): string => `followup:${followUpId}:${dueAt.toISOString()}`;

export interface RemindResult {
  /** Reminders newly queued. */
  queued: number;
  /** Open follow-ups due in the window (those of people without Slack or no longer active are not reminded). */
  due: number;
}

/**
 * Queues a reminder for each open follow-up due in (from, to] whose person is active and has a Slack
 * account. Reminders already queued for a follow-up and due time are left as they are.
 */
export async function remindDueFollowUps(deps: Deps, window: { from: Date; to: Date }): Promise<RemindResult> {
  const { from, to } = window;
  const result: RemindResult = { queued: 0, due: 0 };
  if (!(to.getTime() > from.getTime())) return result;
  const pace = pacer();
  // Pages in (dueAt, id) order, so that the scan stays on the (status, dueAt) index: a minute's window
  // reads a minute's follow-ups.
  let after: { dueAt: Date; id: number } | null = null;
  for (;;) {
    await pace();
    const next: { dueAt: Date; id: number } | null = after;
    const rows: { id: number; dueAt: Date; personId: number; person: { active: boolean; slackId: string | null } }[] = await deps.db.followUp.findMany({
      where: {
        status: 'open',
        dueAt: { gt: from, lte: to },
        ...(next ? { OR: [{ dueAt: { gt: next.dueAt } }, { dueAt: next.dueAt, id: { gt: next.id } }] } : {}),
      },
      select: { id: true, dueAt: true, personId: true, person: { select: { active: true, slackId: true } } },
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!;
    result.due += rows.length;
    const notices = rows
      .filter((f) => f.person.active && f.person.slackId)
      .map((f): Notice => ({
        dedupeKey: reminderKey(f.id, f.dueAt),
        kind: 'followup.reminder',
        recipientId: f.personId,
        payload: { followUpId: f.id, dueAt: f.dueAt.toISOString() },
      }));
    if (notices.length) result.queued += await inTransaction(deps.db, (tx) => enqueueBulk(tx, notices, deps.clock.now()));
    if (rows.length < PAGE) break;
  }
  return result;
}

export interface ReminderFollowUp {
  id: number;
  personId: number;
  status: string;
  dueAt: Date;
  note: string | null;
  snoozes: number;
  store: { id: number; code: string; name: string };
}

/** A follow-up as its reminder shows it, when it is sent; null when it is gone. */
export async function followUpForReminder(deps: Deps, followUpId: number): Promise<ReminderFollowUp | null> {
  return deps.db.followUp.findUnique({
    where: { id: followUpId },
    select: { id: true, personId: true, status: true, dueAt: true, note: true, snoozes: true, store: { select: { id: true, code: true, name: true } } },
  });
}
