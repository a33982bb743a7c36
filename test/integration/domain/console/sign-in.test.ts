import { describe, expect, it } from 'vitest';
import { LOCK_MINUTES, MAX_FAILURES, signIn, unlockConsoleAccount } from '../../../../src/domain/console/accounts.ts';
import { hashPassword, needsRehash, OWASP_COST, passwordCost, setPasswordCost } from '../../../../src/domain/console/passwords.ts';
import { ADDRESS_FREE_ATTEMPTS, addressDelayMs, addressKey } from '../../../../src/domain/console/throttle.ts';
import { rejection, worldPerTest, type World } from '../../../support/world.ts';

// The product's cost is OWASP's; this file checks that once, then signs in at a cheap cost (explicitly).
const productCost = { ...passwordCost() };
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
setPasswordCost(CHEAP);

let w: World;
worldPerTest((x) => (w = x));

const EMAIL = 'wang.fang@seaboard.test';
const PASSWORD = 'the-right-password-1';

async function account(o: { email?: string; hash?: string } = {}) {
  const now = w.clock.now();
  return w.db.consoleAccount.create({
    data: { personId: w.people.mgrWest.id, email: o.email ?? EMAIL, passwordHash: o.hash ?? (await hashPassword(PASSWORD)), mustChangePassword: false, createdAt: now, updatedAt: now },
  });
}

/** What a sign-in came to: the session's account, or the refusal's code and message key. */
const outcome = (p: Promise<{ accountId: number }>) =>
  p.then(
    (r) => `signed in as ${r.accountId}`,
    (e: { code?: string; key?: string }) => `${e.code} ${e.key}`,
  );

describe('scrypt parameters', () => {
  it('are OWASP’s by default (N=2^17, r=8, p=1), stored in the hash, within Node’s memory limit', async () => {
    expect(productCost).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(OWASP_COST).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword('a password', OWASP_COST);
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    setPasswordCost(OWASP_COST);
    try {
      expect(needsRehash(hash)).toBe(false);
      expect(needsRehash(await hashPassword('a password', { N: 2 ** 15, r: 8, p: 1 }))).toBe(true);
    } finally {
      setPasswordCost(CHEAP);
    }
  });

  it('re-hashes a password stored with older parameters at the next successful sign-in, not at a failed one', async () => {
    const old = await hashPassword(PASSWORD, { N: 2 ** 9, r: 8, p: 1 });
    const a = await account({ hash: old });
    await rejection(signIn(w.deps, { email: EMAIL, password: 'wrong', ip: '10.0.0.1' }));
    expect((await w.db.consoleAccount.findUniqueOrThrow({ where: { id: a.id } })).passwordHash).toBe(old);
    await signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.0.1' });
    const now = (await w.db.consoleAccount.findUniqueOrThrow({ where: { id: a.id } })).passwordHash;
    expect(now).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(needsRehash(now)).toBe(false);
    await signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.0.1' });
    expect((await w.db.consoleAccount.findUniqueOrThrow({ where: { id: a.id } })).passwordHash).toBe(now);
  });
});

