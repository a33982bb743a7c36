import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { scopeAllows, verifyApiToken, type ApiTokenScope } from '../../domain/console/api-tokens.ts';
import { isDomainError, type Issue } from '../../domain/errors.ts';
import { parseOrderTime } from '../../domain/orders/order-import.ts';
import { queryOrders } from '../../domain/orders/order-list.ts';
import { MAX_ORDER_AMOUNT, orderNoSchema, recordOrders, storeCodeSchema, type RecordedOrder } from '../../domain/orders/orders.ts';
import { issuesFromZod } from '../../domain/validation.ts';
import { t, type Reader } from '../../i18n/index.ts';
import type { ConsoleDeps } from '../console/kit.ts';

/*
 * POST /api/orders — the company's order system reports orders; they feed store grades and customer
 * status exactly as the console's CSV import does. Needs a token with the `orders:write` scope.
 *
 *   Authorization: Bearer sb_…            (an API token created on the console's API tokens page)
 *   Content-Type: application/json
 *
 *   { "orderNo": "SO-1001", "storeCode": "CRM202611220001", "amount": 12850, "orderedAt": "2026-11-22T14:05:00+08:00" }
 *   or { "orders": [ …up to 1000 of those… ] }
 *
 * `amount` is an integer in fen (12850 = ¥128.50); `orderedAt` is ISO 8601 with a time and an offset.
 * All or nothing, idempotent by order number:
 *   201 { created, unchanged, orders: [{ orderNo, storeCode, amount, orderedAt, created, becameCustomer }] }
 *       (one order: { order: {…} } instead of `orders`); 200 when every order was already recorded;
 *   400 the body is not JSON; 422 it does not match (every issue: { path, code, message });
 *   409 an order number was recorded with other data; 401 no token, or not a valid one (revoked, unknown);
 *   403 the token's scope does not allow it (a read-only token).
 *
 * GET /api/orders?storeCode=CRM…&since=2026-11-01T00:00:00%2B08:00&page=1&pageSize=100 — the recorded
 * orders, oldest first (`since`: placed at or after that instant; both filters optional), with either
 * scope (`orders:read` or `orders:write`):
 *   200 { orders: [{ orderNo, storeCode, amount, orderedAt, recordedAt }], page, pageSize, total, next }
 *       (`next`: the next page's path, or null); 422 a parameter does not match.
 */
export const MAX_ORDERS_PER_REQUEST = 1000;
const reader: Reader = { locale: 'en', timezone: 'UTC' };

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const orderedAt = z
  .string()
  .regex(isoWithOffset, 'api.iso_datetime')
  .transform((s, ctx) => {
    const d = parseOrderTime(s, 'UTC');
    if (!d) {
      ctx.addIssue({ code: 'custom', params: { key: 'api.iso_datetime' } });
      return z.NEVER;
    }
    return d;
  });

const orderBody = z
  .object({
    orderNo: orderNoSchema,
    storeCode: storeCodeSchema,
    amount: z.number().int().min(0).max(MAX_ORDER_AMOUNT),
    orderedAt,
  })
  .strict();
const batchBody = z.object({ orders: z.array(orderBody).min(1).max(MAX_ORDERS_PER_REQUEST) }).strict();

const one = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const pageNumber = (v: unknown): unknown => (typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : v);
const readQuery = z
  .object({
    storeCode: z.preprocess(one, storeCodeSchema.optional()),
    since: z.preprocess(one, orderedAt.optional()),
    page: z.preprocess((v) => pageNumber(one(v)), z.number().int().min(1).max(100_000).default(1)),
    pageSize: z.preprocess((v) => pageNumber(one(v)), z.number().int().min(1).max(500).default(100)),
  })
  .strict();

type ApiIssue = { path: string; code: string; message: string };
const described = (issues: Issue[]): ApiIssue[] => issues.map((i) => ({ path: i.path, code: i.key, message: t(reader, i.key, i.params) }));

function insufficientScope(res: Response, needed: ApiTokenScope): void {
  res
    .status(403)
    .set('WWW-Authenticate', `Bearer realm="seaboard", error="insufficient_scope", scope="${needed}"`)
    .json({ error: 'insufficient_scope', message: `This token may not do this: it needs the ${needed} scope.` });
}

function unauthorized(res: Response, tokenGiven: boolean): void {
  res
    .status(401)
    .set('WWW-Authenticate', tokenGiven ? 'Bearer realm="seaboard", error="invalid_token"' : 'Bearer realm="seaboard"')
    .json({ error: 'unauthorized', message: tokenGiven ? 'The token is not valid (unknown or revoked).' : 'Send an API token: Authorization: Bearer <token>.' });
}

