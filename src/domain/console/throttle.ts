// Console sign-in attempts, counted in the database before any password is checked, so that parallel
// guesses are counted however they interleave and however many processes answer them:
// - per email (known or not: a lock looks the same for an address that has no account): five attempts
//   in a row without a success lock the email for 15 minutes, or until an admin unlocks it;
// - per client address: ten attempts an hour are free, then each one makes the next wait twice as long
//   as the one before (1 s, 2 s, 4 s … at most 15 minutes); a success gives its own attempt back.
// Rows are SignInThrottle(key); each attempt locks its rows (a write in a transaction) while it decides.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { inTransaction, isUniqueViolation, type Db, type Tx } from '../../db/client.ts';
import { DAY_MS } from '../clock.ts';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const ADDRESS_FREE_ATTEMPTS = 10;
/** An address's count starts again after this long without an attempt. */
export const ADDRESS_QUIET_MINUTES = 60;
export const ADDRESS_MAX_DELAY_SECONDS = 15 * 60;
/** Rows unused for this long (and not blocking anything) are removed at the next successful sign-in. */
const KEEP_MS = DAY_MS;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export const emailKey = (email: string): string => `email:${sha256(email.trim().toLowerCase().slice(0, 320))}`;

/**
 * An address as counted: IPv4 as is (an IPv4-mapped IPv6 address as its IPv4 form), IPv6 by its /64,
 * which one client usually holds whole.
 */
