import type { App, HTTPModuleFunctions, ReceiverEvent } from '@slack/bolt';
import type { NextFunction, Request, Response } from 'express';
import { describeEnvelope, readEnvelope, requestWorkspace, type Envelope } from './schemas.ts';

// The edge of the Slack endpoint: what every request passes before a listener sees it.
//
// - A request timestamp more than five minutes ahead is refused like a stale one (Bolt only refuses
//   the stale ones): a signed request cannot be kept to be replayed later.
// - The body must be a Slack payload (src/bot/schemas.ts): one that is not is answered 400 and goes
//   no further. A payload type this app does not handle is acknowledged and logged.
// - It must come from the app's own workspace (or Enterprise Grid organization), which the bot token
//   tells (auth.test): a correctly signed request from another workspace is refused.
// - Every request is answered: one that no listener acknowledged (an unknown action, view or command,
//   or a listener that failed before its ack) gets an empty 200 at once, and is logged.

interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

/** How far a request's timestamp may be from our clock, either way (Slack's replay window). */
const MAX_SKEW_S = 5 * 60;

/** Thrown to the receiver for a body that is not a Slack payload: answered 400. */
class NotSlackPayload extends Error {
  constructor(reason: string) {
    super(`not a Slack payload: ${reason}`);
    this.name = 'NotSlackPayload';
  }
}

/** Express middleware before Bolt's verification: refuses timestamps from the future (401, as Bolt refuses stale ones). */
export function refuseFutureTimestamps(log: Logger, nowMs: () => number = Date.now) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw = req.headers['x-slack-request-timestamp'];
    const ts = typeof raw === 'string' && raw.trim() ? Number(raw) : Number.NaN;
    if (Number.isFinite(ts) && ts > Math.floor(nowMs() / 1000) + MAX_SKEW_S) {
      log.warn(`slack: refused a request timestamped ${Math.round(ts - nowMs() / 1000)} s in the future`);
      res.status(401).end();
      return;
    }
    next();
  };
}

/** The receiver's answer to a processing error: 400 for a body that is not a Slack payload. */
export function processEventErrorHandler(fallback: (args: HTTPModuleFunctions.ReceiverProcessEventErrorHandlerArgs) => Promise<boolean>) {
  return async (args: HTTPModuleFunctions.ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (!(args.error instanceof NotSlackPayload)) return fallback(args);
    if (!args.response.headersSent) {
      args.response.writeHead(400);
      args.response.end();
    }
    return false;
  };
}

/** Bolt's "not acknowledged in 3 s" answer, but not for a request the edge has answered already. */
export function unhandledRequestHandler({ logger, response }: HTTPModuleFunctions.ReceiverUnhandledRequestHandlerArgs): void {
  if (response.headersSent) return;
  logger.error('slack: a request was not acknowledged within 3 seconds');
  response.writeHead(404);
  response.end();
}

// ---- the app's workspace --------------------------------------------------------------------------

interface Workspace {
  teamId: string | null;
  enterpriseId: string | null;
}

/** Who the bot token is: its workspace, and the bot's own ids (which Bolt puts on every request's context). */
export interface Identity extends Workspace {
  botId?: string;
  botUserId?: string;
}

interface IdentitySource {
  /** The identity, once known; asks auth.test when it is not (at most every `retryMs` after a failure). */
  get(): Promise<Identity | null>;
  /** Starts learning it now (at start), without waiting. */
  load(): void;
}

type AuthTest = () => Promise<{ team_id?: string; enterprise_id?: string; bot_id?: string; user_id?: string }>;

/**
 * The bot token's identity, from auth.test, asked once and remembered. Until it is known no request
 * is served: a failure is retried by the next request, at most every `retryMs`.
 */
