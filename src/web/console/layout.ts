import type { Role } from '../../domain/org/roles.ts';
import type { Locale, Reader } from '../../i18n/index.ts';
import { html, type Html } from '../html.ts';
import { t, type ConsoleKey } from '../i18n/index.ts';

export interface Flash {
  kind: 'ok' | 'error';
  message: string;
}

interface LayoutInput {
  reader: Reader;
  title: string;
  body: Html;
  head?: Html;
  flash: Flash | null;
  user: { name: string; role: Role; csrfToken: string } | null;
  current: string;
  /** Where the language switch comes back to. */
  back: string;
}

const nav: { href: string; key: ConsoleKey; adminOnly?: boolean }[] = [
  { href: '/console', key: 'console.nav.overview' },
  { href: '/console/org', key: 'console.nav.org' },
  { href: '/console/people', key: 'console.nav.people' },
  { href: '/console/regions', key: 'console.nav.regions' },
  { href: '/console/stores', key: 'console.nav.stores' },
  { href: '/console/approvals', key: 'console.nav.approvals', adminOnly: true },
  { href: '/console/orders', key: 'console.nav.orders', adminOnly: true },
  { href: '/console/settings', key: 'console.nav.settings', adminOnly: true },
  { href: '/console/api-tokens', key: 'console.nav.api_tokens', adminOnly: true },
  { href: '/console/jobs', key: 'jobs.nav', adminOnly: true },
  { href: '/console/audit', key: 'console.nav.audit' },
];

// Each language named in itself, so that someone who cannot read the page can still find theirs.
const languages: { locale: Locale; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '中文' },
];

const isCurrent = (href: string, current: string): boolean => {
  const path = current.split('?')[0]!;
  return href === '/console' ? path === '/console' || path === '/console/' : path === href || path.startsWith(`${href}/`) || path.startsWith(`${href}.`);
};

export function layout(p: LayoutInput): Html {
  const tx = (key: ConsoleKey, params = {}) => t(p.reader, key, params);
  return html`<!doctype html>
<html lang="${p.reader.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ${tx('console.title')}</title>
<link rel="stylesheet" href="/console/assets/console.css">
${p.head ?? ''}
</head>
<body>
<header class="top">
  <a class="brand" href="/console">Seaboard</a>
  ${p.user
    ? html`<nav class="main">${nav
        .filter((n) => !n.adminOnly || p.user!.role === 'admin')
        .map((n) => html`<a href="${n.href}"${isCurrent(n.href, p.current) ? html` aria-current="page"` : ''}>${tx(n.key)}</a>`)}</nav>
      <div class="who">
        <span>${tx('console.signed_in_as', { name: p.user.name, role: tx(`console.role.${p.user.role}`) })}</span>
        <form method="post" action="/console/language" class="inline lang-switch" aria-label="${tx('console.language')}">
          <input type="hidden" name="_csrf" value="${p.user.csrfToken}"><input type="hidden" name="back" value="${p.back}">
          ${languages.map((l) => html`<button type="submit" name="locale" value="${l.locale}" lang="${l.locale}" class="link" aria-pressed="${String(l.locale === p.reader.locale)}">${l.name}</button>`)}
        </form>
        <a href="/console/password">${tx('console.change_password')}</a>
        <form method="post" action="/console/sign-out" class="inline"><input type="hidden" name="_csrf" value="${p.user.csrfToken}"><button type="submit" class="link">${tx('console.sign_out')}</button></form>
      </div>`
    : ''}
</header>
<main>
${p.flash ? html`<p class="flash ${p.flash.kind}" role="status">${p.flash.message}</p>` : ''}
${p.body}
</main>
</body>
</html>`;
}
