import type { Db } from '../../db/client.ts';

// The contract between the outbox dispatcher and the code that turns a domain notice into Slack
// messages. The domain writes what happened (kind + payload, ids only); a renderer reads the current
// state and says what to send, in the recipient's language, at the moment it is sent.

export interface OutboxRow {
  id: number;
  dedupeKey: string;
  kind: string;
  recipientId: number | null;
  payload: Record<string, unknown>;
  /** A channel the notice names itself (a team channel); else the recipient's DM. */
  channel: string | null;
  attempts: number;
}

export type Delivery =
  /** A new message in the recipient's DM (or the row's channel); its channel and ts are remembered. */
  | { method: 'post'; text: string; blocks?: unknown[] }
  /** Replace a message posted earlier by the row whose dedupe key is `cardKey`, in place. */
  | { method: 'update'; cardKey: string; text: string; blocks?: unknown[] }
  /** Nothing to send any more (the thing it was about is gone); the row is settled. */
  | { method: 'skip'; reason: string };

export type Renderer = (db: Db, row: OutboxRow) => Promise<Delivery>;
