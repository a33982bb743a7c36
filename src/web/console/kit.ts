// The toolkit of the console's route modules: the session of the request, text, pages, forms, errors.
import type { WebClient } from '@slack/web-api';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Config } from '../../config.ts';
import { ForbiddenError, isDomainError, NotFoundError, type DomainError, type MessageParams } from '../../domain/errors.ts';
import type { Deps } from '../../domain/deps.ts';
import type { Actor } from '../../domain/org/roles.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import { describeIssue, fromAcceptLanguage, type Reader } from '../../i18n/index.ts';
import { formatMoney, type MoneyOptions } from '../../i18n/money.ts';
import { html, type Html } from '../html.ts';
import { t, tCode, tMessage, type ConsoleKey, type ConsoleKeyPrefix } from '../i18n/index.ts';
import { layout, type Flash } from './layout.ts';

export interface ConsoleDeps {
  deps: Deps;
  config: Config;
  /** A Web API client when SLACK_BOT_TOKEN is set (people from `users.list`). */
  slack: WebClient | null;
  /** The scheduled jobs, for the Jobs page (list, Run now); absent where the console runs without them. */
  jobs?: Scheduler;
}

export interface Session {
  /** The stored session's id (a hash of the cookie's token). */
  id: string;
  account: { id: number; email: string; mustChangePassword: boolean };
  actor: Actor;
  reader: Reader;
  csrfToken: string;
}

/** Registers a console area's routes on a router mounted at /console, behind sign-in and the CSRF check. */
export type RouteModule = (router: Router, cd: ConsoleDeps) => void;

const SESSION = Symbol('console session');
const FLASH = Symbol('console flash');
type ConsoleRequest = Request & { [SESSION]?: Session; [FLASH]?: Flash | null };

export function setSession(req: Request, s: Session): void {
  (req as ConsoleRequest)[SESSION] = s;
}

export function session(req: Request): Session {
  const s = (req as ConsoleRequest)[SESSION];
  if (!s) throw new Error('console route reached without a session');
  return s;
}

export const maybeSession = (req: Request): Session | null => (req as ConsoleRequest)[SESSION] ?? null;

const anonymous: Reader = { locale: 'en', timezone: 'UTC' };
/** The session's reader; without one (the sign-in page) the browser's language. */
export const readerOf = (req: Request): Reader => maybeSession(req)?.reader ?? { ...anonymous, locale: fromAcceptLanguage(req.get('accept-language')) };

/** The console's text in the reader's language; a key no catalog has does not compile. */
export function tr(req: Request, key: ConsoleKey, params: MessageParams = {}): string {
  return t(readerOf(req), key, params);
}

/** The word for a code (`trCode(req, 'stores.status.', s.status)`): the prefix is checked, the code is not. */
export function trCode(req: Request, prefix: ConsoleKeyPrefix, code: string, params: MessageParams = {}): string {
  return tCode(readerOf(req), prefix, code, params);
}

/** A domain error's or issue's message (its key is known only at run time). */
export function trMessage(req: Request, m: { key: string; params?: MessageParams }): string {
  return tMessage(readerOf(req), m);
}

/** An amount in fen as the reader's locale writes it (`12,800.00`; see formatMoney). */
export function money(req: Request, fen: number, o: MoneyOptions = {}): string {
  return formatMoney(fen, readerOf(req).locale, o);
}

export function requireAdmin(req: Request): void {
  if (session(req).actor.role !== 'admin') throw new ForbiddenError('console.admin_only');
}

// A flash message survives one redirect in a short cookie; it is escaped like any text when shown.
const FLASH_COOKIE = 'sb_flash';
const FLASH_MAX_AGE_MS = 5 * 60_000;

export function redirectWith(res: Response, url: string, message: string, kind: 'ok' | 'error' = 'ok'): void {
  const value = Buffer.from(JSON.stringify({ kind, message: message.slice(0, 500) })).toString('base64url');
  res.cookie(FLASH_COOKIE, value, { httpOnly: true, sameSite: 'lax', path: '/console', secure: res.req.secure, maxAge: FLASH_MAX_AGE_MS });
  res.redirect(303, url);
}

function takeFlash(req: Request, res: Response): Flash | null {
  const r = req as ConsoleRequest;
  if (r[FLASH] !== undefined) return r[FLASH];
  const raw = cookieOf(req, FLASH_COOKIE);
  let flash: Flash | null = null;
  if (raw) {
    res.clearCookie(FLASH_COOKIE, { path: '/console' });
    try {
      const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Flash>;
      if (typeof v.message === 'string') flash = { kind: v.kind === 'error' ? 'error' : 'ok', message: v.message };
    } catch {
      flash = null;
    }
  }
  r[FLASH] = flash;
  return flash;
}

