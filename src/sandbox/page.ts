import { html, jsonForScript, type Html } from '../web/html.ts';
import type { SandboxPerson } from './people.ts';

// The sandbox page: who you are, your conversation with the app and a message box, your App Home,
// and a layer for modals. sandbox.js fills it from /sandbox/state and sends what you do.

const roleLabel: Record<string, string> = { rep: 'rep', supervisor: 'supervisor', manager: 'manager', admin: 'admin' };
const roleGroup: Record<string, string> = { rep: 'Reps', supervisor: 'Supervisors', manager: 'Managers', admin: 'Admins' };

export const personLabel = (p: SandboxPerson): string => `${p.name} · ${roleLabel[p.role] ?? p.role}${p.team ? ` · ${p.team}` : ''}${p.active ? '' : ' (deactivated)'}`;

function personOptions(people: SandboxPerson[]): Html[] {
  const groups = new Map<string, SandboxPerson[]>();
  for (const p of people) groups.set(p.role, [...(groups.get(p.role) ?? []), p]);
  return [...groups].map(([role, list]) => html`<optgroup label="${roleGroup[role] ?? role}">${list.map((p) => html`<option value="${p.slackId}">${personLabel(p)}</option>`)}</optgroup>`);
}

export function sandboxPage(people: SandboxPerson[], commands: readonly string[], examples: string[]): Html {
  const data = { people: people.map((p) => ({ id: p.slackId, name: p.name, role: p.role, team: p.team, locale: p.locale })), commands };
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Seaboard sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/assets/sandbox.css">
<script src="/sandbox/assets/sandbox.js" defer></script>
</head>
<body>
<header class="sb-top">
  <h1>Seaboard <span class="sb-badge">sandbox</span></h1>
  <div class="sb-person">
    <label for="sb-person">You are</label>
    <select id="sb-person">${personOptions(people)}</select>
  </div>
  <nav class="sb-links"><a href="/console">Console</a></nav>
</header>
<p class="sb-intro">A local stand-in for Slack: what you do here reaches the app as the signed requests Slack sends, and you see what the app sends back. Nothing leaves this computer.</p>
<main class="sb-app">
  <div class="sb-tabs" role="tablist" aria-label="Seaboard app">
    <button type="button" role="tab" id="sb-tab-messages" aria-controls="sb-messages" aria-selected="true">Messages</button>
    <button type="button" role="tab" id="sb-tab-home" aria-controls="sb-home" aria-selected="false">Home</button>
  </div>
  <section id="sb-messages" role="tabpanel" aria-labelledby="sb-tab-messages">
    <div class="sb-scroll" id="sb-scroll">
      <p id="sb-empty" class="sb-empty sb-muted">No messages yet. Type a command below, e.g. <code>/crm help</code>.</p>
      <div id="sb-timeline" class="sb-timeline" aria-live="polite"></div>
    </div>
    <form id="sb-composer" class="sb-composer" autocomplete="off">
      <label for="sb-command" class="sb-visually-hidden">Message Seaboard</label>
      <input id="sb-command" name="command" list="sb-commands" placeholder="${`Type a command, e.g. ${examples.join(', ')}`}">
      <datalist id="sb-commands">${examples.map((c) => html`<option value="${c}"></option>`)}</datalist>
      <button type="submit" class="sb-button primary">Send</button>
    </form>
  </section>
  <section id="sb-home" role="tabpanel" aria-labelledby="sb-tab-home" hidden><p class="sb-empty sb-muted">Loading your Home…</p></section>
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
