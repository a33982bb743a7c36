import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { inTransaction, type Db } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ConflictError, ForbiddenError, InvalidInputError, LimitReachedError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { actorById } from '../people/people.ts';
import { parse } from '../validation.ts';
import { decoyHash, hashPassword, needsRehash, oneTimePassword, verifyPassword } from './passwords.ts';
import { addressKey, afterFailure, afterSuccess, clearEmail, countAttempt, emailKey, emailLock, LOCK_MINUTES, MAX_FAILURES } from './throttle.ts';
import { personSearchKeys } from '../search/keys.ts';

export { LOCK_MINUTES, MAX_FAILURES };
/** A session ends after this long without a request, and in any case this long after sign-in. */
export const IDLE_MINUTES = 8 * 60;
export const MAX_SESSION_HOURS = 7 * 24;
const TOUCH_EVERY_MS = 60_000;

/** The roles that use the console. */
export const consoleRoles: ReadonlySet<string> = new Set(['admin', 'manager']);
export const emailSchema = z.string().trim().toLowerCase().max(120).pipe(z.email());
export const newPasswordSchema = z.string().min(12).max(200);

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export interface IssuedAccount {
  accountId: number;
  personId: number;
  email: string;
  /** Shown once; the account must change it at the first sign-in. */
  password: string;
}

/**
 * The first admin, from the command line: the person with that email (an admin or a manager), or a new
 * console-only admin when there is none.
 */
export async function createFirstAdmin(deps: Deps, input: { email: string; name?: string }): Promise<IssuedAccount> {
  const email = parse(emailSchema, input.email);
  const now = deps.clock.now();
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(deps.db, async (tx) => {
    if (await tx.consoleAccount.findUnique({ where: { email } })) throw new ConflictError('console.account_exists', { email });
    let person = await tx.person.findFirst({ where: { email: { equals: email } } });
    if (person && !consoleRoles.has(person.role)) throw new ConflictError('console.role_has_no_console', { name: person.name, role: person.role });
    const name = input.name?.trim() || email.split('@')[0]!;
    person ??= await tx.person.create({ data: { name, ...personSearchKeys(name), email, role: 'admin' } });
    if (await tx.consoleAccount.findUnique({ where: { personId: person.id } })) throw new ConflictError('console.person_has_account', { name: person.name });
    const account = await tx.consoleAccount.create({ data: { personId: person.id, email, passwordHash, createdAt: now, updatedAt: now } });
    await audit(tx, { actorId: null, action: 'console.account_create', entity: 'person', entityId: person.id, after: { email }, at: now });
    return { accountId: account.id, personId: person.id, email, password };
  });
}

/** An admin gives a manager or another admin console access; the one-time password is shown once. */
export async function grantConsoleAccess(deps: Deps, actor: Actor, input: { personId: number; email: string }): Promise<IssuedAccount> {
  if (actor.role !== 'admin') throw new ForbiddenError('console.admin_only');
  const email = parse(emailSchema, input.email);
  const now = deps.clock.now();
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(deps.db, async (tx) => {
    const person = await tx.person.findUnique({ where: { id: input.personId } });
    if (!person) throw new NotFoundError('person.not_found', { id: input.personId });
    if (!person.active) throw new ConflictError('person.inactive_target', { name: person.name });
    if (!consoleRoles.has(person.role)) throw new ConflictError('console.role_has_no_console', { name: person.name, role: person.role });
    if (await tx.consoleAccount.findUnique({ where: { personId: person.id } })) throw new ConflictError('console.person_has_account', { name: person.name });
    if (await tx.consoleAccount.findUnique({ where: { email } })) throw new ConflictError('console.account_exists', { email });
    const account = await tx.consoleAccount.create({ data: { personId: person.id, email, passwordHash, createdAt: now, updatedAt: now } });
    await audit(tx, { actorId: actor.id, action: 'console.account_create', entity: 'person', entityId: person.id, after: { email }, at: now });
    return { accountId: account.id, personId: person.id, email, password };
  });
}

