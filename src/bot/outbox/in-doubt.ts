import type { Delivery } from './delivery.ts';
import type { Lane, Row } from './lanes.ts';
import { markedFile } from './outbox-sql.ts';
import { classifySlackError, failed, type Outcome } from './slack-errors.ts';
import { METADATA_EVENT, type SlackSender } from './slack-send.ts';

// A row in `sending` whose outcome is unknown is "in doubt": its dispatcher died mid-send (the lease
// ran out), or the call that creates the message failed in a way that may have reached Slack (HTTP 5xx,
// a dropped connection, a timeout). Before it is sent again, the channel's history is searched: for a
// post, a message with its dedupe key in the metadata; for an upload, the message that shared the file
// noted on the row. Found, it is sent; not found, it is pending again. A failed look keeps it in doubt.

/** Slack's clock and ours may differ: history is searched from a little before the send. */
const HISTORY_SKEW_MS = 5_000;
const HISTORY_PAGES = 10;

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { key?: unknown } };
  files?: { id?: unknown }[];
}

/**
 * Settles a row in doubt, which this dispatcher has just taken. An update is done again (it is
 * idempotent); so is a skip. `render` draws the notice as it would be sent now.
 */
export async function recover(slack: SlackSender, lane: Lane, row: Row, render: () => Promise<Delivery | Outcome>, now: number): Promise<Outcome> {
  const since = (row.sendingAt ?? now) - HISTORY_SKEW_MS;
  const fileId = markedFile(row.messageTs);
  if (fileId) {
    return lookFor(slack, row, since, (m) => Array.isArray(m.files) && m.files.some((f) => f?.id === fileId));
  }
  const delivery = await render();
  if (!('method' in delivery)) return delivery;
  // No file noted: the upload never got as far as being shared.
  if (delivery.method === 'upload') return { kind: 'release' };
  if (delivery.method !== 'post') return slack.deliver(lane, row, delivery);
  return lookFor(slack, row, since, (m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.key === row.dedupeKey);
}

/** Sent when the row's channel holds the message, pending again when it does not. */
async function lookFor(slack: SlackSender, row: Row, since: number, isIt: (m: HistoryMessage) => boolean): Promise<Outcome> {
  try {
    const channel = row.channel ?? (await slack.dmOf(row.recipientId));
    if (!channel) return failed('no_recipient');
    const ts = await findInHistory(slack, channel, since, isIt);
    return ts ? { kind: 'sent', channel, ts } : { kind: 'release' };
  } catch (e) {
    const o = classifySlackError(e, true);
    return o.kind === 'retry' ? { ...o, inDoubt: true } : o;
  }
}

/** The ts of the first message since `since` (epoch ms) that `isIt`, newest first; null when none. */
async function findInHistory(slack: SlackSender, channel: string, since: number, isIt: (m: HistoryMessage) => boolean): Promise<string | null> {
  const oldest = since / 1000;
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const res = await slack.call('conversations.history', { channel, oldest: oldest.toFixed(6), include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
    const hit = ((res.messages ?? []) as HistoryMessage[]).find(isIt);
    if (hit?.ts) return hit.ts;
    cursor = (res.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}
