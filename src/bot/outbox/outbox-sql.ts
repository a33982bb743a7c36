import { inTransaction, Prisma, type Db } from '../../db/client.ts';
import type { Outbox } from '../../generated/sqlite/client.ts';
import type { Outcome } from './slack-errors.ts';

// Every statement the dispatcher runs on the "Outbox" table. A row is claimed with a conditional update
// (pending → sending, with a dispatcher as lease owner) before it is sent, and every later change is
// conditional on still owning it, so two dispatchers never send the same row.
//
// The lease of a row in `sending` runs until its `nextAttemptAt` (a claim sets it `leaseMs` ahead, the
// owner's heartbeat renews it). While an upload is shared, `messageTs` holds `file:<id>`: the file is
// uploaded and files.completeUploadExternal may have shared it; a dispatcher settling the row in doubt
// looks for that file in the channel. Once sent, `messageTs` is where the message is.

/** The columns the dispatcher reads, typed as Prisma's model has them. */
export type OutboxRecord = Pick<Outbox, 'id' | 'dedupeKey' | 'kind' | 'recipientId' | 'payload' | 'channel' | 'messageTs' | 'attempts' | 'status' | 'nextAttemptAt' | 'sendingAt' | 'leaseOwner'>;

export type Unsettled = 'pending' | 'sending';
export type Settled = 'sent' | 'skipped' | 'failed';
export const isUnsettled = (s: string): s is Unsettled => s === 'pending' || s === 'sending';

const COLS = Prisma.raw(`"id", "dedupeKey", "kind", "recipientId", "payload", "channel", "messageTs", "attempts", "status", "nextAttemptAt", "sendingAt", "leaseOwner"`);

const FILE = 'file:';
/** The `messageTs` of a row whose upload is being shared. */
export const fileMark = (fileId: string): string => `${FILE}${fileId}`;
/** The file a row in `sending` was sharing, if its upload got that far. */
export const markedFile = (messageTs: string | null): string | null => (messageTs?.startsWith(FILE) ? messageTs.slice(FILE.length) : null);

/** What a row was when read, to take it over only if nobody changed it meanwhile. */
export interface RowVersion {
  id: number;
  attempts: number;
  sendingAt: number | null;
  leaseOwner: string | null;
}

/** The state a settled attempt leaves the row in, as memory should have it after the write. */
export interface Next {
  status: Unsettled | Settled;
  attempts: number;
  nextAttemptAt: number;
}

