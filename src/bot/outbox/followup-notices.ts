import { digestOf } from '../../domain/followups/digest.ts';
import { followUpForReminder } from '../../domain/followups/reminders.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import { loadSettings } from '../../domain/settings/settings.ts';
import { isValidTimeZone } from '../../domain/time/zone.ts';
import { homeViewOf } from '../screens/home.ts';
import { digestMessage, reminderMessage } from '../views/followup-dm.ts';
import type { Delivery, OutboxRow, Renderer, Renderers } from './delivery.ts';
import { recipientOf } from './recipient.ts';

// What the follow-up jobs send (src/domain/followups/reminders.ts, digest.ts): a follow-up's reminder
// at its due time, the morning digest, and the App Home drawn anew with the day. Each in the
// recipient's language, for an active person only.

const skip = (reason: string): Delivery => ({ method: 'skip', reason });

/**
 * The recipient, when active; a skip otherwise. A person whose own time zone is not one (bad data)
 * reads dates in the company's, as the digest was computed.
 */
async function activeRecipient(db: Db, row: OutboxRow): Promise<Awaited<ReturnType<typeof recipientOf>> | Delivery> {
  if (row.recipientId === null) return skip('notice names no recipient');
  try {
    const r = await recipientOf(db, row.recipientId);
    if (!r.actor.active) return skip('recipient deactivated');
    return isValidTimeZone(r.reader.timezone) ? r : { ...r, reader: { ...r.reader, timezone: (await loadSettings(db)).timezone } };
  } catch (e) {
    if (isDomainError(e) && e.code === 'not_found') return skip('recipient gone');
    throw e;
  }
}

/** Sent only while the follow-up is still open, due when the reminder was queued, and the recipient's. */
const reminder: Renderer = async (deps, row) => {
  const id = Number(row.payload.followUpId);
  const f = Number.isInteger(id) && id > 0 ? await followUpForReminder(deps, id) : null;
  if (!f) return skip('follow-up gone');
  if (f.status !== 'open') return skip(`follow-up ${f.status}`);
  if (f.dueAt.toISOString() !== row.payload.dueAt) return skip('follow-up moved since');
  if (f.personId !== row.recipientId) return skip('follow-up handed over');
  const r = await activeRecipient(deps.db, row);
  if ('method' in r) return r;
  return { method: 'post', ...reminderMessage(r.reader, f) };
};

/** The digest as it was computed at its time, in the time zone it was computed for. */
const digest: Renderer = async (deps, row) => {
  const d = digestOf(row.payload);
  if (!d) return skip('not a digest');
  const r = await activeRecipient(deps.db, row);
  if ('method' in r) return r;
  const timezone = isValidTimeZone(d.timezone) ? d.timezone : r.reader.timezone;
  return { method: 'post', ...digestMessage({ ...r.reader, timezone }, r.actor.name, d) };
};

/** App Home as it is when sent. */
const homeRefresh: Renderer = async (deps, row) => {
  const r = await activeRecipient(deps.db, row);
  if ('method' in r) return r;
  if (!r.slackId) return skip('no Slack account');
  return { method: 'publish', view: await homeViewOf(deps, { actor: r.actor, reader: r.reader }) };
};

export const followUpNoticeRenderers = {
  'followup.reminder': reminder,
  'followup.digest': digest,
  'home.refresh': homeRefresh,
} satisfies Partial<Renderers>;
