import { html, jsonForScript, type Html } from '../web/html.ts';
import type { Locale } from '../i18n/index.ts';
import { clientKeys, st, type SandboxKey } from './i18n.ts';
import type { SandboxPerson } from './people.ts';

// The sandbox page: who you are, your conversation with the app and a message box, your App Home,
// and a layer for modals. sandbox.js fills it from /sandbox/state and sends what you do. Its own
// words are in the language of the person you act as: drawn here for the person it opens as, and
// rewritten by sandbox.js (the `data-t` elements, from both languages' words in sb-data) on a change.

const roles = ['rep', 'supervisor', 'manager', 'admin'] as const;
const isRole = (r: string): r is (typeof roles)[number] => (roles as readonly string[]).includes(r);

export const personLabel = (p: SandboxPerson, locale: Locale = 'en'): string =>
  `${p.name} · ${isRole(p.role) ? st(locale, `sb.role.${p.role}`) : p.role}${p.team ? ` · ${p.team}` : ''}${p.active ? '' : ` ${st(locale, 'sb.deactivated')}`}`;

function personOptions(people: SandboxPerson[], locale: Locale): Html[] {
  const groups = new Map<string, SandboxPerson[]>();
  for (const p of people) groups.set(p.role, [...(groups.get(p.role) ?? []), p]);
  return [...groups].map(
    ([role, list]) =>
      html`<optgroup label="${isRole(role) ? st(locale, `sb.group.${role}`) : role}" data-role="${role}">${list.map((p) => html`<option value="${p.slackId}">${personLabel(p, locale)}</option>`)}</optgroup>`,
  );
}

/** Both languages' words that sandbox.js writes itself. */
const clientText = () =>
  Object.fromEntries((['en', 'zh-CN'] as const).map((l) => [l, Object.fromEntries(clientKeys.map((k) => [k, st(l, k)]))])) as Record<Locale, Record<SandboxKey, string>>;

export function sandboxPage(people: SandboxPerson[], commands: readonly string[], examples: string[], locale: Locale = 'en'): Html {
  const say = (key: SandboxKey, params = {}) => st(locale, key, params);
  const data = {
    people: people.map((p) => ({ id: p.slackId, name: p.name, role: p.role, team: p.team, locale: p.locale, active: p.active })),
    commands,
    examples: examples.join(', '),
    text: clientText(),
  };
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title data-t="sb.title">${say('sb.title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/assets/sandbox.css">
<script src="/sandbox/assets/sandbox.js" defer></script>
</head>
<body>
<header class="sb-top">
  <h1>Seaboard <span class="sb-badge" data-t="sb.badge">${say('sb.badge')}</span></h1>
  <div class="sb-person">
    <label for="sb-person" data-t="sb.you_are">${say('sb.you_are')}</label>
    <select id="sb-person">${personOptions(people, locale)}</select>
  </div>
  <nav class="sb-links"><a href="/console" data-t="sb.console">${say('sb.console')}</a></nav>
</header>
<p class="sb-intro" data-t="sb.intro">${say('sb.intro')}</p>
<main class="sb-app">
  <div class="sb-tabs" role="tablist" aria-label="${say('sb.app')}" data-t-aria-label="sb.app">
    <button type="button" role="tab" id="sb-tab-messages" aria-controls="sb-messages" aria-selected="true" data-t="sb.tab.messages">${say('sb.tab.messages')}</button>
    <button type="button" role="tab" id="sb-tab-home" aria-controls="sb-home" aria-selected="false" data-t="sb.tab.home">${say('sb.tab.home')}</button>
  </div>
  <section id="sb-messages" role="tabpanel" aria-labelledby="sb-tab-messages">
    <div class="sb-scroll" id="sb-scroll">
      <p id="sb-empty" class="sb-empty sb-muted"><span data-t="sb.empty">${say('sb.empty')}</span> <code>/crm help</code></p>
      <div id="sb-timeline" class="sb-timeline" aria-live="polite"></div>
    </div>
    <form id="sb-composer" class="sb-composer" autocomplete="off">
      <label for="sb-command" class="sb-visually-hidden" data-t="sb.message_label">${say('sb.message_label')}</label>
      <input id="sb-command" name="command" list="sb-commands" placeholder="${say('sb.placeholder', { examples: examples.join(', ') })}" data-t-placeholder="sb.placeholder">
      <datalist id="sb-commands">${examples.map((c) => html`<option value="${c}"></option>`)}</datalist>
      <button type="submit" class="sb-button primary" data-t="sb.send">${say('sb.send')}</button>
    </form>
  </section>
  <section id="sb-home" role="tabpanel" aria-labelledby="sb-tab-home" hidden><p class="sb-empty sb-muted">${say('sb.loading_home')}</p></section>
</main>
<div id="sb-modal-layer" class="sb-layer" hidden></div>
<div id="sb-confirm-layer" class="sb-layer" hidden>
  <div class="sb-modal sb-confirm" role="alertdialog" aria-modal="true" aria-labelledby="sb-confirm-title" aria-describedby="sb-confirm-text">
    <header class="sb-modal-head"><h2 id="sb-confirm-title"></h2></header>
    <div class="sb-modal-body"><p id="sb-confirm-text"></p></div>
    <footer class="sb-modal-foot"><button type="button" class="sb-button" id="sb-confirm-deny"></button><button type="button" class="sb-button primary" id="sb-confirm-ok"></button></footer>
  </div>
</div>
<div id="sb-toast" class="sb-toast" role="status" aria-live="polite" hidden></div>
<script type="application/json" id="sb-data">${jsonForScript(data)}</script>
</body>
</html>`;
}
