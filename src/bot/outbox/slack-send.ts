import type { WebClient } from '@slack/web-api';
import type { Delivery } from './delivery.ts';
import type { Lane, Lanes, Row } from './lanes.ts';
import type { OutboxTable } from './outbox-sql.ts';
import { classifySlackError, failed, type Outcome } from './slack-errors.ts';

// The Slack calls that deliver a rendered notice: a post, or an update in place. Each ends in an outcome
// for the row; Slack's failures are read by slack-errors.ts. Also who a recipient is in Slack, and their
// DM's channel.

/** Every post carries its row's dedupe key in the message metadata under this event type. */
export const METADATA_EVENT = 'seaboard_outbox';
/** An update whose card is not sent yet looks again after this. */
const CARD_WAIT_MS = 1_000;

/** A Web API answer: only the fields read here, all of them checked. */
export type Answer = Record<string, unknown>;

export class SlackSender {
  private readonly slackIds = new Map<number, string | null>();
  private readonly dms = new Map<number, string>();

  constructor(
    private readonly client: WebClient,
    private readonly table: OutboxTable,
    private readonly lanes: Lanes,
    private readonly now: () => number,
  ) {}

  async call(method: string, args: Record<string, unknown>): Promise<Answer> {
    return (await this.client.apiCall(method, args)) as unknown as Answer;
  }

  /** Slack ids of recipients not seen yet, in one query. */
  async knowRecipients(rows: { recipientId: number | null }[]): Promise<void> {
    const missing = [...new Set(rows.map((r) => r.recipientId).filter((id): id is number => id !== null && !this.slackIds.has(id)))];
    if (!missing.length) return;
    for (const [id, slackId] of await this.table.slackIdsOf(missing)) this.slackIds.set(id, slackId);
  }

  /** A person's DM channel (conversations.open the first time); null when they have no Slack id. */
  async dmOf(personId: number | null): Promise<string | null> {
    if (personId === null) return null;
    const cached = this.dms.get(personId);
    if (cached) return cached;
    await this.knowRecipients([{ recipientId: personId }]);
    const slackId = this.slackIds.get(personId);
    if (!slackId) return null;
    const res = await this.call('conversations.open', { users: slackId });
    const id = (res.channel as { id?: string } | undefined)?.id;
    if (id) this.dms.set(personId, id);
    return id ?? null;
  }

  async deliver(lane: Lane, row: Row, d: Delivery): Promise<Outcome> {
    switch (d.method) {
      case 'skip':
        return { kind: 'skipped', reason: d.reason };
      case 'update':
        return this.update(lane, d);
      case 'post':
        return this.post(lane, row, d);
    }
  }

  private async post(lane: Lane, row: Row, d: { text: string; blocks?: unknown[] }): Promise<Outcome> {
    const target = row.channel ?? (row.recipientId === null ? null : this.slackIds.get(row.recipientId));
    if (!target) return failed('no_recipient');
    try {
      const res = await this.lanes.paced(
        lane,
        () =>
          this.call('chat.postMessage', {
            channel: target,
            text: d.text,
            ...(d.blocks ? { blocks: d.blocks } : {}),
            metadata: { event_type: METADATA_EVENT, event_payload: { key: row.dedupeKey } },
            unfurl_links: false,
            unfurl_media: false,
          }),
        this.now,
      );
      const channel = typeof res.channel === 'string' ? res.channel : target;
      if (!row.channel && row.recipientId !== null) this.dms.set(row.recipientId, channel);
      return { kind: 'sent', channel, ts: String(res.ts) };
    } catch (e) {
      return classifySlackError(e, true);
    }
  }

  /** Replaces a card in place: once its own row is sent; never when it failed or is unknown. */
  private async update(lane: Lane, d: { cardKey: string; text: string; blocks?: unknown[] }): Promise<Outcome> {
    const card = await this.table.cardOf(d.cardKey);
    if (!card) return failed(`card_not_found: ${d.cardKey}`);
    if (card.status === 'failed' || card.status === 'skipped') return failed(`card_${card.status}: ${d.cardKey}`);
    if (card.status !== 'sent' || !card.channel || !card.messageTs) return { kind: 'retry', error: 'card not sent yet', delayMs: CARD_WAIT_MS };
    try {
      await this.lanes.paced(lane, () => this.call('chat.update', { channel: card.channel, ts: card.messageTs, text: d.text, ...(d.blocks ? { blocks: d.blocks } : {}) }), this.now);
      return { kind: 'sent', channel: card.channel, ts: card.messageTs };
    } catch (e) {
      return classifySlackError(e, false);
    }
  }
}
