import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters, stored in every hash: `scrypt$N$r$p$salt$hash`. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's current recommendation for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, which
 * takes 128 MiB per hash. Node refuses a cost above `maxmem` (32 MiB by default), so it is raised to
 * fit (`maxmemOf`). Hashes made with other parameters are still verified, and re-hashed at the next
 * successful sign-in (`needsRehash`).
 */
export const OWASP_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const KEY_LEN = 32;
/** What a stored hash may ask for: refuse anything that would take more than 1 GiB or an absurd time. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

let current: ScryptCost = { ...OWASP_COST };

/**
 * The cost new hashes are made with (and that older hashes are upgraded to). The product never calls
 * this: it is OWASP's. Tests choose a cheaper one explicitly, so that a sign-in does not take 128 MiB
 * and a few hundred milliseconds.
 */
export function setPasswordCost(cost: ScryptCost): void {
  if (!validCost(cost)) throw new Error(`not a usable scrypt cost: ${JSON.stringify(cost)}`);
  current = { ...cost };
}

export const passwordCost = (): Readonly<ScryptCost> => current;

const validCost = (c: ScryptCost): boolean =>
  Number.isInteger(c.N) && c.N >= 2 && c.N <= MAX_N && (c.N & (c.N - 1)) === 0 && Number.isInteger(c.r) && c.r >= 1 && c.r <= MAX_R && Number.isInteger(c.p) && c.p >= 1 && c.p <= MAX_P;

/** scrypt needs about 128·N·r bytes (plus 128·r·p); twice that leaves room for Node's own check. */
export const maxmemOf = (c: ScryptCost): number => 2 * 128 * c.N * c.r + 128 * c.r * c.p + 1024 * 1024;

// At most two hashes at a time: each may take 128 MiB outside the JavaScript heap, and a burst of
// sign-ins (or guesses) must not multiply that. The others wait their turn.
const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost, keyLen: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: maxmemOf(cost) };
  return withSlot(() => new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)))));
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string, cost: ScryptCost = current): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost, KEY_LEN);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): StoredHash | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || rest.length) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!validCost(cost)) return null;
  const key = Buffer.from(hash, 'base64url');
  return key.length >= 16 ? { cost, salt: Buffer.from(salt, 'base64url'), hash: key } : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.hash.length);
  return timingSafeEqual(key, parsed.hash);
}

/** True when a hash was made with other parameters than today's (or is not one we can read). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const c = parsed.cost;
  return c.N !== current.N || c.r !== current.r || c.p !== current.p || parsed.hash.length !== KEY_LEN || parsed.salt.length < 16;
}

/** A hash to verify against when the email is unknown, so that its answer takes as long as a real one. */
const decoys = new Map<string, Promise<string>>();
export const decoyHash = (): Promise<string> => {
  const key = `${current.N}$${current.r}$${current.p}`;
  let decoy = decoys.get(key);
  if (!decoy) decoys.set(key, (decoy = hashPassword(randomBytes(12).toString('hex'))));
  return decoy;
};

/** Easy to read out and type: no 0/O, 1/l/I. */
export function oneTimePassword(length = 16): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out.replace(/(.{4})(?!$)/g, '$1-');
}