/** A forgotten password: a new one-time password; every session of the account ends. */
export async function resetConsolePassword(deps: Deps, actor: Actor | null, email: string): Promise<IssuedAccount> {
  if (actor && actor.role !== 'admin') throw new ForbiddenError('console.admin_only');
  const e = parse(emailSchema, email);
  const now = deps.clock.now();
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(deps.db, async (tx) => {
    const account = await tx.consoleAccount.findUnique({ where: { email: e } });
    if (!account) throw new NotFoundError('console.no_account', { email: e });
    await tx.consoleAccount.update({ where: { id: account.id }, data: { passwordHash, mustChangePassword: true, failedAttempts: 0, lockedUntil: null, updatedAt: now } });
    await tx.consoleSession.deleteMany({ where: { accountId: account.id } });
    // A new password from an admin ends a lock too.
    await clearEmail(tx, account.email);
    await audit(tx, { actorId: actor?.id ?? null, action: 'console.password_reset', entity: 'person', entityId: account.personId, at: now });
    return { accountId: account.id, personId: account.personId, email: e, password };
  });
}

/**
 * Checks an email and password. The attempt is counted before the password is checked (throttle.ts):
 * per email, five in a row without a success lock it for 15 minutes; per client address, delays grow
 * after ten. Known and unknown emails are answered alike: the same messages, the same statuses, a
 * password check of the same cost. A hash made with older scrypt parameters is replaced on success.
 */
export async function signIn(deps: Deps, input: { email: string; password: string; ip?: string | null }): Promise<{ accountId: number }> {
  const now = deps.clock.now();
  const email = emailSchema.safeParse(input.email);
  const keys = { address: addressKey(input.ip), email: emailKey(email.success ? email.data : String(input.email ?? '')) };
  const account = email.success ? await deps.db.consoleAccount.findUnique({ where: { email: email.data }, include: { person: true } }) : null;
  const lockedOut = async (until: Date, lockedNow: boolean): Promise<never> => {
    if (lockedNow && account) {
      const personId = account.personId;
      await inTransaction(deps.db, (tx) => audit(tx, { actorId: null, action: 'console.locked', entity: 'person', entityId: personId, after: { until }, at: now }));
    }
    throw new LimitReachedError('console.locked', { until });
  };

  const refused = await countAttempt(deps.db, keys, now);
  if (refused?.reason === 'address') throw new LimitReachedError('console.address_wait', { until: refused.until });
  if (refused) return lockedOut(refused.until, refused.lockedNow);

  const password = String(input.password ?? '');
  const right = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
  if (!account || !right) {
    const lock = await afterFailure(deps.db, keys, now);
    if (lock) return lockedOut(lock.until, lock.lockedNow);
    throw new InvalidInputError('console.sign_in_failed');
  }
  // Parallel guesses may have locked the email while this password was checked: then it does not count.
  const late = await afterSuccess(deps.db, keys, now);
  if (late) return lockedOut(late.lockedUntil, false);
  if (!account.person.active) throw new ForbiddenError('person.inactive');
  if (!consoleRoles.has(account.person.role)) throw new ForbiddenError('console.role_has_no_console', { name: account.person.name, role: account.person.role });
  const rehashed = needsRehash(account.passwordHash) ? await hashPassword(password) : null;
  // Conditional: a password changed meanwhile is not overwritten with the old one.
  await inTransaction(deps.db, async (tx) => {
    if (rehashed) await tx.consoleAccount.updateMany({ where: { id: account.id, passwordHash: account.passwordHash }, data: { passwordHash: rehashed } });
    await tx.consoleAccount.update({ where: { id: account.id }, data: { failedAttempts: 0, lockedUntil: null, lastSignInAt: now } });
  });
  return { accountId: account.id };
}

export interface ConsoleAccountView {
  email: string;
  lastSignInAt: Date | null;
  /** Whether its sign-in is locked now, and until when. */
  lock: { until: Date } | null;
}

/** Whether a console account signs in with this email (the start banner names the demo admin only when it exists). */
export async function hasConsoleAccount(db: Db, email: string): Promise<boolean> {
  return (await db.consoleAccount.count({ where: { email: email.trim().toLowerCase() } })) > 0;
}

/** A person's console account as the person's page shows it; null when the person has none. */
export async function consoleAccountOf(deps: Deps, personId: number): Promise<ConsoleAccountView | null> {
  const account = await deps.db.consoleAccount.findUnique({ where: { personId }, select: { email: true, lastSignInAt: true } });
  if (!account) return null;
  const lock = await emailLock(deps.db, account.email, deps.clock.now());
  return { email: account.email, lastSignInAt: account.lastSignInAt, lock: lock ? { until: lock.until } : null };
}

