import { inTransaction, type Database } from './client.ts';

// A database can answer reads and refuse every write: a read-only or immutable file, a file owned by
// another user, a full disk, a PostgreSQL standby. The probe writes a row of the migrations ledger back
// to itself inside a transaction that is always rolled back, so it changes nothing.

class RolledBack extends Error {}

/** Resolves when the database answers a query; rejects with the driver's error if not. */
export async function pingDatabase(database: Database): Promise<void> {
  await database.db.$queryRawUnsafe('SELECT 1');
}

/** Resolves when the database accepted a write (rolled back); rejects with the driver's error if not. */
export async function probeWrite(database: Database): Promise<void> {
  try {
    await inTransaction(
      database.db,
      async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE "_seaboard_migrations" SET applied_at = applied_at WHERE name = (SELECT MIN(name) FROM "_seaboard_migrations")`);
        throw new RolledBack();
      },
      { timeoutMs: 10_000 },
    );
  } catch (e) {
    if (!(e instanceof RolledBack)) throw e;
  }
}

export type WriteState = 'ok' | 'failing';

/**
 * Whether the database still accepts writes, for the health check: answered at once from the last probe,
 * while a new probe runs in the background when the last is older than `maxAgeMs` — so a health check
 * never waits behind a long write, and a database that stopped accepting writes is seen within seconds.
 */
export class WriteHealth {
  private state: WriteState = 'ok';
  private checkedAt = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly database: Database,
    private readonly onError: (e: unknown) => void = (e) => console.error(`database: ${(e as Error).message}`),
    private readonly maxAgeMs = 5_000,
  ) {}

  /** The state found by the start-up probe (which stops the start when it fails). */
  seed(state: WriteState): void {
    this.state = state;
    this.checkedAt = Date.now();
  }

  current(): WriteState {
    if (!this.running && Date.now() - this.checkedAt > this.maxAgeMs) {
      this.running = probeWrite(this.database)
        .then(
          () => void (this.state = 'ok'),
          (e: unknown) => {
            this.state = 'failing';
            this.onError(e);
          },
        )
        .finally(() => {
          this.checkedAt = Date.now();
          this.running = null;
        });
    }
    return this.state;
  }

  /** Waits for a probe in flight (tests). */
  async settled(): Promise<WriteState> {
    await this.running;
    return this.state;
  }
}
