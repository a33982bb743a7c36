import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { inTransaction, Prisma, type Db } from '../../db/client.ts';
import type { Delivery, OutboxRow, Renderer } from './delivery.ts';

// The outbox dispatcher delivers what the domain wrote to "Outbox", each notice exactly once.
//
// Rows are kept in memory in lanes, one per pace key (the recipient's DM, or the row's channel), in id
// order. Only a lane's head may go (head of line), at most one Slack write per `paceMs` per lane, and
// lanes go in parallel up to `concurrency` calls. The database stays the truth: a row is claimed with
// a conditional update (pending → sending, with this dispatcher as lease owner) before it is sent, and
// every later change is conditional on still owning it, so two dispatchers never send the same row.
//
// A row in `sending` whose outcome is unknown is "in doubt": its dispatcher died mid-send (the lease
// ran out), or the post failed in a way that may have reached Slack (HTTP 5xx, a dropped connection,
// a timeout). Before such a row is posted again, the channel's history is searched for the message's
// metadata key: found, it is marked sent; not found, it goes back to pending.
//
// The lease of a row in `sending` runs until its `nextAttemptAt` (a claim sets it `leaseMs` ahead).
// A live dispatcher renews the lease of every row it is working on each `heartbeatMs` (a quarter of
// the lease), however long Slack takes to answer; a dead one stops renewing, and its rows are taken
// over within `leaseMs` (a few seconds) instead of holding their channel's queue.

export interface BackoffOptions {
  /** The first retry's delay; it doubles with each attempt. */
  baseMs: number;
  maxMs: number;
  /** 0–1: how much of each delay is random (a retry waits between (1 − jitter) × d and d). */
  jitter: number;
}

export interface DispatcherOptions {
  db: Db;
  /** Made with `retryConfig: { retries: 0 }`, `rejectRateLimitedCalls: true` and a timeout (a live send keeps its lease however long it takes). */
  client: WebClient;
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
  /** The dispatcher's clock: sending times, retries, pace. */
  now?: () => Date;
  /** The clock the domain stamps SlackDelivery rows with (pruning compares on the clock that wrote them). */
  domainNow?: () => Date;
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

export interface Dispatcher {
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

export const METADATA_EVENT = 'seaboard_outbox';
const DAY_MS = 86_400_000;
const PAGE = 1000;
/** Slack's clock and ours may differ: history is searched from a little before the send. */
const HISTORY_SKEW_MS = 5_000;
const HISTORY_PAGES = 10;
/** How often a lane blocked by another dispatcher's live send looks again. */
const RECHECK_MS = 1_000;
/** A dead dispatcher's rows wait this long at most; a live one renews its lease every quarter of it. */
export const DEFAULT_LEASE_MS = 6_000;
/** An update whose card is not sent yet looks again after this. */
const CARD_WAIT_MS = 1_000;

// Slack errors that say "not now" rather than "never": retried. Auth and scope errors are fixed by an
// admin, after which the notice should still go out.
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited', 'team_added_to_org']);
const CONFIGURATION = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'missing_scope', 'ekm_access_denied']);
/** Network errors raised before the request left: it cannot have reached Slack. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

type Unsettled = 'pending' | 'sending';
type Settled = 'sent' | 'skipped' | 'failed';

interface DbRow {
  id: number;
  dedupeKey: string;
  kind: string;
  recipientId: number | null;
  payload: string;
  channel: string | null;
  attempts: number;
  status: string;
  nextAttemptAt: Date;
  sendingAt: Date | null;
  leaseOwner: string | null;
}

interface Row {
  id: number;
  dedupeKey: string;
  kind: string;
  recipientId: number | null;
  payload: string;
  channel: string | null;
  attempts: number;
  status: Unsettled;
  nextAttemptAt: number;
  sendingAt: number | null;
  leaseOwner: string | null;
  /** When its state was last read from the database. */
  checkedAt: number;
}

interface Lane {
  key: string;
  rows: Row[];
  busy: boolean;
  /** Pace: the next Slack write may start then. */
  nextWriteAt: number;
  /** Slack said 429: nothing goes before then. */
  pausedUntil: number;
}