const view = (o: RecordedOrder) => ({
  orderNo: o.orderNo,
  storeCode: o.storeCode,
  amount: o.amount,
  orderedAt: o.orderedAt.toISOString(),
  created: o.created,
  becameCustomer: o.becameCustomer,
});

export function apiRoutes(cd: ConsoleDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb', type: () => true });

  /** A valid token whose scope allows `needed`: 401 without one, 403 when its scope does not. */
  const authenticate = (needed: ApiTokenScope) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
      if (!m) return unauthorized(res, Boolean(req.get('authorization')));
      const token = await verifyApiToken(cd.deps, m[1]!);
      if (!token) return unauthorized(res, true);
      if (!scopeAllows(token.scope, needed)) return insufficientScope(res, needed);
      res.locals.apiToken = token;
      next();
    } catch (e) {
      next(e);
    }
  };

  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'unsupported_media_type', message: 'Send the orders as JSON (Content-Type: application/json).' });
      return;
    }
    next();
  };

  router.get('/orders', authenticate('orders:read'), async (req, res, next) => {
    try {
      const parsed = readQuery.safeParse(req.query);
      if (!parsed.success) {
        res.status(422).json({ error: 'invalid', issues: described(issuesFromZod(parsed.error)) });
        return;
      }
      const q = parsed.data;
      const result = await queryOrders(cd.deps, q);
      const more = result.page * result.pageSize < result.total;
      const nextQuery = new URLSearchParams({
        ...(q.storeCode ? { storeCode: q.storeCode } : {}),
        ...(q.since ? { since: q.since.toISOString() } : {}),
        page: String(result.page + 1),
        pageSize: String(result.pageSize),
      });
      res.set('Cache-Control', 'no-store').json({
        orders: result.rows.map((o) => ({ orderNo: o.orderNo, storeCode: o.storeCode, amount: o.amount, orderedAt: o.orderedAt.toISOString(), recordedAt: o.recordedAt.toISOString() })),
        page: result.page,
        pageSize: result.pageSize,
        total: result.total,
        next: more ? `/api/orders?${nextQuery.toString()}` : null,
      });
    } catch (e) {
      if (isDomainError(e) && e.code === 'invalid') {
        res.status(422).json({ error: 'invalid', issues: described(e.issues) });
        return;
      }
      next(e);
    }
  });

  router.post('/orders', authenticate('orders:write'), requireJson, json, async (req, res, next) => {
    try {
      const body: unknown = req.body;
      const batch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'orders' in body;
      const parsed = (batch ? batchBody : orderBody).safeParse(body);
      if (!parsed.success) {
        res.status(422).json({ error: 'invalid', issues: described(issuesFromZod(parsed.error)) });
        return;
      }
      const orders = 'orders' in parsed.data ? parsed.data.orders : [parsed.data];
      const token = res.locals.apiToken as { id: number; prefix: string };
      const recorded = await recordOrders(cd.deps, orders, {
        path: batch ? (i) => `orders[${i}]` : () => '',
        auditAfter: { via: 'api', tokenId: token.id, tokenPrefix: token.prefix },
      });
      const created = recorded.filter((o) => o.created).length;
      res
        .status(created ? 201 : 200)
        .json(batch ? { created, unchanged: recorded.length - created, orders: recorded.map(view) } : { created: created > 0, order: view(recorded[0]!) });
    } catch (e) {
      if (isDomainError(e) && (e.code === 'invalid' || e.code === 'conflict')) {
        res.status(e.code === 'conflict' ? 409 : 422).json({ error: e.code, message: t(reader, e.key, e.params), issues: described(e.issues) });
        return;
      }
      next(e);
    }
  });

  // Errors of this router answer in JSON too: a body that is not JSON, or too large.
  router.use('/orders', (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'bad_json', message: 'The body is not valid JSON.', issues: [{ path: '', code: 'api.bad_json', message: 'not valid JSON' }] });
    } else if (e.type === 'entity.too.large') {
      res.status(413).json({ error: 'too_large', message: `At most ${MAX_ORDERS_PER_REQUEST} orders (1 MB) per request.` });
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: 'bad_request', message: 'The request could not be read.' });
    } else {
      console.error(`api ${req.method} ${req.originalUrl}:`, err);
      res.status(500).json({ error: 'server_error', message: 'Something went wrong on our side; the error was logged. Try again.' });
    }
  });
  return router;
}
