import { isUnsettled, type OutboxRecord, type Unsettled } from './outbox-sql.ts';

// Rows in memory, in lanes: one per pace key (the row's channel, else its recipient's DM), each in id
// order. Only a lane's head may go (head of line), at most one Slack write per `paceMs` per lane; a 429
// pauses its lane; different lanes go in parallel.

/** A row as the dispatcher holds it: times as epoch milliseconds. */
export interface Row extends Omit<OutboxRecord, 'status' | 'nextAttemptAt' | 'sendingAt'> {
  status: Unsettled;
  nextAttemptAt: number;
  sendingAt: number | null;
  /** When its state was last read from the database. */
  checkedAt: number;
}

export interface Lane {
  key: string;
  rows: Row[];
  busy: boolean;
  /** Pace: the next Slack write may start then. */
  nextWriteAt: number;
  /** Slack said 429: nothing goes before then. */
  pausedUntil: number;
}

/** How often a lane blocked by another dispatcher's live send looks again. */
export const RECHECK_MS = 1_000;

export const versionOf = (r: Row): string => `${r.status}|${r.attempts}|${r.sendingAt}|${r.leaseOwner}|${r.nextAttemptAt}`;

/** A row in memory takes the state the database has for it. */
export function refresh(row: Row, r: OutboxRecord, now: number): void {
  row.status = isUnsettled(r.status) ? r.status : row.status;
  row.attempts = Number(r.attempts);
  row.nextAttemptAt = new Date(r.nextAttemptAt).getTime();
  row.sendingAt = r.sendingAt ? new Date(r.sendingAt).getTime() : null;
  row.leaseOwner = r.leaseOwner;
  row.channel = r.channel;
  row.messageTs = r.messageTs;
  row.checkedAt = now;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  /** Ids of the rows held, in any lane. */
  private readonly known = new Set<number>();
  /** Rows settled since the current full resync began: a stale read must not bring them back. */
  private settledDuringResync: Set<number> | null = null;

  constructor(
    private readonly o: {
      /** This dispatcher's lease owner id. */
      owner: string;
      leaseMs: number;
      paceMs: number;
    },
  ) {}

  get size(): number {
    return this.known.size;
  }

  /** A full resync reads every unsettled row again; rows settled meanwhile stay forgotten. */
  beginResync(): void {
    this.settledDuringResync = new Set();
  }

  endResync(): void {
    this.settledDuringResync = null;
  }

  /** A row read from the database joins its lane, in id order (unless it is held already). */
  remember(r: OutboxRecord, now: number): void {
    if (this.known.has(r.id) || this.settledDuringResync?.has(r.id)) return;
    const row: Row = { ...r, attempts: 0, status: 'pending', nextAttemptAt: 0, sendingAt: null, leaseOwner: null, checkedAt: now };
    refresh(row, r, now);
    const key = row.channel ? `c:${row.channel}` : `p:${row.recipientId ?? 0}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, rows: [], busy: false, nextWriteAt: 0, pausedUntil: 0 };
      this.lanes.set(key, lane);
    }
    const rows = lane.rows;
    // Almost always appended; a resync may bring an older row a late commit hid.
    let i = rows.length;
    while (i > 0 && rows[i - 1]!.id > row.id) i--;
    if (i === 0 && lane.busy && rows.length) i = 1; // never in front of the row in flight
    rows.splice(i, 0, row);
    this.known.add(row.id);
  }

  /** A settled row leaves its lane. */
  forget(lane: Lane, row: Row): void {
    const i = lane.rows.indexOf(row);
    if (i >= 0) lane.rows.splice(i, 1);
    this.known.delete(row.id);
    this.settledDuringResync?.add(row.id);
  }

  /** Until when a row in `sending` is its owner's: its renewed lease, and never less than `leaseMs` from its claim. */
  leaseEnd(r: Row): number {
    return Math.max(r.nextAttemptAt, (r.sendingAt ?? 0) + this.o.leaseMs);
  }

  /** Another dispatcher is sending this row right now. */
  isLiveElsewhere(r: Row, now: number): boolean {
    return r.leaseOwner !== null && r.leaseOwner !== this.o.owner && this.leaseEnd(r) > now;
  }

  /** When the head of a lane may next be worked on. */
  readyAt(lane: Lane, now: number): number {
    const r = lane.rows[0]!;
    if (r.status === 'pending') return Math.max(r.attempts === 0 ? 0 : r.nextAttemptAt, lane.pausedUntil, lane.nextWriteAt);
    const leaseEnd = this.leaseEnd(r);
    if (r.leaseOwner === null || r.leaseOwner === this.o.owner || leaseEnd <= now) return Math.max(r.nextAttemptAt, lane.pausedUntil);
    return Math.min(leaseEnd, r.checkedAt + RECHECK_MS); // another dispatcher is sending it right now
  }

  /** The idle lanes whose head may go now. */
  ready(now: number): Lane[] {
    const out: Lane[] = [];
    for (const lane of this.lanes.values()) {
      if (!lane.busy && lane.rows.length && this.readyAt(lane, now) <= now) out.push(lane);
    }
    return out;
  }

  /** The earliest moment an idle lane's head becomes ready (Infinity: none); drops lanes with nothing left to hold. */
  nextReady(now: number): number {
    let next = Infinity;
    for (const [key, lane] of this.lanes) {
      if (lane.busy) continue;
      if (lane.rows.length) next = Math.min(next, this.readyAt(lane, now));
      // An empty lane is kept while its pace or pause still holds, or the next row would skip them.
      else if (lane.nextWriteAt <= now && lane.pausedUntil <= now) this.lanes.delete(key);
    }
    return next;
  }

  /** No row is held. */
  get empty(): boolean {
    for (const lane of this.lanes.values()) if (lane.rows.length) return false;
    return true;
  }

  /**
   * A Slack write on the lane, paced from the moment its answer came: a call's latency varies, and
   * counting from its start could let Slack receive two messages closer together than the pace.
   */
  async paced<T>(lane: Lane, call: () => Promise<T>, now: () => number): Promise<T> {
    try {
      return await call();
    } finally {
      lane.nextWriteAt = now() + this.o.paceMs;
    }
  }

  describe(): string {
    let rows = 0;
    for (const l of this.lanes.values()) rows += l.rows.length;
    return `${rows} row(s) in ${this.lanes.size} lane(s)`;
  }
}