describe('sign-in lock-out', () => {
  it('does not let the right password in among 25 parallel wrong ones (each attempt counted before its check)', async () => {
    await account();
    // From 26 addresses, so that only the per-email count stands in the way.
    const wrong = Array.from({ length: 25 }, (_, i) => outcome(signIn(w.deps, { email: EMAIL, password: `guess-${i}`, ip: `10.0.1.${i + 1}` })));
    // The right one goes as soon as five guesses are counted, while they are still being checked (on
    // PostgreSQL the order of parallel requests is not fixed: sent with them, it could be among the five).
    for (let i = 0; i < 2000 && (await w.db.signInThrottle.count({ where: { key: { startsWith: 'email:' }, OR: [{ attempts: { gte: MAX_FAILURES } }, { blockedUntil: { not: null } }] } })) === 0; i++) {
      await new Promise((r) => setImmediate(r));
    }
    const right = outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.2.1' }));
    const results = await Promise.all([...wrong, right]);
    expect(results.at(-1)).toBe('limit_reached console.locked');
    expect(results.filter((r) => r.startsWith('signed in'))).toEqual([]);
    // At most five passwords were checked; the others were refused before.
    expect(results.filter((r) => r === 'invalid console.sign_in_failed').length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(await w.db.auditLog.count({ where: { action: 'console.locked' } })).toBe(1);
    // Still locked for the right password, until the lock ends.
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.2.2' }))).toBe('limit_reached console.locked');
    w.clock.advance(LOCK_MINUTES * 60_000 + 1000);
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.2.3' }))).toMatch(/^signed in/);
  });

  it('answers an unknown email exactly as a known one, lock included', async () => {
    await account();
    const run = async (email: string) => {
      const seen: string[] = [];
      for (let i = 0; i < MAX_FAILURES + 2; i++) seen.push(await outcome(signIn(w.deps, { email, password: `guess-${i}`, ip: `10.0.3.${i}` })));
      return seen;
    };
    const known = await run(EMAIL);
    const unknown = await run('nobody@seaboard.test');
    expect(unknown).toEqual(known);
    expect(known).toEqual([...Array(MAX_FAILURES - 1).fill('invalid console.sign_in_failed'), ...Array(3).fill('limit_reached console.locked')]);
    const a = await rejection(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.3.9' }));
    const b = await rejection(signIn(w.deps, { email: 'nobody@seaboard.test', password: PASSWORD, ip: '10.0.3.9' }));
    expect([b.code, b.key, b.params]).toEqual([a.code, a.key, a.params]);
  });

  it('makes one address wait longer and longer after ten attempts; a success gives its attempt back', async () => {
    await account();
    const ip = '203.0.113.7';
    for (let i = 0; i < ADDRESS_FREE_ATTEMPTS - 1; i++) await rejection(signIn(w.deps, { email: `a${i}@example.com`, password: 'x', ip }));
    await signIn(w.deps, { email: EMAIL, password: PASSWORD, ip }); // the 10th, given back
    expect(await outcome(signIn(w.deps, { email: 'b@example.com', password: 'x', ip }))).toBe('invalid console.sign_in_failed'); // 10th
    expect(await outcome(signIn(w.deps, { email: 'c@example.com', password: 'x', ip }))).toBe('invalid console.sign_in_failed'); // 11th: the next waits 1 s
    const waiting = await rejection(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip }));
    expect([waiting.code, waiting.key]).toEqual(['limit_reached', 'console.address_wait']);
    expect((waiting.params.until as Date).getTime() - w.clock.now().getTime()).toBe(1000);
    // Another address is not held up.
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '203.0.113.8' }))).toMatch(/^signed in/);
    w.clock.advance(1000);
    expect(await outcome(signIn(w.deps, { email: 'd@example.com', password: 'x', ip }))).toBe('invalid console.sign_in_failed'); // 12th: waits 2 s
    w.clock.advance(1000);
    expect(await outcome(signIn(w.deps, { email: 'e@example.com', password: 'x', ip }))).toBe('limit_reached console.address_wait');
    w.clock.advance(1000);
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip }))).toMatch(/^signed in/);
    expect([11, 12, 13, 20, 40].map(addressDelayMs)).toEqual([1000, 2000, 4000, 512_000, 900_000]);
    // An hour without attempts starts the count again.
    w.clock.advance(60 * 60_000);
    for (let i = 0; i < ADDRESS_FREE_ATTEMPTS; i++) await rejection(signIn(w.deps, { email: `f${i}@example.com`, password: 'x', ip }));
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip }))).toMatch(/^signed in/);
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:192.0.2.1')).toBe(addressKey('192.0.2.1'));
    expect(addressKey(undefined)).toBe('ip:unknown');
  });

  it('lets an admin unlock an account, audited; no one else', async () => {
    await account();
    for (let i = 0; i < MAX_FAILURES; i++) await rejection(signIn(w.deps, { email: EMAIL, password: `guess-${i}`, ip: `10.0.4.${i}` }));
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.4.9' }))).toBe('limit_reached console.locked');
    expect((await rejection(unlockConsoleAccount(w.deps, w.people.mgrEast, w.people.mgrWest.id))).code).toBe('forbidden');
    expect((await rejection(unlockConsoleAccount(w.deps, w.people.admin, w.people.rep1.id))).code).toBe('not_found');
    expect(await unlockConsoleAccount(w.deps, w.people.admin, w.people.mgrWest.id)).toEqual({ unlocked: true });
    const [entry] = await w.db.auditLog.findMany({ where: { action: 'console.unlock' } });
    expect(entry).toMatchObject({ actorId: w.people.admin.id, entity: 'person', entityId: String(w.people.mgrWest.id) });
    expect(await outcome(signIn(w.deps, { email: EMAIL, password: PASSWORD, ip: '10.0.4.9' }))).toMatch(/^signed in/);
    expect(await unlockConsoleAccount(w.deps, w.people.admin, w.people.mgrWest.id)).toEqual({ unlocked: false });
  });
});
