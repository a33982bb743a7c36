import type { Deps } from '../../domain/deps.ts';
import type { NoticeKind } from '../../domain/outbox/outbox.ts';
import type { OutboxRecord } from './outbox-sql.ts';

// The contract between the outbox dispatcher and the code that turns a domain notice into Slack
// messages. The domain writes what happened (kind + payload, ids only); a renderer reads the current
// state and says what to send, in the recipient's language, at the moment it is sent.

/** A notice as a renderer sees it: its row, with the payload parsed. */
export type OutboxRow = Pick<OutboxRecord, 'id' | 'dedupeKey' | 'kind' | 'recipientId' | 'channel' | 'attempts'> & {
  /** A channel the notice names itself (a team channel); null: the recipient's DM. */
  channel: string | null;
  payload: Record<string, unknown>;
};

/** A file to share: Slack tells its type from the name (`.png` is shown as an image). */
export interface UploadFile {
  name: string;
  title: string;
  /** For screen readers. */
  altText?: string;
  content: Uint8Array;
}

export type Delivery =
  /** A new message in the recipient's DM (or the row's channel); its channel and ts are remembered. */
  | { method: 'post'; text: string; blocks?: unknown[] }
  /** Replace a message posted earlier by the row whose dedupe key is `cardKey`, in place. */
  | { method: 'update'; cardKey: string; text: string; blocks?: unknown[] }
  /**
   * A file shared in the recipient's DM (or the row's channel) by one message: with `blocks` when given,
   * else with `text` as its comment (Slack ignores blocks when there is a comment), else alone.
   */
  | { method: 'upload'; file: UploadFile; text?: string; blocks?: unknown[] }
  /** The recipient's App Home drawn anew (views.publish): idempotent, so a publish in doubt is simply done again. */
  | { method: 'publish'; view: unknown }
  /** Nothing to send any more (the thing it was about is gone); the row is settled. */
  | { method: 'skip'; reason: string };

/** Draws a notice with the app's dependencies: its database, and its clock for "now". */
export type Renderer = (deps: Deps, row: OutboxRow) => Promise<Delivery>;

/** A renderer for every kind of notice the domain writes. */
export type Renderers = Record<NoticeKind, Renderer>;