type Outcome =
  | { kind: 'sent'; channel: string; ts: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string }
  /** Not delivered, try again. `inDoubt`: it may have been, look before posting again. `pauseMs`: the lane waits too. */
  | { kind: 'retry'; error: string; delayMs?: number; pauseMs?: number; inDoubt?: boolean }
  /** An in-doubt post that never reached the channel: pending again, due now. */
  | { kind: 'release' };

/** A Web API answer: only the fields read here, all of them checked. */
type Answer = Record<string, unknown>;

const COLS = Prisma.raw(`"id", "dedupeKey", "kind", "recipientId", "payload", "channel", "attempts", "status", "nextAttemptAt", "sendingAt", "leaseOwner"`);

const failed = (error: string): Outcome => ({ kind: 'failed', error: error.slice(0, 500) });
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function backoffMs(attempts: number, o: BackoffOptions, random: () => number = Math.random): number {
  const full = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full * (1 - o.jitter * random()));
}

/**
 * What a failed Slack call means for the row. `mayHaveLanded`: the call was a post, which a 5xx or a
 * broken connection may have delivered anyway (an update can simply be done again).
 */
export function classifySlackError(e: unknown, mayHaveLanded: boolean): Outcome {
  const err = e as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: { name?: string; cause?: { code?: string } } };
  const doubt = (error: string): Outcome => ({ kind: 'retry', error, inDoubt: mayHaveLanded });
  switch (err.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const ms = Math.max(0, err.retryAfter ?? 1) * 1000;
      return { kind: 'retry', error: 'ratelimited', delayMs: ms, pauseMs: ms };
    }
    case webApi.ErrorCode.HTTPError:
      return (err.statusCode ?? 0) >= 500 ? doubt(`http_${err.statusCode}`) : failed(`http_${err.statusCode}`);
    case webApi.ErrorCode.PlatformError: {
      const code = err.data?.error ?? 'unknown_error';
      if (TRANSIENT.has(code)) return doubt(code);
      if (CONFIGURATION.has(code)) return { kind: 'retry', error: code };
      return failed(code);
    }
    case webApi.ErrorCode.RequestError: {
      const cause = err.original?.cause?.code ?? err.original?.name ?? 'unknown';
      return NOT_SENT.has(cause) ? { kind: 'retry', error: `request: ${cause}` } : doubt(`request: ${cause}`);
    }
    default:
      return { kind: 'retry', error: `unexpected: ${messageOf(e)}` };
  }
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  return new OutboxDispatcher(opts);
}

class OutboxDispatcher implements Dispatcher {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly db: Db;
  private readonly client: WebClient;
  private readonly renderers: Record<string, Renderer>;
  private readonly paceMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly backoff: BackoffOptions;
  private readonly clock: () => Date;
  private readonly domainClock: () => Date;
  private readonly pollMs: number;
  private readonly resyncMs: number;
  private readonly pruneEveryMs: number;
  private readonly keepSentMs: number;
  private readonly maxRows: number;
  private readonly random: () => number;
  private readonly logger: { warn(message: string): void; error(message: string): void };

  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<number>();
  /** Rows settled since the current full resync began: a stale read must not bring them back. */
  private settledDuringResync: Set<number> | null = null;
  private readonly slackIds = new Map<number, string | null>();
  private readonly dms = new Map<number, string>();
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

