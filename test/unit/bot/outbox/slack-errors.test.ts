import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { backoffMs, classifySlackError } from '../../../../src/bot/outbox/slack-errors.ts';

// How the dispatcher reads Slack's failures, and how long it waits between tries.

const fetchFailed = (code: string) => new webApi.WebAPIRequestError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) }));

describe('retry delays', () => {
  const o = { baseMs: 1000, maxMs: 300_000, jitter: 0.5 };

  it('double from a second, up to five minutes', () => {
    const top = () => 0; // no jitter drawn: the full delay
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, o, top))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(backoffMs(9, o, top)).toBe(256_000);
    expect(backoffMs(10, o, top)).toBe(300_000);
    expect(backoffMs(60, o, top)).toBe(300_000);
  });

  it('are spread by the jitter, never beyond the full delay', () => {
    expect(backoffMs(3, o, () => 0.999999)).toBe(2000);
    expect(backoffMs(3, o, () => 0.5)).toBe(3000);
  });
});

describe('Slack failures', () => {
  it('429: retried after Retry-After, and the channel waits as long', () => {
    expect(classifySlackError(new webApi.WebAPIRateLimitedError(7), true)).toEqual({ kind: 'retry', error: 'ratelimited', delayMs: 7000, pauseMs: 7000 });
  });

  it('5xx and a broken connection: a post may have landed, so it is in doubt; an update is simply retried', () => {
    const http500 = new webApi.WebAPIHTTPError(500, 'Internal Server Error', {}, '');
    expect(classifySlackError(http500, true)).toEqual({ kind: 'retry', error: 'http_500', inDoubt: true });
    expect(classifySlackError(http500, false)).toEqual({ kind: 'retry', error: 'http_500', inDoubt: false });
    expect(classifySlackError(fetchFailed('UND_ERR_SOCKET'), true)).toMatchObject({ kind: 'retry', inDoubt: true });
    expect(classifySlackError(new webApi.WebAPIPlatformError({ ok: false, error: 'internal_error' }), true)).toMatchObject({ kind: 'retry', inDoubt: true });
  });

  it('a refused connection never reached Slack: retried, not in doubt', () => {
    expect(classifySlackError(fetchFailed('ECONNREFUSED'), true)).toEqual({ kind: 'retry', error: 'request: ECONNREFUSED' });
  });

  it('permanent errors fail the notice; token and scope errors wait for an admin', () => {
    for (const error of ['channel_not_found', 'user_not_found', 'not_in_channel', 'is_archived', 'account_inactive', 'invalid_blocks', 'msg_too_long', 'no_text', 'message_not_found']) {
      expect(classifySlackError(new webApi.WebAPIPlatformError({ ok: false, error }), true)).toEqual({ kind: 'failed', error });
    }
    expect(classifySlackError(new webApi.WebAPIHTTPError(404, 'Not Found', {}, ''), true)).toEqual({ kind: 'failed', error: 'http_404' });
    expect(classifySlackError(new webApi.WebAPIPlatformError({ ok: false, error: 'missing_scope' }), true)).toEqual({ kind: 'retry', error: 'missing_scope' });
  });
});