export class OutboxTable {
  /** Settling writes waiting for the next group commit. */
  private writes: { sql: Prisma.Sql; done: (changed: number) => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    /** The lease owner id of the dispatcher this table works for. */
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  private mine(id: number): Prisma.Sql {
    return Prisma.sql`"id" = ${id} AND "status" = 'sending' AND "leaseOwner" = ${this.owner}`;
  }

  // ---- reading --------------------------------------------------------------------------------

  /** Unsettled rows after an id, in id order. */
  unsettledAfter(after: number, limit: number): Promise<OutboxRecord[]> {
    return this.db.$queryRaw<OutboxRecord[]>`SELECT ${COLS} FROM "Outbox"
      WHERE "status" IN ('pending', 'sending') AND "id" > ${after} ORDER BY "id" LIMIT ${limit}`;
  }

  async read(id: number): Promise<OutboxRecord | undefined> {
    const [r] = await this.db.$queryRaw<OutboxRecord[]>`SELECT ${COLS} FROM "Outbox" WHERE "id" = ${id}`;
    return r;
  }

  /** Where the row an update names was posted, and whether it was. */
  async cardOf(dedupeKey: string): Promise<{ status: string; channel: string | null; messageTs: string | null } | undefined> {
    const [card] = await this.db.$queryRaw<{ status: string; channel: string | null; messageTs: string | null }[]>`
      SELECT "status", "channel", "messageTs" FROM "Outbox" WHERE "dedupeKey" = ${dedupeKey}`;
    return card;
  }

  /** The Slack ids of people notices are for (null: none, or no such person). */
  async slackIdsOf(personIds: number[]): Promise<Map<number, string | null>> {
    const people = await this.db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, slackId: true } });
    return new Map(personIds.map((id) => [id, people.find((p) => p.id === id)?.slackId ?? null]));
  }

  // ---- leases ---------------------------------------------------------------------------------

  /** One conditional UPDATE claims several pending rows that are due; returns those it claimed. */
  claim(ids: number[], now: Date): Promise<OutboxRecord[]> {
    return inTransaction(this.db, (tx) =>
      tx.$queryRaw<OutboxRecord[]>`UPDATE "Outbox" SET "status" = 'sending', "sendingAt" = ${now}, "leaseOwner" = ${this.owner}, "nextAttemptAt" = ${this.leaseFrom(now)}
        WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'pending' AND ("attempts" = 0 OR "nextAttemptAt" <= ${now})
        RETURNING ${COLS}`,
    );
  }

  /**
   * Becomes the owner of an in-doubt row, if nobody changed it meanwhile (sendingAt and attempts are
   * its version) and another dispatcher's lease on it has run out (it may have renewed it since read).
   */
  async take(row: RowVersion, now: Date): Promise<OutboxRecord | undefined> {
    const since = row.sendingAt === null ? Prisma.sql`"sendingAt" IS NULL` : Prisma.sql`"sendingAt" = ${new Date(row.sendingAt)}`;
    const [r] = await inTransaction(this.db, (tx) =>
      tx.$queryRaw<OutboxRecord[]>`UPDATE "Outbox" SET "leaseOwner" = ${this.owner}, "nextAttemptAt" = ${this.leaseFrom(now)}
        WHERE "id" = ${row.id} AND "status" = 'sending' AND "attempts" = ${row.attempts}
          AND ${since} AND COALESCE("leaseOwner", '') = ${row.leaseOwner ?? ''}
          AND ("leaseOwner" IS NULL OR "leaseOwner" = ${this.owner}
            OR ("nextAttemptAt" <= ${now} AND ("sendingAt" IS NULL OR "sendingAt" <= ${new Date(now.getTime() - this.leaseMs)})))
        RETURNING ${COLS}`,
    );
    return r;
  }

  /** The heartbeat: rows in work stay this dispatcher's for another lease (a later retry time is kept). */
  async renew(ids: number[], now: Date): Promise<void> {
    const until = this.leaseFrom(now);
    await inTransaction(this.db, (tx) =>
      tx.$executeRaw`UPDATE "Outbox" SET "nextAttemptAt" = ${until}
        WHERE "id" IN (${Prisma.join(ids)}) AND "status" = 'sending' AND "leaseOwner" = ${this.owner} AND "nextAttemptAt" < ${until}`,
    );
  }

  /** This dispatcher's in-doubt rows go ownerless, so that the next one settles them without waiting for the lease. */
  async handOver(): Promise<void> {
    await inTransaction(this.db, (tx) => tx.$executeRaw`UPDATE "Outbox" SET "leaseOwner" = NULL WHERE "status" = 'sending' AND "leaseOwner" = ${this.owner}`);
  }

  // ---- settling -------------------------------------------------------------------------------

  /** Notes the file an upload is about to share; false when the row is no longer this dispatcher's. */
  async markFile(id: number, fileId: string): Promise<boolean> {
    return (await this.write(Prisma.sql`UPDATE "Outbox" SET "messageTs" = ${fileMark(fileId)} WHERE ${this.mine(id)}`)) > 0;
  }

  /**
   * The write that records an attempt's outcome, only while this dispatcher still owns the row, and the
   * state it leaves the row in. `retryAt`: when a retry is due.
   */
  settlement(row: { id: number; attempts: number }, o: Outcome, now: number, retryAt: (attempts: number) => number): { sql: Prisma.Sql; next: Next } {
    const at = new Date(now);
    const mine = this.mine(row.id);
    switch (o.kind) {
      case 'sent':
        return {
          sql: Prisma.sql`UPDATE "Outbox" SET "status" = 'sent', "channel" = ${o.channel}, "messageTs" = ${o.ts}, "sentAt" = ${at} WHERE ${mine}`,
          next: { status: 'sent', attempts: row.attempts, nextAttemptAt: now },
        };
      case 'skipped':
        return {
          sql: Prisma.sql`UPDATE "Outbox" SET "status" = 'skipped', "lastError" = ${o.reason.slice(0, 500)}, "sentAt" = ${at} WHERE ${mine}`,
          next: { status: 'skipped', attempts: row.attempts, nextAttemptAt: now },
        };
      case 'failed':
        return {
          sql: Prisma.sql`UPDATE "Outbox" SET "status" = 'failed', "lastError" = ${o.error} WHERE ${mine}`,
          next: { status: 'failed', attempts: row.attempts, nextAttemptAt: now },
        };
      case 'release':
        return {
          sql: Prisma.sql`UPDATE "Outbox" SET "status" = 'pending', "nextAttemptAt" = ${at}, "sendingAt" = NULL, "leaseOwner" = NULL, "messageTs" = NULL WHERE ${mine}`,
          next: { status: 'pending', attempts: row.attempts, nextAttemptAt: now },
        };
      case 'retry': {
        const attempts = row.attempts + 1;
        const due = new Date(retryAt(attempts));
        // In doubt, it stays `sending` (with its sendingAt and any file) until the channel has been looked at.
        return {
          sql: o.inDoubt
            ? Prisma.sql`UPDATE "Outbox" SET "attempts" = ${attempts}, "nextAttemptAt" = ${due}, "lastError" = ${o.error} WHERE ${mine}`
            : Prisma.sql`UPDATE "Outbox" SET "status" = 'pending', "attempts" = ${attempts}, "nextAttemptAt" = ${due}, "lastError" = ${o.error}, "sendingAt" = NULL, "leaseOwner" = NULL, "messageTs" = NULL WHERE ${mine}`,
          next: { status: o.inDoubt ? 'sending' : 'pending', attempts, nextAttemptAt: due.getTime() },
        };
      }
    }
  }

  /**
   * Group commit: the writes of calls that finish together go in one transaction, one UPDATE per row.
   * A transaction costs far more than a statement, and every send ends in a write. Resolves to the
   * number of rows the statement changed.
   */
  write(sql: Prisma.Sql): Promise<number> {
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
}