export function addressKey(ip: string | undefined | null): string {
  const raw = (ip ?? '').trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return `ip:${mapped[1]}`;
  if (isIP(raw) === 4) return `ip:${raw}`;
  if (isIP(raw) === 6) {
    const [head, tail = ''] = raw.split('%')[0]!.split('::');
    const left = head ? head.split(':') : [];
    const right = raw.includes('::') && tail ? tail.split(':') : [];
    const groups = raw.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
    return `ip:${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
  }
  return 'ip:unknown';
}

/** The wait an address must keep after its n-th attempt (0 while it is within the free ones). */
export function addressDelayMs(attempts: number): number {
  const over = attempts - ADDRESS_FREE_ATTEMPTS;
  if (over <= 0) return 0;
  return Math.min(2 ** Math.min(over - 1, 30), ADDRESS_MAX_DELAY_SECONDS) * 1000;
}

export type AttemptRefusal = { reason: 'address'; until: Date } | { reason: 'email'; until: Date; lockedNow: boolean };

interface Row {
  key: string;
  attempts: number;
  windowStart: Date;
  blockedUntil: Date | null;
  updatedAt: Date;
}

async function ensureRow(db: Db, key: string, now: Date): Promise<void> {
  if (await db.signInThrottle.findUnique({ where: { key }, select: { key: true } })) return;
  try {
    // A transaction of its own, as every write (SQLite: a write outside one would join another's).
    await inTransaction(db, (tx) => tx.signInThrottle.create({ data: { key, attempts: 0, windowStart: now, updatedAt: now } }));
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
  }
}

/** The row, locked until the transaction ends (PostgreSQL: a row lock; SQLite: one writer at a time). */
async function locked(tx: Tx, key: string): Promise<Row> {
  await tx.$executeRaw`UPDATE "SignInThrottle" SET "attempts" = "attempts" WHERE "key" = ${key}`;
  return tx.signInThrottle.findUniqueOrThrow({ where: { key } });
}

const blocking = (row: { blockedUntil: Date | null }, now: Date): boolean => row.blockedUntil !== null && row.blockedUntil > now;

/**
 * Counts an attempt for the address and the email before the password is checked. Refused (and for the
 * email not counted) while the address must wait or the email is locked; the attempt after the fifth
 * one in a row locks the email at once, so a burst of parallel guesses cannot all be checked.
 */
export async function countAttempt(db: Db, keys: { address: string; email: string }, now: Date): Promise<AttemptRefusal | null> {
  await ensureRow(db, keys.address, now);
  await ensureRow(db, keys.email, now);
  return inTransaction(db, async (tx) => {
    // Always the address first, then the email: two attempts never wait for each other's rows crosswise.
    const address = await locked(tx, keys.address);
    if (blocking(address, now)) return { reason: 'address', until: address.blockedUntil! } as const;
    const quiet = now.getTime() - address.updatedAt.getTime() >= ADDRESS_QUIET_MINUTES * 60_000;
    const fresh = address.attempts === 0 || quiet;
    const attempts = fresh ? 1 : address.attempts + 1;
    const delay = addressDelayMs(attempts);
    await tx.signInThrottle.update({
      where: { key: keys.address },
      data: { attempts, windowStart: fresh ? now : address.windowStart, blockedUntil: delay ? new Date(now.getTime() + delay) : null, updatedAt: now },
    });

    const email = await locked(tx, keys.email);
    if (blocking(email, now)) return { reason: 'email', until: email.blockedUntil!, lockedNow: false } as const;
    const expired = email.blockedUntil !== null; // a lock that has ended: a new series
    if (!expired && email.attempts >= MAX_FAILURES) {
      const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      await tx.signInThrottle.update({ where: { key: keys.email }, data: { attempts: 0, blockedUntil: until, updatedAt: now } });
      return { reason: 'email', until, lockedNow: true } as const;
    }
    await tx.signInThrottle.update({
      where: { key: keys.email },
      data: expired ? { attempts: 1, windowStart: now, blockedUntil: null, updatedAt: now } : { attempts: { increment: 1 }, updatedAt: now },
    });
    return null;
  });
}

/**
 * After a wrong password: the email is locked when its attempts in a row reached the limit. Returns the
 * lock's end when the email is locked now (by this attempt or a parallel one), else null.
 */
export async function afterFailure(db: Db, keys: { email: string }, now: Date): Promise<{ until: Date; lockedNow: boolean } | null> {
  const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  return inTransaction(db, async (tx) => {
    const r = await tx.signInThrottle.updateMany({
      where: { key: keys.email, attempts: { gte: MAX_FAILURES }, OR: [{ blockedUntil: null }, { blockedUntil: { lte: now } }] },
      data: { attempts: 0, blockedUntil: until, updatedAt: now },
    });
    if (r.count) return { until, lockedNow: true };
    const row = await tx.signInThrottle.findUnique({ where: { key: keys.email } });
    return row && blocking(row, now) ? { until: row.blockedUntil!, lockedNow: false } : null;
  });
}

/**
 * After the right password: the email's series ends and the address gets this attempt back, unless the
 * email was locked while the password was being checked (parallel guesses): then the sign-in is refused
 * with the lock's end.
 */
export async function afterSuccess(db: Db, keys: { address: string; email: string }, now: Date): Promise<{ lockedUntil: Date } | null> {
  return inTransaction(db, async (tx) => {
    const cleared = await tx.signInThrottle.updateMany({
      where: { key: keys.email, OR: [{ blockedUntil: null }, { blockedUntil: { lte: now } }] },
      data: { attempts: 0, blockedUntil: null, windowStart: now, updatedAt: now },
    });
    if (!cleared.count) {
      const row = await tx.signInThrottle.findUnique({ where: { key: keys.email } });
      if (row && blocking(row, now)) return { lockedUntil: row.blockedUntil! };
    }
    await tx.signInThrottle.updateMany({ where: { key: keys.address, attempts: { gt: 0 } }, data: { attempts: { decrement: 1 } } });
    await tx.signInThrottle.deleteMany({
      where: { updatedAt: { lt: new Date(now.getTime() - KEEP_MS) }, OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }] },
    });
    return null;
  });
}

/** The email's lock, if it is locked now. */
export async function emailLock(db: Db | Tx, email: string, now: Date): Promise<{ until: Date; attempts: number } | null> {
  const row = await db.signInThrottle.findUnique({ where: { key: emailKey(email) } });
  if (!row) return null;
  return blocking(row, now) ? { until: row.blockedUntil!, attempts: row.attempts } : null;
}

/** Ends the email's lock and its series of failures. */
export async function clearEmail(db: Db | Tx, email: string): Promise<boolean> {
  const r = await db.signInThrottle.deleteMany({ where: { key: emailKey(email) } });
  return r.count > 0;
}
