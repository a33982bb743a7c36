// Sign-in, sign-out and the password page: the only console routes that run without a session.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { changePassword, closeSession, openSession, sessionByToken, signIn } from '../../domain/console/accounts.ts';
import { isDomainError } from '../../domain/errors.ts';
import { loadSettings } from '../../domain/settings/settings.ts';
import { toLocale } from '../../i18n/index.ts';
import { html } from '../html.ts';
import { errorSummary, input, text } from './forms.ts';
import { chosenLocale } from './language.ts';
import { cookieOf, csrfField, formErrors, handler, maybeSession, redirectWith, render, session, setSession, tr, trMessage, type ConsoleDeps } from './kit.ts';

export const SESSION_COOKIE = 'sb_session';
const LOGIN_CSRF_COOKIE = 'sb_login';
// Cookies carry a relative Max-Age, never an absolute Expires from the server's clock: a browser whose clock
// is ahead of the server's (or a test's fixed clock) would otherwise drop them at once.
const LOGIN_FORM_MAX_AGE_MS = 60 * 60_000;

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

/** Only a path inside the console, so that the sign-in form cannot send anyone elsewhere. */
const safeNext = (v: unknown): string => (typeof v === 'string' && /^\/console(\/[^/\\]|$|\?)/.test(v) ? v : '/console');

function signInPage(req: Request, res: Response, o: { email?: string; error?: string; status?: number; next?: string }): void {
  // Sign-in's own CSRF token (there is no session yet): the same random value in a cookie and the form.
  const token = randomBytes(18).toString('base64url');
  res.cookie(LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/console/sign-in', secure: req.secure, maxAge: LOGIN_FORM_MAX_AGE_MS });
  render(req, res, {
    title: tr(req, 'console.sign_in.title'),
    status: o.status,
    body: html`<div class="narrow">
      <h1>${tr(req, 'console.sign_in.title')}</h1>
      ${errorSummary(o.error)}
      <form method="post" action="/console/sign-in" class="card">
        <input type="hidden" name="_csrf" value="${token}">
        <input type="hidden" name="next" value="${o.next ?? '/console'}">
        ${input({ label: tr(req, 'console.sign_in.email'), name: 'email', type: 'email', value: o.email, required: true, attrs: html`autocomplete="username" autofocus` })}
        ${input({ label: tr(req, 'console.sign_in.password'), name: 'password', type: 'password', required: true, attrs: html`autocomplete="current-password"` })}
        <button type="submit">${tr(req, 'console.sign_in.submit')}</button>
      </form>
      <p class="muted">${tr(req, 'console.sign_in.first_admin')}</p>
    </div>`,
  });
}

export function authRoutes(router: Router, cd: ConsoleDeps): void {
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/sign-in', (req, res) => {
    const note = req.query.expired ? tr(req, 'console.sign_in.expired') : undefined;
    signInPage(req, res, { next: safeNext(req.query.next), error: note });
  });

  router.post('/sign-in', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = text(body.email);
    const password = text(body.password);
    const expected = cookieOf(req, LOGIN_CSRF_COOKIE) ?? '';
    if (!sameToken(String(body._csrf ?? ''), expected)) {
      signInPage(req, res, { email, error: tr(req, 'console.csrf_failed'), status: 403 });
      return;
    }
    try {
      const { accountId } = await signIn(cd.deps, { email, password, ip: req.ip });
      const opened = await openSession(cd.deps, accountId);
      res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/console/sign-in' });
      res.cookie(SESSION_COOKIE, opened.token, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure, maxAge: opened.maxAgeMs });
      res.redirect(303, safeNext(body.next));
    } catch (e) {
      if (!isDomainError(e)) throw e;
      const status = e.code === 'limit_reached' ? 429 : e.code === 'forbidden' ? 403 : 401;
      // A lock (of the email or the address) says when to come back; it reads the same for every email.
      const until = e.params.until;
      if (status === 429 && until instanceof Date) res.set('Retry-After', String(Math.max(1, Math.ceil((until.getTime() - cd.deps.clock.now().getTime()) / 1000))));
      signInPage(req, res, { email, error: trMessage(req, e), status, next: safeNext(body.next) });
    }
  });
}

