import type { Router } from 'express';
import { matchLocale } from '../../../i18n/index.ts';
import { handler, session } from '../kit.ts';
import { rememberLocale } from '../language.ts';

/** Only a page of the console, so that the switch cannot send anyone elsewhere. */
const safeBack = (v: unknown): string => (typeof v === 'string' && /^\/console(\/[^/\\]|$|\?)/.test(v) && v.length <= 2000 ? v : '/console');

/** The header's language switch: remembers the account's choice and shows the same page again in it. */
export function languageRoutes(router: Router): void {
  router.post(
    '/language',
    handler(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const locale = typeof body.locale === 'string' ? matchLocale(body.locale) : null;
      if (locale) rememberLocale(req, res, session(req).account.id, locale);
      res.redirect(303, safeBack(body.back));
    }),
  );
}
