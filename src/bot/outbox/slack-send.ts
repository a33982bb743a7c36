import type { WebClient } from '@slack/web-api';
import type { Delivery, UploadFile } from './delivery.ts';
import type { Lane, Lanes, Row } from './lanes.ts';
import { fileMark, markedFile, type OutboxTable } from './outbox-sql.ts';
import { classifySlackError, classifyUploadFailure, failed, messageOf, type Outcome } from './slack-errors.ts';

// The Slack calls that deliver a rendered notice: a post, an update in place, an upload (the file's
// bytes, then the message that shares it), or a person's App Home published anew. Each ends in an
// outcome for the row; Slack's failures are read by slack-errors.ts. Also who a recipient is in
// Slack, and their DM's channel.

/** Every post carries its row's dedupe key in the message metadata under this event type. */
export const METADATA_EVENT = 'seaboard_outbox';
/** An update whose card is not sent yet looks again after this. */
const CARD_WAIT_MS = 1_000;
/** The bytes of an upload are given this long to reach Slack. */
const UPLOAD_TIMEOUT_MS = 30_000;

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
      case 'upload':
        return this.upload(lane, row, d);
      case 'post':
        return this.post(lane, row, d);
      case 'publish':
        return this.publish(lane, row, d.view);
    }
  }

  /** A person's App Home: published to its Slack user, at the lane's pace like its messages. */
  private async publish(lane: Lane, row: Row, view: unknown): Promise<Outcome> {
    const user = row.recipientId === null ? null : this.slackIds.get(row.recipientId);
    if (!user) return failed('no_recipient');
    try {
      await this.lanes.paced(lane, () => this.call('views.publish', { user_id: user, view }), this.now);
      return { kind: 'sent', channel: user, ts: 'home' };
    } catch (e) {
      // Publishing again is harmless: never in doubt.
      return classifySlackError(e, false);
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
    // An upload Slack did not say the message of: nothing to update.
    if (markedFile(card.messageTs)) return failed(`card_without_message: ${d.cardKey}`);
    try {
      await this.lanes.paced(lane, () => this.call('chat.update', { channel: card.channel, ts: card.messageTs, text: d.text, ...(d.blocks ? { blocks: d.blocks } : {}) }), this.now);
      return { kind: 'sent', channel: card.channel, ts: card.messageTs };
    } catch (e) {
      return classifySlackError(e, false);
    }
  }

  /**
   * files.getUploadURLExternal, the bytes to the URL it gives, then files.completeUploadExternal shares
   * the file in the channel. Nothing is shared before that last call, so a failure before it is never in
   * doubt; just before it, the file's id is noted on the row (a dispatcher that settles the row later
   * looks for that file in the channel's history, as it looks for a post's metadata key).
   */
  private async upload(lane: Lane, row: Row, d: { file: UploadFile; text?: string; blocks?: unknown[] }): Promise<Outcome> {
    let channel: string | null;
    let url: string;
    let fileId: string;
    try {
      // A file is shared in a channel (a DM's, not a user id).
      channel = row.channel ?? (await this.dmOf(row.recipientId));
      if (!channel) return failed('no_recipient');
      const alt = d.file.altText ? { alt_txt: d.file.altText, alt_text: d.file.altText } : {}; // the method's docs, and Slack's Node SDK
      const res = await this.call('files.getUploadURLExternal', { filename: d.file.name, length: d.file.content.byteLength, ...alt });
      if (typeof res.upload_url !== 'string' || typeof res.file_id !== 'string') return failed('upload: no upload_url');
      url = res.upload_url;
      fileId = res.file_id;
    } catch (e) {
      return classifySlackError(e, false);
    }
    const sent = await this.postBytes(url, d.file.content);
    if (sent) return sent;
    let noted: boolean;
    try {
      noted = await this.table.markFile(row.id, fileId);
    } catch (e) {
      return { kind: 'retry', error: `upload not noted: ${messageOf(e)}` };
    }
    if (!noted) return { kind: 'retry', error: 'lost the lease before sharing the upload' };
    row.messageTs = fileMark(fileId);
    try {
      const share = d.blocks ? { blocks: d.blocks } : d.text ? { initial_comment: d.text } : {};
      const res = await this.lanes.paced(lane, () => this.call('files.completeUploadExternal', { files: [{ id: fileId, title: d.file.title }], channel_id: channel, ...share }), this.now);
      return { kind: 'sent', channel, ts: sharedAt(res, fileId, channel) ?? fileMark(fileId) };
    } catch (e) {
      return classifySlackError(e, true);
    }
  }

  /** POSTs an upload's bytes to Slack's upload URL (with the bot token, as Slack's SDK does); an outcome when it failed. */
  private async postBytes(url: string, content: Uint8Array): Promise<Outcome | null> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: content,
        headers: { 'Content-Type': 'application/octet-stream', ...(this.client.token ? { Authorization: `Bearer ${this.client.token}` } : {}) },
        signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      return res.status === 200 ? null : classifyUploadFailure(res.status, `http_${res.status}`);
    } catch (e) {
      return classifyUploadFailure(0, messageOf(e));
    }
  }
}

/** The ts of the message that shared a file in a channel, when Slack's answer says it. */
function sharedAt(res: Answer, fileId: string, channel: string): string | null {
  const files = Array.isArray(res.files) ? (res.files as { id?: unknown; shares?: Record<string, Record<string, { ts?: unknown }[]>> }[]) : [];
  const shares = files.find((f) => f.id === fileId)?.shares;
  const ts = shares?.public?.[channel]?.[0]?.ts ?? shares?.private?.[channel]?.[0]?.ts;
  return typeof ts === 'string' ? ts : null;
}