export function identityFromAuthTest(authTest: AuthTest, log: Logger, o: { retryMs?: number; now?: () => number } = {}): IdentitySource {
  const retryMs = o.retryMs ?? 10_000;
  const now = o.now ?? Date.now;
  let known: Identity | null = null;
  let pending: Promise<Identity | null> | null = null;
  let failedAt = -Infinity;
  const ask = (): Promise<Identity | null> => {
    pending ??= authTest()
      .then((r) => {
        const w: Identity = {
          teamId: r.team_id || null,
          enterpriseId: r.enterprise_id || null,
          ...(r.bot_id ? { botId: r.bot_id } : {}),
          ...(r.user_id ? { botUserId: r.user_id } : {}),
        };
        if (!w.teamId && !w.enterpriseId) throw new Error('auth.test named no team');
        known = w;
        return w;
      })
      .catch((e: unknown) => {
        failedAt = now();
        log.error(`slack: could not learn the app's workspace (auth.test): ${e instanceof Error ? e.message : String(e)}`);
        return null;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  return {
    get: async () => known ?? (pending ? pending : now() - failedAt >= retryMs ? ask() : null),
    load: () => {
      if (!known) void ask();
    },
  };
}

/**
 * Whether a request comes from the app's workspace: the same team, or, in an Enterprise Grid
 * organization, any workspace of the same organization (an org-wide install is one app for all).
 */
export function isOwnWorkspace(own: Workspace | null, from: Workspace): boolean {
  if (!own) return false;
  if (own.enterpriseId && from.enterpriseId === own.enterpriseId) return true;
  return !!own.teamId && from.teamId === own.teamId;
}

// ---- the guard ----------------------------------------------------------------------------------

interface EdgeOptions {
  identity: IdentitySource;
  /** HTTP answers a body that is not a Slack payload with 400 (NotSlackPayload); Socket Mode can only acknowledge it. */
  mode: 'http' | 'socket';
  log: Logger;
  /** What a slash command from another workspace is told. */
  otherWorkspaceText: string;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Wraps Bolt's processEvent, where every receiver (HTTP and Socket Mode) hands a request over. */
export function guardEdge(app: App, o: EdgeOptions): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const checked = readEnvelope(event.body);
    if (!checked.ok) {
      o.log.warn(`slack: refused a request: ${checked.reason.slice(0, 500).replace(/[\x00-\x1f\x7f\u2028\u2029]/g, '?')}`);
      if (o.mode === 'http') throw new NotSlackPayload(checked.reason);
      await event.ack();
      return;
    }
    const envelope = checked.envelope;
    const what = describeEnvelope(envelope);
    if (envelope.kind === 'unsupported') {
      o.log.warn(`slack: acknowledged a ${what}, which this app does not handle`);
      await event.ack();
      return;
    }
    const own = await o.identity.get();
    const from = requestWorkspace(envelope);
    if (!isOwnWorkspace(own, from)) {
      const mine = own ? `${own.teamId ?? '—'}${own.enterpriseId ? ` / ${own.enterpriseId}` : ''}` : 'not known (auth.test failed)';
      o.log.warn(`slack: refused ${what} from workspace ${from.teamId ?? '—'}${from.enterpriseId ? ` / ${from.enterpriseId}` : ''}: the app's is ${mine}`);
      await event.ack(envelope.kind === 'command' ? { response_type: 'ephemeral', text: o.otherWorkspaceText } : undefined);
      return;
    }
    await answered(processEvent, event, envelope, what, o.log);
  };
}

/** Runs Bolt on the checked payload; acknowledges whatever no listener did. */
async function answered(processEvent: (e: ReceiverEvent) => Promise<void>, event: ReceiverEvent, envelope: Envelope, what: string, log: Logger): Promise<void> {
  let acked = false;
  const ack = async (response?: unknown): Promise<void> => {
    acked = true;
    await event.ack(response);
  };
  try {
    await processEvent({ ...event, body: envelope.body, ack });
  } catch (e) {
    log.error(`slack: ${what} failed: ${messageOf(e)}`);
  }
  if (!acked) {
    log.warn(`slack: no listener answered ${what}; acknowledged`);
    await ack().catch((e: unknown) => log.error(`slack: could not acknowledge ${what}: ${messageOf(e)}`));
  }
}