export function cookieOf(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export interface Page {
  title: string;
  body: Html;
  status?: number;
  /** A page's own `<script src>` and `<link>` tags. */
  head?: Html;
}

/** Where the language switch returns to: this page, or for an answer to a form the page the form was on. */
function backOf(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const referer = req.get('referer');
  try {
    const u = referer ? new URL(referer) : null;
    if (u && u.host === req.get('host') && u.pathname.startsWith('/console')) return u.pathname + u.search;
  } catch {
    // an unreadable Referer: the overview
  }
  return '/console';
}

export function render(req: Request, res: Response, page: Page): void {
  const s = maybeSession(req);
  const document = layout({
    reader: readerOf(req),
    title: page.title,
    body: page.body,
    head: page.head,
    flash: takeFlash(req, res),
    user: s ? { name: s.actor.name, role: s.actor.role, csrfToken: s.csrfToken } : null,
    current: req.originalUrl,
    back: backOf(req),
  });
  res.status(page.status ?? 200).type('html').set('Cache-Control', 'no-store').send(document.value);
}

export function csrfField(req: Request): Html {
  return html`<input type="hidden" name="_csrf" value="${session(req).csrfToken}">`;
}

/**
 * The console's Content-Security-Policy: its own scripts, styles, fonts and fetches only, no plugins,
 * no framing, forms posted only to itself. Images: its own and data: URLs, plus `imgSrc` (the region
 * map's tile server, from the settings).
 */
export function contentSecurityPolicy(o: { imgSrc?: string[] } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", 'data:', ...(o.imgSrc ?? [])].join(' ')}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * The CSP source of a tile URL template (`https://{s}.tile.example.org/{z}/{x}/{y}.png` →
 * `https://*.tile.example.org`); its scheme alone when the host is not a plain name; null for none.
 */
export function tileSource(tileUrl: string): string | null {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(tileUrl.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  const host = m[2]!.replace(/^\{[a-z]\}\./i, '*.').toLowerCase();
  return /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/.test(host) ? `${scheme}://${host}` : `${scheme}:`;
}

/** Where an error page's "back" link goes: the console page the request came from, else the overview. */
function backLink(req: Request): string {
  try {
    const ref = new URL(req.get('referer') ?? '');
    if (ref.host === req.get('host') && /^\/console(\/|$)/.test(ref.pathname)) return ref.pathname + ref.search;
  } catch {
    // no or a malformed Referer
  }
  return '/console';
}

const statusOf: Record<DomainError['code'], number> = { forbidden: 403, not_found: 404, conflict: 409, limit_reached: 409, invalid: 422 };

export function renderError(req: Request, res: Response, e: unknown): void {
  if (isDomainError(e)) {
    const reader = readerOf(req);
    const lines = e.issues.map((i) => describeIssue(reader, i));
    render(req, res, {
      title: tr(req, 'console.error.title'),
      status: statusOf[e.code],
      body: html`<h1>${tr(req, 'console.error.title')}</h1>
        <p class="error" role="alert">${trMessage(req, e)}</p>
        ${lines.length ? html`<ul class="error">${lines.map((l) => html`<li>${l}</li>`)}</ul>` : ''}
        <p><a href="${backLink(req)}">${tr(req, 'console.error.back')}</a></p>`,
    });
    return;
  }
  console.error(`console ${req.method} ${req.originalUrl}:`, e);
  if (res.headersSent) return;
  render(req, res, { title: tr(req, 'console.error.title'), status: 500, body: html`<h1>${tr(req, 'console.error.title')}</h1><p class="error">${tr(req, 'console.error.server')}</p>` });
}

/** A route's body; a domain error becomes its page with the right status, anything else a logged 500. */
export function handler(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await fn(req, res);
    } catch (e) {
      renderError(req, res, e);
    }
  };
}

/** A domain error for a form: the sentence on top, and each issue's text by its field's name. */
export function formErrors(req: Request, e: DomainError): { summary: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const i of e.issues) fields[i.path] ??= trMessage(req, i);
  const summary = e.issues.length ? tr(req, 'console.form.fix') : trMessage(req, e);
  return { summary, fields };
}

export interface UploadedFile {
  name: string;
  buffer: Buffer;
}

export function uploadedFile(req: Request): UploadedFile | null {
  const file = (req as Request & { file?: { originalname: string; buffer: Buffer } }).file;
  return file ? { name: file.originalname, buffer: file.buffer } : null;
}

/**
 * A route's numeric id (`/people/:id`), checked before anything else reads it: only 1…2^31−1 written
 * plainly (no sign, exponent, hex, spaces or leading zeros). Anything else is the page's "not found",
 * as an id that does not exist would be.
 */
export function idParam(req: Request, notFoundKey: string, name = 'id'): number {
  const raw = req.params[name];
  const id = typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(id <= 2 ** 31 - 1)) throw new NotFoundError(notFoundKey, { id: typeof raw === 'string' ? raw.slice(0, 40) : '' });
  return id;
}

/** A route's random key (an upload's id): letters, digits, `_` and `-`, else the page's "not found". */
export function keyParam(req: Request, notFoundKey: string, name = 'id'): string {
  const raw = req.params[name];
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{10,64}$/.test(raw)) throw new NotFoundError(notFoundKey);
  return raw;
}

/** `?page=` as a page number from 1. */
export function pageParam(req: Request): number {
  const n = Number(req.query.page);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** Previous / next links keeping the other query parameters. */
export function pager(req: Request, o: { page: number; pageSize: number; total: number }): Html {
  const pages = Math.max(1, Math.ceil(o.total / o.pageSize));
  const link = (page: number) => {
    const q = new URLSearchParams(req.query as Record<string, string>);
    q.set('page', String(page));
    return `${req.baseUrl}${req.path}?${q.toString()}`;
  };
  return html`<nav class="pager">
    ${o.page > 1 ? html`<a href="${link(o.page - 1)}" rel="prev">${tr(req, 'console.pager.prev')}</a>` : ''}
    <span>${tr(req, 'console.pager', { page: o.page, pages, total: o.total })}</span>
    ${o.page < pages ? html`<a href="${link(o.page + 1)}" rel="next">${tr(req, 'console.pager.next')}</a>` : ''}
  </nav>`;
}
