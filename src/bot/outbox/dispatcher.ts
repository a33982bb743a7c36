import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { systemClock, type Clock } from '../../domain/clock.ts';
import type { OutboxWaker } from '../../domain/outbox/waker.ts';
import { KEEP_DELIVERY_KEYS_MS, KEEP_SENT_MS, pruneDelivered } from '../../domain/outbox/prune.ts';
import type { Delivery, OutboxRow, Renderer } from './delivery.ts';
import { recover } from './in-doubt.ts';
import { Lanes, RECHECK_MS, refresh, versionOf, type Lane, type Row } from './lanes.ts';
import { isUnsettled, OutboxTable } from './outbox-sql.ts';
import { backoffMs, DEFAULT_BACKOFF, failed, messageOf, type BackoffOptions, type Outcome } from './slack-errors.ts';
import { SlackSender } from './slack-send.ts';

// The outbox dispatcher delivers what the domain wrote to "Outbox", each notice exactly once. This file
// is its lifecycle (start, stop, kick, the poll and resync timers, the lease heartbeat, drain) and the
// path of one row: load → claim → render → send → settle. The parts: lanes.ts (rows in memory, order
// and pace), outbox-sql.ts (every statement on the table: claims, leases, outcomes), slack-send.ts (the
// Slack calls of a post, an update, an upload), slack-errors.ts (what Slack's failures mean, back-off),
// in-doubt.ts (a send whose outcome is unknown is looked for in the channel before it is sent again).
//
// A live dispatcher renews the lease of every row it is working on each `heartbeatMs` (a quarter of the
// lease), however long Slack takes to answer; a dead one stops renewing, and its rows are taken over
// within `leaseMs` (a few seconds) instead of holding their channel's queue.

export type { BackoffOptions };

export interface DispatcherOptions {
  db: Db;
  /**
   * The app's clock (a test's fixed one): renderers read "now" from it, and it stamped the Slack delivery
   * keys that pruning removes after a day. Not for pace, leases and retries, which run on `now`.
   */
  clock?: Clock;
  /** Made with `retryConfig: { retries: 0 }`, `rejectRateLimitedCalls: true` and a timeout (a live send keeps its lease however long it takes). */
  client: WebClient;
  /** By notice kind (the app's: `Renderers`; a test may add kinds of its own). */
  renderers: Record<string, Renderer>;
  /** At most one Slack write per lane in this time (Slack: about one message per second per channel). */
  paceMs?: number;
  /** Slack calls in flight at once, over all lanes. */
  concurrency?: number;
  /** A row `sending` whose lease another dispatcher has not renewed for this long is taken to be orphaned. */
  leaseMs?: number;
  /** How often the lease of the rows in work is renewed; a quarter of `leaseMs` unless told. */
  heartbeatMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Real time, for sending times, retries, pace and leases (the system's unless told). */
  now?: () => Date;
  /** How often rows written elsewhere (another process, the CLI) are looked for. */
  pollMs?: number;
  /** How often every unsettled row is re-read, for rows a plain poll misses (out-of-order commits). */
  resyncMs?: number;
  pruneEveryMs?: number;
  /** How long sent rows are kept (an update to an older card fails with card_not_found). */
  keepSentMs?: number;
  /** Rows held in memory at most; more wait in the database, in order. */
  maxRows?: number;
  random?: () => number;
  logger?: { warn(message: string): void; error(message: string): void };
}

export interface Dispatcher extends OutboxWaker {
  /** This dispatcher's lease owner id. */
  readonly id: string;
  start(): void;
  /** Stops taking work, waits for the calls in flight, and hands its in-doubt rows over. */
  stop(): Promise<void>;
  /** New rows were written: look now instead of at the next poll. */
  kick(): void;
  /** Resolves when every row is settled (sent, skipped or failed): nothing is left to send. */
  drain(timeoutMs?: number): Promise<void>;
}

const PAGE = 1000;
/** A dead dispatcher's rows wait this long at most; a live one renews its lease every quarter of it. */
export const DEFAULT_LEASE_MS = 6_000;

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  return new OutboxDispatcher(opts);
}

class OutboxDispatcher implements Dispatcher {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly db: Db;
  private readonly appClock: Clock;
  private readonly renderers: Record<string, Renderer>;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly backoff: BackoffOptions;
  private readonly clock: () => Date;
  private readonly pollMs: number;
  private readonly resyncMs: number;
  private readonly pruneEveryMs: number;
  private readonly keepSentMs: number;
  private readonly maxRows: number;
  private readonly random: () => number;
  private readonly logger: { warn(message: string): void; error(message: string): void };

  private readonly table: OutboxTable;
  private readonly lanes: Lanes;
  private readonly slack: SlackSender;
  private cursor = 0;
  private exhausted = false;
  private needLoad = true;
  private needResync = false;

