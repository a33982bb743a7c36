import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { inTransaction } from '../../db/client.ts';
import { audit } from '../audit/audit.ts';
import type { Deps } from '../deps.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Actor } from '../org/roles.ts';
import { assertActive } from '../org/scope.ts';
import { parse, plainText } from '../validation.ts';

/**
 * Bearer tokens for the company's order system (`/api/orders`). A token is shown once, when
 * it is created; only its SHA-256 is stored, so a leaked database holds no usable token, and a
 * lookup by hash compares nothing secret character by character. Each token has a scope, chosen
 * when it is made: `orders:write` records orders (and reads them), `orders:read` only reads.
 */
export const apiTokenScopes = ['orders:write', 'orders:read'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];
const scopeSchema = z.enum(apiTokenScopes);
/** What a scope allows: writing orders includes reading them. */
export const scopeAllows = (scope: string, needed: ApiTokenScope): boolean => scope === needed || (scope === 'orders:write' && needed === 'orders:read');
const TOKEN = /^sb_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 10;
/** lastUsedAt is a hint for admins ("still in use?"), not a log: one write a minute at most. */
const TOUCH_EVERY_MS = 60_000;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

function assertAdmin(actor: Actor): void {
  assertActive(actor);
  if (actor.role !== 'admin') throw new ForbiddenError('api_token.needs_admin');
}

const createSchema = z.object({ name: plainText(z.string().trim().min(1).max(80)), scope: scopeSchema.default('orders:write') }).strict();

export interface ApiTokenView {
  id: number;
  name: string;
  prefix: string;
  scope: ApiTokenScope;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Creates a token; the returned `token` is the only time anyone sees it. */
export async function createApiToken(deps: Deps, actor: Actor, input: z.input<typeof createSchema>) {
  assertAdmin(actor);
  const v = parse(createSchema, input);
  const token = `sb_${randomBytes(32).toString('base64url')}`;
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const row = await tx.apiToken.create({
      data: { name: v.name, scope: v.scope, tokenHash: hashToken(token), prefix: token.slice(0, PREFIX_LENGTH), createdById: actor.id, createdAt: now },
    });
    await audit(tx, { actorId: actor.id, action: 'api_token.create', entity: 'api_token', entityId: row.id, after: { name: row.name, prefix: row.prefix, scope: v.scope }, at: now });
    return { token, apiToken: { id: row.id, name: row.name, prefix: row.prefix, scope: v.scope, createdAt: row.createdAt } };
  });
}

export async function listApiTokens(deps: Deps, actor: Actor): Promise<ApiTokenView[]> {
  assertAdmin(actor);
  const rows = await deps.db.apiToken.findMany({ orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }, { id: 'desc' }] });
  const people = await deps.db.person.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } }, select: { id: true, name: true } });
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    // Anything unexpected in the column reads as the narrower scope.
    scope: r.scope === 'orders:write' ? 'orders:write' : 'orders:read',
    createdAt: r.createdAt,
    createdBy: nameOf.get(r.createdById) ?? null,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  }));
}

/** Revokes a token at once; revoking a revoked token changes nothing. */
export async function revokeApiToken(deps: Deps, actor: Actor, id: number): Promise<{ revoked: boolean }> {
  assertAdmin(actor);
  const tokenId = parse(z.number().int().positive(), id);
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: tokenId } });
    if (!row) throw new NotFoundError('api_token.not_found');
    if (row.revokedAt) return { revoked: false };
    await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: now } });
    await audit(tx, { actorId: actor.id, action: 'api_token.revoke', entity: 'api_token', entityId: row.id, before: { name: row.name, prefix: row.prefix }, after: { revokedAt: now }, at: now });
    return { revoked: true };
  });
}

/** The token a request presents, if it is one we issued and have not revoked; null otherwise. */
export async function verifyApiToken(deps: Deps, token: string): Promise<{ id: number; name: string; prefix: string; scope: ApiTokenScope } | null> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  const row = await deps.db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt) return null;
  const now = deps.clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    // Conditional, so that a burst of requests writes once.
    await deps.db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - TOUCH_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { id: row.id, name: row.name, prefix: row.prefix, scope: row.scope === 'orders:write' ? 'orders:write' : 'orders:read' };
}