/** An admin ends the lock of a person's console sign-in (and its series of wrong passwords). */
export async function unlockConsoleAccount(deps: Deps, actor: Actor, personId: number): Promise<{ unlocked: boolean }> {
  if (actor.role !== 'admin' || !actor.active) throw new ForbiddenError('console.admin_only');
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const account = await tx.consoleAccount.findUnique({ where: { personId } });
    if (!account) throw new NotFoundError('console.no_account_for_person', { id: personId });
    const lock = await emailLock(tx, account.email, now);
    await clearEmail(tx, account.email);
    await tx.consoleAccount.update({ where: { id: account.id }, data: { failedAttempts: 0, lockedUntil: null, updatedAt: now } });
    await audit(tx, { actorId: actor.id, action: 'console.unlock', entity: 'person', entityId: personId, before: { lockedUntil: lock?.until ?? null }, at: now });
    return { unlocked: lock !== null };
  });
}

export interface OpenedSession {
  /** For the cookie; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  /** How long the session may live from now: cookies carry this as a relative Max-Age, so a browser whose
   * clock differs from the server's keeps the cookie exactly as long. */
  maxAgeMs: number;
}

export async function openSession(deps: Deps, accountId: number): Promise<OpenedSession> {
  const now = deps.clock.now();
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + MAX_SESSION_HOURS * 3_600_000);
  await inTransaction(deps.db, async (tx) => {
    // Sessions that ended are removed here rather than by a job: sign-ins are rare.
    await tx.consoleSession.deleteMany({ where: { OR: [{ expiresAt: { lt: now } }, { lastSeenAt: { lt: new Date(now.getTime() - IDLE_MINUTES * 60_000) } }] } });
    await tx.consoleSession.create({ data: { id: sha256(token), accountId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt } });
  });
  return { token, csrfToken, expiresAt, maxAgeMs: expiresAt.getTime() - now.getTime() };
}

export interface ActiveSession {
  id: string;
  account: { id: number; email: string; mustChangePassword: boolean };
  actor: Actor;
  csrfToken: string;
}

/** The session of a cookie's token, or null when there is none, it ended, or its person may no longer sign in. */
export async function sessionByToken(deps: Deps, token: string): Promise<ActiveSession | null> {
  if (!token || token.length > 100) return null;
  const id = sha256(token);
  const s = await deps.db.consoleSession.findUnique({ where: { id }, include: { account: true } });
  if (!s) return null;
  const now = deps.clock.now();
  if (s.expiresAt <= now || s.lastSeenAt.getTime() + IDLE_MINUTES * 60_000 <= now.getTime()) {
    await deps.db.consoleSession.deleteMany({ where: { id } });
    return null;
  }
  const actor = await actorById(deps.db, s.account.personId);
  if (!actor.active || !consoleRoles.has(actor.role)) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) await deps.db.consoleSession.update({ where: { id }, data: { lastSeenAt: now } });
  return { id, account: { id: s.account.id, email: s.account.email, mustChangePassword: s.account.mustChangePassword }, actor, csrfToken: s.csrfToken };
}

export async function closeSession(deps: Deps, sessionId: string): Promise<void> {
  await deps.db.consoleSession.deleteMany({ where: { id: sessionId } });
}

/** A new password ends every other session of the account. */
export async function changePassword(deps: Deps, session: ActiveSession, input: { current: string; next: string; repeat: string }): Promise<void> {
  const next = parse(z.object({ next: newPasswordSchema }), { next: input.next }).next;
  if (input.repeat !== next) throw new InvalidInputError('validation.failed', { field: 'repeat' }, [{ path: 'repeat', key: 'console.passwords_differ' }]);
  const account = await deps.db.consoleAccount.findUniqueOrThrow({ where: { id: session.account.id } });
  if (!(await verifyPassword(input.current, account.passwordHash))) {
    throw new InvalidInputError('validation.failed', { field: 'current' }, [{ path: 'current', key: 'console.wrong_password' }]);
  }
  if (next === input.current) throw new InvalidInputError('validation.failed', { field: 'next' }, [{ path: 'next', key: 'console.password_unchanged' }]);
  if (next.toLowerCase().includes(account.email.split('@')[0]!.toLowerCase())) {
    throw new InvalidInputError('validation.failed', { field: 'next' }, [{ path: 'next', key: 'console.password_has_email' }]);
  }
  const passwordHash = await hashPassword(next);
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    await tx.consoleAccount.update({ where: { id: account.id }, data: { passwordHash, mustChangePassword: false, updatedAt: now } });
    await tx.consoleSession.deleteMany({ where: { accountId: account.id, id: { not: session.id } } });
    await audit(tx, { actorId: session.actor.id, action: 'console.password_change', entity: 'person', entityId: account.personId, at: now });
  });
}
