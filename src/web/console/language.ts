// The console's language, chosen per account with the switch in every page's header. The account row has
// no place for it (and the person's locale is what Slack speaks to them), so the choice is a long-lived
// cookie holding each account's choice on this browser: another account signing in here is not affected.
import type { Request, Response } from 'express';
import { matchLocale, type Locale } from '../../i18n/index.ts';
import { cookieOf } from './kit.ts';

export const LANGUAGE_COOKIE = 'sb_lang';
// Relative Max-Age (never an absolute Expires from the server's clock), as for the session cookie.
const LANGUAGE_MAX_AGE_MS = 365 * 86_400_000;
const MAX_ACCOUNTS = 20;

/** `12:zh-CN,7:en` → the accounts' choices, newest first; anything unreadable is left out. */
function choices(req: Request): [number, Locale][] {
  const out: [number, Locale][] = [];
  for (const part of (cookieOf(req, LANGUAGE_COOKIE) ?? '').split(',').slice(0, MAX_ACCOUNTS)) {
    const m = /^(\d{1,10}):(.{1,35})$/.exec(part.trim());
    const locale = m && matchLocale(m[2]);
    if (m && locale) out.push([Number(m[1]), locale]);
  }
  return out;
}

/** The language this account chose on this browser, if it did. */
export function chosenLocale(req: Request, accountId: number): Locale | null {
  return choices(req).find(([id]) => id === accountId)?.[1] ?? null;
}

export function rememberLocale(req: Request, res: Response, accountId: number, locale: Locale): void {
  const kept = choices(req).filter(([id]) => id !== accountId);
  const value = [[accountId, locale] as const, ...kept].slice(0, MAX_ACCOUNTS).map(([id, l]) => `${id}:${l}`).join(',');
  res.cookie(LANGUAGE_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/console', secure: req.secure, maxAge: LANGUAGE_MAX_AGE_MS });
}