  /** Settling writes waiting for the next group commit. */
  private writes: { sql: Prisma.Sql; done: (changed: number) => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  private drainEpoch = 0;
  private loadedEpoch = 0;
  private waiters: { epoch: number; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];

  constructor(o: DispatcherOptions) {
    this.db = o.db;
    this.client = o.client;
    this.renderers = o.renderers;
    this.paceMs = o.paceMs ?? 1000;
    this.concurrency = Math.max(1, o.concurrency ?? 32);
    this.leaseMs = o.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = o.heartbeatMs ?? Math.max(10, Math.floor(this.leaseMs / 4));
    this.backoff = { baseMs: 1000, maxMs: 300_000, jitter: 0.5, ...o.backoff };
    this.clock = o.now ?? (() => new Date());
    this.domainClock = o.domainNow ?? this.clock;
    this.pollMs = o.pollMs ?? 2_000;
    this.resyncMs = o.resyncMs ?? 30_000;
    this.pruneEveryMs = o.pruneEveryMs ?? 3_600_000;
    this.keepSentMs = o.keepSentMs ?? 7 * DAY_MS;
    this.maxRows = o.maxRows ?? 50_000;
    this.random = o.random ?? Math.random;
    this.logger = o.logger ?? { warn: (m) => console.warn(m), error: (m) => console.error(m) };
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
    await this.handOver();
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
        reject(new Error(`outbox not drained after ${timeoutMs} ms: ${this.describe()}`));
      }, timeoutMs);
      this.waiters.push({ epoch, resolve, reject, timer });
    });
    this.kick();
    return done;
  }

  /** My in-doubt rows go ownerless, so that the next dispatcher settles them without waiting for the lease. */
  private async handOver(): Promise<void> {
    try {
      await inTransaction(this.db, (tx) => tx.$executeRaw`UPDATE "Outbox" SET "leaseOwner" = NULL WHERE "status" = 'sending' AND "leaseOwner" = ${this.id}`);
    } catch (e) {
      this.logger.error(`outbox: could not hand over in-doubt rows: ${messageOf(e)}`);
    }
  }

  private describe(): string {
    let rows = 0;
    for (const l of this.lanes.values()) rows += l.rows.length;
    return `${rows} row(s) in ${this.lanes.size} lane(s), ${this.inFlight} in flight`;
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
    let next = Infinity;
    for (const [key, lane] of this.lanes) {
      if (lane.busy) continue;
      if (lane.rows.length) next = Math.min(next, this.readyAt(lane, now));
      // An empty lane is kept while its pace or pause still holds, or the next row would skip them.
      else if (lane.nextWriteAt <= now && lane.pausedUntil <= now) this.lanes.delete(key);
    }
    if (this.needLoad) next = Math.min(next, now + 1000);
    if (next === Infinity) return;
    this.wakeTimer = setTimeout(() => this.wake(), Math.min(Math.max(0, next - now), 3_600_000));
    this.wakeTimer.unref();
  }

  private settleWaiters(): void {
    if (!this.waiters.length || this.inFlight || this.pumping || this.needLoad || !this.exhausted) return;
    for (const lane of this.lanes.values()) if (lane.rows.length) return;
    const ready = this.waiters.filter((w) => w.epoch <= this.loadedEpoch);
    this.waiters = this.waiters.filter((w) => w.epoch > this.loadedEpoch);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  /** Until when a row in `sending` is its owner's: its renewed lease, and never less than `leaseMs` from its claim. */
  private leaseEnd(r: Row): number {
    return Math.max(r.nextAttemptAt, (r.sendingAt ?? 0) + this.leaseMs);
  }

  /** When the head of a lane may next be worked on. */
  private readyAt(lane: Lane, now: number): number {
    const r = lane.rows[0]!;
    if (r.status === 'pending') return Math.max(r.attempts === 0 ? 0 : r.nextAttemptAt, lane.pausedUntil, lane.nextWriteAt);
    const leaseEnd = this.leaseEnd(r);
    if (r.leaseOwner === null || r.leaseOwner === this.id || leaseEnd <= now) return Math.max(r.nextAttemptAt, lane.pausedUntil);
    return Math.min(leaseEnd, r.checkedAt + RECHECK_MS); // another dispatcher is sending it right now
  }

  /** Takes the ready lane heads, oldest first, into the free call slots. */
  private async dispatchReady(): Promise<void> {
    const free = this.concurrency - this.inFlight;
    if (free <= 0) return;
    const now = this.nowMs();
    const ready: Lane[] = [];
    for (const lane of this.lanes.values()) {
      if (!lane.busy && lane.rows.length && this.readyAt(lane, now) <= now) ready.push(lane);
    }
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

  private laneKey(r: { channel: string | null; recipientId: number | null }): string {
    return r.channel ? `c:${r.channel}` : `p:${r.recipientId ?? 0}`;
  }

  /** Unsettled rows not yet in memory, in id order: new ones after the cursor, or all of them (resync). */
  private async load(full: boolean): Promise<void> {
    const epoch = this.drainEpoch;
    this.needLoad = false;
    if (full) {
      this.needResync = false;
      this.settledDuringResync = new Set();
    }
    let after = full ? 0 : this.cursor;
    try {
      for (;;) {
        if (this.known.size >= this.maxRows) {
          this.exhausted = false;
          break;
        }
        const page = await this.db.$queryRaw<DbRow[]>`SELECT ${COLS} FROM "Outbox"
          WHERE "status" IN ('pending', 'sending') AND "id" > ${after} ORDER BY "id" LIMIT ${PAGE}`;
        const now = this.nowMs();
        for (const r of page) this.remember(r, now);
        if (page.length) after = page[page.length - 1]!.id;
        this.cursor = Math.max(this.cursor, after);
        if (page.length < PAGE) {
          this.exhausted = true;
          break;
        }
      }
    } finally {
      if (full) this.settledDuringResync = null;
    }
    this.loadedEpoch = Math.max(this.loadedEpoch, epoch);
  }

  private remember(r: DbRow, now: number): void {
    if (this.known.has(r.id) || this.settledDuringResync?.has(r.id)) return;
    const row: Row = {
      id: r.id,
      dedupeKey: r.dedupeKey,
      kind: r.kind,
      recipientId: r.recipientId,
      payload: r.payload,
      channel: r.channel,
      attempts: 0,
      status: 'pending',
      nextAttemptAt: 0,
      sendingAt: null,
      leaseOwner: null,
      checkedAt: now,
    };
    refresh(row, r, now);
    const key = this.laneKey(row);
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

  private forget(lane: Lane, row: Row): void {
    const i = lane.rows.indexOf(row);
    if (i >= 0) lane.rows.splice(i, 1);
    this.known.delete(row.id);
    this.settledDuringResync?.add(row.id);
    if (!this.exhausted && this.known.size < this.maxRows / 2) this.needLoad = true;
  }

  /** Reads a head row again after the database disagreed with memory. */
  private async reread(lane: Lane): Promise<void> {
    const row = lane.rows[0];
    if (!row) return;
    const [r] = await this.db.$queryRaw<DbRow[]>`SELECT ${COLS} FROM "Outbox" WHERE "id" = ${row.id}`;
    if (!r || !isUnsettled(r.status)) this.forget(lane, row);
    else refresh(row, r, this.nowMs());
  }

  // ---- claiming and sending -------------------------------------------------------------------

  /** One conditional UPDATE claims the heads of several lanes; each claimed row is then sent. */
  private async claimAndSend(lanes: Lane[]): Promise<void> {
    const now = new Date(this.nowMs());
    const ids = lanes.map((l) => l.rows[0]!.id);
    let claimed: DbRow[];
    try {
      await this.knowRecipients(lanes.map((l) => l.rows[0]!));
      claimed = await inTransaction(this.db, (tx) =>
        tx.$queryRaw<DbRow[]>`UPDATE "Outbox" SET "status" = 'sending', "sendingAt" = ${now}, "leaseOwner" = ${this.id}, "nextAttemptAt" = ${this.leaseFrom(now)}
          WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'pending' AND ("attempts" = 0 OR "nextAttemptAt" <= ${now})
          RETURNING ${COLS}`,
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
      const outcome = 'method' in delivery ? await this.deliver(lane, row, delivery) : delivery;
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

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  /**
   * The heartbeat: the rows in work stay this dispatcher's for another `leaseMs` (a row settled in
   * doubt meanwhile keeps its later retry time).
   */
  private async renew(): Promise<void> {
    const rows = [...this.holding];
    if (!rows.length) return;
    const until = this.leaseFrom(new Date(this.nowMs()));
    try {
      await inTransaction(this.db, (tx) =>
        tx.$executeRaw`UPDATE "Outbox" SET "nextAttemptAt" = ${until}
          WHERE "id" IN (${Prisma.join(rows.map((r) => r.id))}) AND "status" = 'sending' AND "leaseOwner" = ${this.id} AND "nextAttemptAt" < ${until}`,
      );
    } catch (e) {
      this.logger.error(`outbox: could not renew the lease of ${rows.length} row(s): ${messageOf(e)}`);
    }
  }

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
      const d = await renderer(this.db, view);
      return d && typeof d === 'object' && 'method' in d ? d : failed('render: no delivery');
    } catch (e) {
      return failed(`render: ${messageOf(e)}`);
    }
  }

  private async deliver(lane: Lane, row: Row, d: Delivery): Promise<Outcome> {
    if (d.method === 'skip') return { kind: 'skipped', reason: d.reason };
    if (d.method === 'update') return this.update(lane, d);
    return this.post(lane, row, d);
  }

  private async call(method: string, args: Record<string, unknown>): Promise<Answer> {
    return (await this.client.apiCall(method, args)) as unknown as Answer;
  }

  /**
   * A Slack write on the lane, paced from the moment its answer came: a call's latency varies, and
   * counting from its start could let Slack receive two messages closer together than the pace.
   */
  private async paced<T>(lane: Lane, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } finally {
      lane.nextWriteAt = this.nowMs() + this.paceMs;
    }
  }

  private async post(lane: Lane, row: Row, d: { text: string; blocks?: unknown[] }): Promise<Outcome> {
    const target = row.channel ?? (row.recipientId === null ? null : this.slackIds.get(row.recipientId));
    if (!target) return failed('no_recipient');
    try {
      const res = await this.paced(lane, () => this.call('chat.postMessage', {
        channel: target,
        text: d.text,
        ...(d.blocks ? { blocks: d.blocks } : {}),
        metadata: { event_type: METADATA_EVENT, event_payload: { key: row.dedupeKey } },
        unfurl_links: false,
        unfurl_media: false,
      }));
      const channel = typeof res.channel === 'string' ? res.channel : target;
      if (!row.channel && row.recipientId !== null) this.dms.set(row.recipientId, channel);
      return { kind: 'sent', channel, ts: String(res.ts) };
    } catch (e) {
      return classifySlackError(e, true);
    }
  }

  /** Replaces a card in place: once its own row is sent; never when it failed or is unknown. */
  private async update(lane: Lane, d: { cardKey: string; text: string; blocks?: unknown[] }): Promise<Outcome> {
    const [card] = await this.db.$queryRaw<{ status: string; channel: string | null; messageTs: string | null }[]>`
      SELECT "status", "channel", "messageTs" FROM "Outbox" WHERE "dedupeKey" = ${d.cardKey}`;
    if (!card) return failed(`card_not_found: ${d.cardKey}`);
    if (card.status === 'failed' || card.status === 'skipped') return failed(`card_${card.status}: ${d.cardKey}`);
    if (card.status !== 'sent' || !card.channel || !card.messageTs) return { kind: 'retry', error: 'card not sent yet', delayMs: CARD_WAIT_MS };
    try {
      await this.paced(lane, () => this.call('chat.update', { channel: card.channel, ts: card.messageTs, text: d.text, ...(d.blocks ? { blocks: d.blocks } : {}) }));
      return { kind: 'sent', channel: card.channel, ts: card.messageTs };
    } catch (e) {
      return classifySlackError(e, false);
    }
  }

  /** Slack ids of recipients not seen yet, in one query. */
  private async knowRecipients(rows: Row[]): Promise<void> {
    const missing = [...new Set(rows.map((r) => r.recipientId).filter((id): id is number => id !== null && !this.slackIds.has(id)))];
    if (!missing.length) return;
    const people = await this.db.person.findMany({ where: { id: { in: missing } }, select: { id: true, slackId: true } });
    for (const id of missing) this.slackIds.set(id, people.find((p) => p.id === id)?.slackId ?? null);
  }

  // ---- in doubt -------------------------------------------------------------------------------

  /** A head in `sending`: another dispatcher's live send (look again), or in doubt (settle it). */
  private async settleSending(lane: Lane): Promise<void> {
    const row = lane.rows[0]!;
    const now = this.nowMs();
    const live = row.leaseOwner !== null && row.leaseOwner !== this.id && this.leaseEnd(row) > now;
    if (live) return this.reread(lane);
    const taken = await this.take(row);
    if (!taken) {
      const seen = versionOf(row);
      await this.reread(lane);
      // Unchanged yet not taken (a clock or precision quirk): rest rather than spin.
      if (lane.rows[0] === row && versionOf(row) === seen) lane.pausedUntil = now + RECHECK_MS;
      return;
    }
    refresh(row, taken, now);
    await this.holdLease(row, async () => this.settle(lane, row, await this.recover(lane, row)));
  }

  /**
   * Becomes the owner of an in-doubt row, if nobody changed it meanwhile (sendingAt and attempts are
   * its version) and another dispatcher's lease on it has run out (it may have renewed it since read).
   */
  private async take(row: Row): Promise<DbRow | undefined> {
    const now = new Date(this.nowMs());
    const since = row.sendingAt === null ? Prisma.sql`"sendingAt" IS NULL` : Prisma.sql`"sendingAt" = ${new Date(row.sendingAt)}`;
    const [r] = await inTransaction(this.db, (tx) =>
      tx.$queryRaw<DbRow[]>`UPDATE "Outbox" SET "leaseOwner" = ${this.id}, "nextAttemptAt" = ${this.leaseFrom(now)}
        WHERE "id" = ${row.id} AND "status" = 'sending' AND "attempts" = ${row.attempts}
          AND ${since} AND COALESCE("leaseOwner", '') = ${row.leaseOwner ?? ''}
          AND ("leaseOwner" IS NULL OR "leaseOwner" = ${this.id}
            OR ("nextAttemptAt" <= ${now} AND ("sendingAt" IS NULL OR "sendingAt" <= ${new Date(now.getTime() - this.leaseMs)})))
        RETURNING ${COLS}`,
    );
    return r;
  }

  /**
   * An update is done again (it is idempotent). A post is looked for in the channel by its metadata
   * key: there, it is sent; not there, it is pending again. A failed look keeps it in doubt.
   */
  private async recover(lane: Lane, row: Row): Promise<Outcome> {
    const delivery = await this.render(row);
    if (!('method' in delivery)) return delivery;
    if (delivery.method !== 'post') return this.deliver(lane, row, delivery);
    try {
      const channel = row.channel ?? (await this.dmOf(row.recipientId));
      if (!channel) return failed('no_recipient');
      const ts = await this.findPosted(channel, row);
      return ts ? { kind: 'sent', channel, ts } : { kind: 'release' };
    } catch (e) {
      const o = classifySlackError(e, true);
      return o.kind === 'retry' ? { ...o, inDoubt: true } : o;
    }
  }

  private async dmOf(personId: number | null): Promise<string | null> {
    if (personId === null) return null;
    const cached = this.dms.get(personId);
    if (cached) return cached;
    await this.knowRecipients([{ recipientId: personId } as Row]);
    const slackId = this.slackIds.get(personId);
    if (!slackId) return null;
    const res = await this.call('conversations.open', { users: slackId });
    const id = (res.channel as { id?: string } | undefined)?.id;
    if (id) this.dms.set(personId, id);
    return id ?? null;
  }

  private async findPosted(channel: string, row: Row): Promise<string | null> {
    const oldest = ((row.sendingAt ?? this.nowMs()) - HISTORY_SKEW_MS) / 1000;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const res = await this.call('conversations.history', { channel, oldest: oldest.toFixed(6), include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
      const messages = (res.messages ?? []) as { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } }[];
      const hit = messages.find((m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.key === row.dedupeKey);
      if (hit?.ts) return hit.ts;
      cursor = (res.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  }

  // ---- settling -------------------------------------------------------------------------------

  /** Writes the outcome, only while this dispatcher still owns the row, then updates memory. */
  private async settle(lane: Lane, row: Row, o: Outcome): Promise<void> {
    const now = this.nowMs();
    const at = new Date(now);
    const mine = Prisma.sql`"id" = ${row.id} AND "status" = 'sending' AND "leaseOwner" = ${this.id}`;
    let sql: Prisma.Sql;
    let next: { status: Unsettled | Settled; attempts: number; nextAttemptAt: number; inDoubt: boolean };
    switch (o.kind) {
      case 'sent':
        sql = Prisma.sql`UPDATE "Outbox" SET "status" = 'sent', "channel" = ${o.channel}, "messageTs" = ${o.ts}, "sentAt" = ${at} WHERE ${mine}`;
        next = { status: 'sent', attempts: row.attempts, nextAttemptAt: now, inDoubt: false };
        break;
      case 'skipped':
        sql = Prisma.sql`UPDATE "Outbox" SET "status" = 'skipped', "lastError" = ${o.reason.slice(0, 500)}, "sentAt" = ${at} WHERE ${mine}`;
        next = { status: 'skipped', attempts: row.attempts, nextAttemptAt: now, inDoubt: false };
        break;
      case 'failed':
        this.logger.error(`outbox: ${row.kind} ${row.dedupeKey} failed: ${o.error}`);
        sql = Prisma.sql`UPDATE "Outbox" SET "status" = 'failed', "lastError" = ${o.error} WHERE ${mine}`;
        next = { status: 'failed', attempts: row.attempts, nextAttemptAt: now, inDoubt: false };
        break;
      case 'release':
        sql = Prisma.sql`UPDATE "Outbox" SET "status" = 'pending', "nextAttemptAt" = ${at}, "sendingAt" = NULL, "leaseOwner" = NULL WHERE ${mine}`;
        next = { status: 'pending', attempts: row.attempts, nextAttemptAt: now, inDoubt: false };
        break;
      case 'retry': {
        const attempts = row.attempts + 1;
        const due = new Date(now + (o.delayMs ?? backoffMs(attempts, this.backoff, this.random)));
        if (o.pauseMs) lane.pausedUntil = Math.max(lane.pausedUntil, now + o.pauseMs);
        // In doubt, it stays `sending` (with its sendingAt) until the channel has been looked at.
        sql = o.inDoubt
          ? Prisma.sql`UPDATE "Outbox" SET "attempts" = ${attempts}, "nextAttemptAt" = ${due}, "lastError" = ${o.error} WHERE ${mine}`
          : Prisma.sql`UPDATE "Outbox" SET "status" = 'pending', "attempts" = ${attempts}, "nextAttemptAt" = ${due}, "lastError" = ${o.error}, "sendingAt" = NULL, "leaseOwner" = NULL WHERE ${mine}`;
        next = { status: o.inDoubt ? 'sending' : 'pending', attempts, nextAttemptAt: due.getTime(), inDoubt: !!o.inDoubt };
        break;
      }
    }
    let changed: number;
    try {
      changed = await this.write(sql);
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
    if (next.status === 'pending') row.sendingAt = null;
  }

  /**
   * Group commit: the outcomes of calls that finish together are written in one transaction, one
   * UPDATE per row. A transaction costs far more than a statement, and every send ends in a write.
   */
  private write(sql: Prisma.Sql): Promise<number> {
    return new Promise((done, fail) => {
      this.writes.push({ sql, done, fail });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.writes.length) {
      const batch = this.writes.splice(0);
      try {
        const counts = await inTransaction(this.db, async (tx) => {
          const out: number[] = [];
          for (const w of batch) out.push(await tx.$executeRaw(w.sql));
          return out;
        });
        batch.forEach((w, i) => w.done(counts[i]!));
      } catch (e) {
        for (const w of batch) w.fail(e);
      }
    }
    this.flushing = null;
  }

  // ---- pruning --------------------------------------------------------------------------------

  /** Sent notices after a week, delivery keys after a day: both tables would grow forever. */
  private async prune(): Promise<void> {
    try {
      const sentBefore = new Date(this.nowMs() - this.keepSentMs);
      const keysBefore = new Date(this.domainClock().getTime() - DAY_MS);
      // A card's row holds where it was posted: kept while its request may still be decided and redrawn.
      await inTransaction(this.db, (tx) => tx.$executeRaw`DELETE FROM "Outbox" WHERE "status" IN ('sent', 'skipped') AND "sentAt" < ${sentBefore}
        AND NOT ("kind" = 'approval.card' AND EXISTS (SELECT 1 FROM "ApprovalStep" st JOIN "ApprovalRequest" r ON r."id" = st."requestId"
          WHERE "dedupeKey" = 'approval.card:' || st."id" || ':' || "recipientId" AND r."closedAt" IS NULL))`);
      await inTransaction(this.db, (tx) => tx.$executeRaw`DELETE FROM "SlackDelivery" WHERE "createdAt" < ${keysBefore}`);
    } catch (e) {
      this.logger.error(`outbox: prune failed: ${messageOf(e)}`);
    }
  }
}

const isUnsettled = (s: string): s is Unsettled => s === 'pending' || s === 'sending';
const versionOf = (r: Row): string => `${r.status}|${r.attempts}|${r.sendingAt}|${r.leaseOwner}|${r.nextAttemptAt}`;

function refresh(row: Row, r: DbRow, now: number): void {
  row.status = isUnsettled(r.status) ? r.status : row.status;
  row.attempts = Number(r.attempts);
  row.nextAttemptAt = new Date(r.nextAttemptAt).getTime();
  row.sendingAt = r.sendingAt ? new Date(r.sendingAt).getTime() : null;
  row.leaseOwner = r.leaseOwner;
  row.channel = r.channel;
  row.checkedAt = now;
}