/** Loads the session of the cookie; without one, GETs go to the sign-in page and other methods get 401. */
export function requireSession(cd: ConsoleDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = cookieOf(req, SESSION_COOKIE);
    const active = token ? await sessionByToken(cd.deps, token) : null;
    if (!active) {
      const expired = token ? '&expired=1' : '';
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.redirect(303, `/console/sign-in?next=${encodeURIComponent(req.originalUrl)}${expired}`);
      } else {
        res.status(401);
        signInPage(req, res, { error: tr(req, 'console.sign_in.expired'), status: 401 });
      }
      return;
    }
    const settings = await loadSettings(cd.deps.db);
    setSession(req, {
      ...active,
      // The language chosen with the header's switch, else the person's, else English.
      reader: { locale: chosenLocale(req, active.account.id) ?? toLocale(active.actor.locale), timezone: active.actor.timezone ?? settings.timezone },
    });
    next();
  };
}

/** Every state-changing request carries the session's token in `_csrf` (form) or `X-CSRF-Token`. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const body = (req.body ?? {}) as Record<string, unknown>;
  const sent = typeof body._csrf === 'string' ? body._csrf : (req.get('x-csrf-token') ?? '');
  if (sameToken(sent, session(req).csrfToken)) return next();
  render(req, res, { title: tr(req, 'console.error.title'), status: 403, body: html`<h1>${tr(req, 'console.error.title')}</h1><p class="error" role="alert">${tr(req, 'console.csrf_failed')}</p>` });
}

/** An account signed in with a one-time password goes nowhere but the password page. */
export function requireOwnPassword(req: Request, res: Response, next: NextFunction): void {
  const s = maybeSession(req);
  if (s?.account.mustChangePassword && req.path !== '/password' && req.path !== '/sign-out' && req.path !== '/language') {
    res.redirect(303, '/console/password');
    return;
  }
  next();
}

export function sessionRoutes(router: Router, cd: ConsoleDeps): void {
  router.post(
    '/sign-out',
    handler(async (req, res) => {
      await closeSession(cd.deps, session(req).id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/console/sign-in');
    }),
  );

  const passwordPage = (req: Request, res: Response, o: { summary?: string; fields?: Record<string, string>; status?: number }) =>
    render(req, res, {
      title: tr(req, 'console.password.title'),
      status: o.status,
      body: html`<div class="narrow">
        <h1>${tr(req, 'console.password.title')}</h1>
        ${session(req).account.mustChangePassword ? html`<p>${tr(req, 'console.password.must_change')}</p>` : ''}
        ${errorSummary(o.summary)}
        <form method="post" action="/console/password" class="card">
          ${csrfField(req)}
          ${input({ label: tr(req, 'console.password.current'), name: 'current', type: 'password', required: true, error: o.fields?.current, attrs: html`autocomplete="current-password"` })}
          ${input({ label: tr(req, 'console.password.next'), name: 'next', type: 'password', required: true, error: o.fields?.next, hint: tr(req, 'console.password.next_hint'), attrs: html`autocomplete="new-password" minlength="12"` })}
          ${input({ label: tr(req, 'console.password.repeat'), name: 'repeat', type: 'password', required: true, error: o.fields?.repeat, attrs: html`autocomplete="new-password"` })}
          <button type="submit">${tr(req, 'console.password.submit')}</button>
        </form>
      </div>`,
    });

  router.get('/password', handler(async (req, res) => passwordPage(req, res, {})));
  router.post(
    '/password',
    handler(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      try {
        await changePassword(cd.deps, session(req), { current: text(b.current), next: text(b.next), repeat: text(b.repeat) });
      } catch (e) {
        if (!isDomainError(e) || e.code !== 'invalid') throw e;
        passwordPage(req, res, { ...formErrors(req, e), status: 422 });
        return;
      }
      redirectWith(res, '/console', tr(req, 'console.password.changed'));
    }),
  );
}