  private running = false;
  private pumping: Promise<void> | null = null;
  private again = false;
  private inFlight = 0;
  private readonly tasks = new Set<Promise<void>>();
  private wakeTimer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private intervals: NodeJS.Timeout[] = [];
  /** Rows claimed or taken by this dispatcher and not settled yet: their lease is renewed. */
  private readonly holding = new Set<Row>();
  private heartbeat: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  private drainEpoch = 0;
  private loadedEpoch = 0;
  private waiters: { epoch: number; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];

  constructor(o: DispatcherOptions) {
    this.db = o.db;
    this.appClock = o.clock ?? systemClock;
    this.renderers = o.renderers;
    this.concurrency = Math.max(1, o.concurrency ?? 32);
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(10, Math.floor(this.leaseMs / 4));
    this.backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.clock = o.now ?? systemClock.now;
    this.pollMs = o.pollMs ?? 2_000;
    this.resyncMs = o.resyncMs ?? 30_000;
    this.pruneEveryMs = o.pruneEveryMs ?? 3_600_000;
    this.keepSentMs = o.keepSentMs ?? KEEP_SENT_MS;
    this.maxRows = o.maxRows ?? 50_000;
    this.random = o.random ?? Math.random;
    this.logger = o.logger ?? { warn: (m) => console.warn(m), error: (m) => console.error(m) };
    this.table = new OutboxTable(this.db, this.id, this.leaseMs);
    this.lanes = new Lanes({ owner: this.id, leaseMs: this.leaseMs, paceMs: o.paceMs ?? 1000 });
    this.slack = new SlackSender(o.client, this.table, this.lanes, () => this.nowMs());
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  start(): void {
    if (this.running) return;
    this.running = true;
    this.needLoad = true;
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.intervals.push(t);
    };
    every(this.pollMs, () => this.kick());
    every(this.resyncMs, () => {
      this.needResync = true;
      this.wake();
    });
    every(this.pruneEveryMs, () => this.track(this.prune()));
    this.heartbeat = setInterval(() => {
      this.renewing ??= this.renew().finally(() => (this.renewing = null));
    }, this.heartbeatMs);
    this.heartbeat.unref();
    this.track(this.prune());
    this.wake();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.intervals) clearInterval(t);
    this.intervals = [];
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.immediate) clearImmediate(this.immediate);
    this.wakeTimer = null;
    this.immediate = null;
    while (this.pumping || this.tasks.size) {
      await Promise.allSettled([this.pumping, ...this.tasks]);
    }
    // The sends in flight kept their leases while they finished; now nothing is held.
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.renewing;
    try {
      // My in-doubt rows go ownerless, so that the next dispatcher settles them without waiting for the lease.
      await this.table.handOver();
    } catch (e) {
      this.logger.error(`outbox: could not hand over in-doubt rows: ${messageOf(e)}`);
    }
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('outbox dispatcher stopped'));
    }
  }

  kick(): void {
    this.needLoad = true;
    this.wake();
  }

  drain(timeoutMs = 60_000): Promise<void> {
    if (!this.running) return Promise.reject(new Error('outbox dispatcher is not running'));
    const epoch = ++this.drainEpoch;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`outbox not drained after ${timeoutMs} ms: ${this.lanes.describe()}, ${this.inFlight} in flight`));
      }, timeoutMs);
      this.waiters.push({ epoch, resolve, reject, timer });
    });
    this.kick();
    return done;
  }

  /** Pruning, every `pruneEveryMs` (a job's work, done here until the jobs come). */
  private async prune(): Promise<void> {
    try {
      await pruneDelivered(this.db, {
        sentBefore: new Date(this.nowMs() - this.keepSentMs),
        keysBefore: new Date(this.appClock.now().getTime() - KEEP_DELIVERY_KEYS_MS),
      });
    } catch (e) {
      this.logger.error(`outbox: prune failed: ${messageOf(e)}`);
    }
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private nowMs(): number {
    return this.clock().getTime();
  }

  private track(p: Promise<void>): void {
    this.tasks.add(p);
    void p.finally(() => this.tasks.delete(p));
  }

  private wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.immediate ??= setImmediate(() => {
      this.immediate = null;
      this.pumping = this.pump().finally(() => {
        this.pumping = null;
        this.afterPump();
      });
    });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      if (!this.running) return;
      try {
        if (this.needResync) await this.load(true);
        else if (this.needLoad) await this.load(false);
        await this.dispatchReady();
      } catch (e) {
        this.logger.error(`outbox: ${messageOf(e)}`);
        this.needLoad = true;
        return; // the wake timer tries again
      }
    } while (this.again);
  }

  private afterPump(): void {
    if (this.again) this.wake();
    this.settleWaiters();
    this.armTimer();
  }

  /** One timer, for the earliest moment a lane's head becomes ready. */
  private armTimer(): void {
    if (!this.running) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    const now = this.nowMs();
    let next = this.lanes.nextReady(now);
    if (this.needLoad) next = Math.min(next, now + 1000);
    if (next === Infinity) return;
    this.wakeTimer = setTimeout(() => this.wake(), Math.min(Math.max(0, next - now), 3_600_000));
    this.wakeTimer.unref();
  }

  private settleWaiters(): void {
    if (!this.waiters.length || this.inFlight || this.pumping || this.needLoad || !this.exhausted || !this.lanes.empty) return;
    const ready = this.waiters.filter((w) => w.epoch <= this.loadedEpoch);
    this.waiters = this.waiters.filter((w) => w.epoch > this.loadedEpoch);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  /** Takes the ready lane heads, oldest first, into the free call slots. */
  private async dispatchReady(): Promise<void> {
    const free = this.concurrency - this.inFlight;
    if (free <= 0) return;
    const ready = this.lanes.ready(this.nowMs());
    if (!ready.length) return;
    // With more ready than free, wait for a quarter of the slots: one claim for several rows.
    if (ready.length > free && free < Math.ceil(this.concurrency / 4)) return;
    ready.sort((a, b) => a.rows[0]!.id - b.rows[0]!.id);
    const chosen = ready.slice(0, free);
    for (const lane of chosen) this.hold(lane);
    const fresh = chosen.filter((l) => l.rows[0]!.status === 'pending');
    for (const lane of chosen) if (lane.rows[0]!.status === 'sending') this.track(this.work(lane, () => this.settleSending(lane)));
    if (fresh.length) await this.claimAndSend(fresh);
  }

  private hold(lane: Lane): void {
    lane.busy = true;
    this.inFlight += 1;
  }

  /** Runs one lane's work; afterwards the lane is free and the dispatcher looks again. */
  private async work(lane: Lane, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      // The database failed us (Slack errors are outcomes): the lane rests instead of spinning.
      this.logger.error(`outbox: lane ${lane.key}: ${messageOf(e)}`);
      lane.pausedUntil = Math.max(lane.pausedUntil, this.nowMs() + this.backoff.baseMs);
    } finally {
      lane.busy = false;
      this.inFlight -= 1;
      this.wake();
    }
  }

  // ---- loading --------------------------------------------------------------------------------

  /** Unsettled rows not yet in memory, in id order: new ones after the cursor, or all of them (resync). */
  private async load(full: boolean): Promise<void> {
    const epoch = this.drainEpoch;
    this.needLoad = false;
    if (full) {
      this.needResync = false;
      this.lanes.beginResync();
    }
    let after = full ? 0 : this.cursor;
    try {
      for (;;) {
        if (this.lanes.size >= this.maxRows) {
          this.exhausted = false;
          break;
        }
        const page = await this.table.unsettledAfter(after, PAGE);
        const now = this.nowMs();
        for (const r of page) this.lanes.remember(r, now);
        if (page.length) after = page[page.length - 1]!.id;
        this.cursor = Math.max(this.cursor, after);
        if (page.length < PAGE) {
          this.exhausted = true;
          break;
        }
      }
    } finally {
      if (full) this.lanes.endResync();
    }
    this.loadedEpoch = Math.max(this.loadedEpoch, epoch);
  }

  private forget(lane: Lane, row: Row): void {
    this.lanes.forget(lane, row);
    if (!this.exhausted && this.lanes.size < this.maxRows / 2) this.needLoad = true;
  }

  /** Reads a head row again after the database disagreed with memory. */
  private async reread(lane: Lane): Promise<void> {
    const row = lane.rows[0];
    if (!row) return;
    const r = await this.table.read(row.id);
    if (!r || !isUnsettled(r.status)) this.forget(lane, row);
    else refresh(row, r, this.nowMs());
  }

  // ---- claiming and sending -------------------------------------------------------------------

  /** One conditional UPDATE claims the heads of several lanes; each claimed row is then sent. */
  private async claimAndSend(lanes: Lane[]): Promise<void> {
    const now = new Date(this.nowMs());
    let claimed: Awaited<ReturnType<OutboxTable['claim']>>;
    try {
      await this.slack.knowRecipients(lanes.map((l) => l.rows[0]!));
      claimed = await this.table.claim(
        lanes.map((l) => l.rows[0]!.id),
        now,
      );
    } catch (e) {
      for (const lane of lanes) this.track(this.work(lane, () => Promise.reject(e)));
      return;
    }
    const byId = new Map(claimed.map((r) => [r.id, r]));
    for (const lane of lanes) {
      const got = byId.get(lane.rows[0]!.id);
      if (got) refresh(lane.rows[0]!, got, now.getTime());
      this.track(this.work(lane, () => (got ? this.send(lane) : this.reread(lane))));
    }
  }

  private async send(lane: Lane): Promise<void> {
    const row = lane.rows[0]!;
    await this.holdLease(row, async () => {
      const delivery = await this.render(row);
      const outcome = 'method' in delivery ? await this.slack.deliver(lane, row, delivery) : delivery;
      await this.settle(lane, row, outcome);
    });
  }

  /** Works on a row this dispatcher claimed or took, renewing its lease until the work is done. */
  private async holdLease(row: Row, work: () => Promise<void>): Promise<void> {
    this.holding.add(row);
    try {
      await work();
    } finally {
      this.holding.delete(row);
    }
  }

  /**
   * The heartbeat: the rows in work stay this dispatcher's for another `leaseMs` (a row settled in
   * doubt meanwhile keeps its later retry time).
   */
  private async renew(): Promise<void> {
    const rows = [...this.holding];
    if (!rows.length) return;
    try {
      await this.table.renew(
        rows.map((r) => r.id),
        new Date(this.nowMs()),
      );
    } catch (e) {
      this.logger.error(`outbox: could not renew the lease of ${rows.length} row(s): ${messageOf(e)}`);
    }
  }

  /** The notice drawn by its kind's renderer, with the app's database and clock. */
  private async render(row: Row): Promise<Delivery | Outcome> {
    const renderer = this.renderers[row.kind];
    if (!renderer) return failed(`unknown_kind: ${row.kind}`);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(row.payload) as Record<string, unknown>;
    } catch {
      return failed('invalid_payload');
    }
    const view: OutboxRow = { id: row.id, dedupeKey: row.dedupeKey, kind: row.kind, recipientId: row.recipientId, payload, channel: row.channel, attempts: row.attempts };
    try {
      const d = await renderer({ db: this.db, clock: this.appClock }, view);
      return d && typeof d === 'object' && 'method' in d ? d : failed('render: no delivery');
    } catch (e) {
      return failed(`render: ${messageOf(e)}`);
    }
  }

  // ---- in doubt -------------------------------------------------------------------------------

  /** A head in `sending`: another dispatcher's live send (look again), or in doubt (settle it). */
  private async settleSending(lane: Lane): Promise<void> {
    const row = lane.rows[0]!;
    const now = this.nowMs();
    if (this.lanes.isLiveElsewhere(row, now)) return this.reread(lane);
    const taken = await this.table.take(row, new Date(now));
    if (!taken) {
      const seen = versionOf(row);
      await this.reread(lane);
      // Unchanged yet not taken (a clock or precision quirk): rest rather than spin.
      if (lane.rows[0] === row && versionOf(row) === seen) lane.pausedUntil = now + RECHECK_MS;
      return;
    }
    refresh(row, taken, now);
    await this.holdLease(row, async () => this.settle(lane, row, await recover(this.slack, lane, row, () => this.render(row), this.nowMs())));
  }

  // ---- settling -------------------------------------------------------------------------------

  /** Writes the outcome, only while this dispatcher still owns the row, then updates memory. */
  private async settle(lane: Lane, row: Row, o: Outcome): Promise<void> {
    const now = this.nowMs();
    if (o.kind === 'failed') this.logger.error(`outbox: ${row.kind} ${row.dedupeKey} failed: ${o.error}`);
    if (o.kind === 'retry' && o.pauseMs) lane.pausedUntil = Math.max(lane.pausedUntil, now + o.pauseMs);
    const retryAt = (attempts: number) => now + (o.kind === 'retry' && o.delayMs !== undefined ? o.delayMs : backoffMs(attempts, this.backoff, this.random));
    const { sql, next } = this.table.settlement(row, o, now, retryAt);
    let changed: number;
    try {
      changed = await this.table.write(sql);
    } catch (e) {
      // Unrecorded: whatever happened, the row is in doubt now, and is looked for before any new post.
      this.logger.error(`outbox: could not record ${o.kind} of ${row.dedupeKey}: ${messageOf(e)}`);
      row.status = 'sending';
      row.leaseOwner = this.id;
      row.nextAttemptAt = now + backoffMs(row.attempts + 1, this.backoff, this.random);
      return;
    }
    if (changed === 0) {
      this.logger.warn(`outbox: lost the lease of ${row.dedupeKey} (${o.kind} not recorded)`);
      return this.reread(lane);
    }
    if (next.status === 'sent' || next.status === 'skipped' || next.status === 'failed') return this.forget(lane, row);
    row.status = next.status;
    row.attempts = next.attempts;
    row.nextAttemptAt = next.nextAttemptAt;
    row.leaseOwner = next.status === 'sending' ? this.id : null;
    if (next.status === 'pending') {
      row.sendingAt = null;
      row.messageTs = null;
    }
  }
}
