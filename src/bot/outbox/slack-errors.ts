import { webApi } from '@slack/bolt';

// What the end of one attempt to deliver a notice means for its row, how Slack's failures are read,
// and how long a notice waits before it is tried again.

export type Outcome =
  /** Delivered: where it is (an upload's `ts` is its file id when Slack did not say where it was shared). */
  | { kind: 'sent'; channel: string; ts: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string }
  /** Not delivered, try again. `inDoubt`: it may have been, look before posting again. `pauseMs`: the lane waits too. */
  | { kind: 'retry'; error: string; delayMs?: number; pauseMs?: number; inDoubt?: boolean }
  /** An in-doubt post or upload that never reached the channel: pending again, due now. */
  | { kind: 'release' };

export interface BackoffOptions {
  /** The first retry's delay; it doubles with each attempt. */
  baseMs: number;
  maxMs: number;
  /** 0–1: how much of each delay is random (a retry waits between (1 − jitter) × d and d). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 300_000, jitter: 0.5 };

// Slack errors that say "not now" rather than "never": retried. Auth and scope errors are fixed by an
// admin, after which the notice should still go out.
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited', 'team_added_to_org']);
const CONFIGURATION = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'missing_scope', 'ekm_access_denied']);
/** Network errors raised before the request left: it cannot have reached Slack. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export const failed = (error: string): Outcome => ({ kind: 'failed', error: error.slice(0, 500) });
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function backoffMs(attempts: number, o: BackoffOptions, random: () => number = Math.random): number {
  const full = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full * (1 - o.jitter * random()));
}

/**
 * What a failed Slack call means for the row. `mayHaveLanded`: the call was a post (or the call that
 * shares an upload), which a 5xx or a broken connection may have delivered anyway (an update can simply
 * be done again).
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

/**
 * The bytes of an upload did not reach Slack's upload URL (`status` 0: no answer). Nothing is shared
 * before files.completeUploadExternal, so it is never in doubt: a new upload is simply made later. An
 * answer Slack will not change its mind about (a file too large, a request it refuses) fails the notice.
 */
export function classifyUploadFailure(status: number, detail: string): Outcome {
  if (status === 0 || status >= 500 || status === 408 || status === 429) return { kind: 'retry', error: `upload: ${detail}` };
  return failed(`upload: ${detail}`);
}
