// The Seaboard sandbox in the browser: plain JS, no build step. The server draws every surface (and
// escapes every text the app sent); this script puts the drawings in place, keeps the state of the
// inputs, and tells the server what the person did. The server sends the app what Slack would.
(() => {
  'use strict';

  const data = JSON.parse(document.getElementById('sb-data').textContent);
  const $ = (id) => document.getElementById(id);
  const personSelect = $('sb-person');
  const timeline = $('sb-timeline');
  const scroller = $('sb-scroll');
  const empty = $('sb-empty');
  const homePanel = $('sb-home');
  const messagesPanel = $('sb-messages');
  const modalLayer = $('sb-modal-layer');
  const toast = $('sb-toast');
  const composer = $('sb-composer');
  const commandInput = $('sb-command');
  const tabs = { messages: $('sb-tab-messages'), home: $('sb-tab-home') };

  const known = new Set(data.people.map((p) => p.id));
  const byId = new Map(data.people.map((p) => [p.id, p]));

  // ---- the sandbox's own words, in the language of the person acted as -------------------------

  let words = data.text.en;
  /** The sandbox's text for a key, `{name}` filled from params. */
  function tr(key, params) {
    return String(words[key] || data.text.en[key] || key).replace(/\{(\w+)\}/g, (_, n) => (params && n in params ? String(params[n]) : ''));
  }
  const localeOf = (p) => (p && /^zh/i.test(p.locale) ? 'zh-CN' : 'en');
  const personLabel = (p) => `${p.name} · ${tr(`sb.role.${p.role}`)}${p.team ? ` · ${p.team}` : ''}${p.active === false ? ` ${tr('sb.deactivated')}` : ''}`;

  /** Rewrites the page's own words (the server drew them for the person it opened as). */
  function speak(locale) {
    words = data.text[locale] || data.text.en;
    document.documentElement.lang = locale;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = tr(el.dataset.t);
    for (const el of document.querySelectorAll('[data-t-placeholder]')) el.placeholder = tr(el.dataset.tPlaceholder, { examples: data.examples });
    for (const el of document.querySelectorAll('[data-t-aria-label]')) el.setAttribute('aria-label', tr(el.dataset.tAriaLabel));
    for (const group of personSelect.querySelectorAll('optgroup[data-role]')) group.label = tr(`sb.group.${group.dataset.role}`);
    for (const option of personSelect.options) if (byId.has(option.value)) option.textContent = personLabel(byId.get(option.value));
  }
  let user = initialUser();
  let tab = 'messages';
  let version = -1;
  let generation = 0;
  let poller = null;
  let modal = { viewId: null, hash: null };
  let homeHash = null;

  function initialUser() {
    const fromUrl = new URLSearchParams(location.search).get('user');
    if (fromUrl && known.has(fromUrl)) return fromUrl;
    const saved = localStorage.getItem('seaboard.sandbox.user');
    if (saved && known.has(saved)) return saved;
    return data.people[0] ? data.people[0].id : null;
  }

  // ---- talking to the server -------------------------------------------------------------------

  async function post(path, body) {
    try {
      const res = await fetch(`/sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, ...body }) });
      const reply = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
      if (!reply.ok) say(reply.error || `HTTP ${res.status}`, 'error');
      else if (reply.notice) say(reply.notice, 'warn');
      return reply;
    } catch (e) {
      say(tr('sb.no_answer', { error: e.message }), 'error');
      return { ok: false };
    }
  }

  let toastTimer = null;
  function say(text, kind) {
    toast.textContent = text;
    toast.className = `sb-toast ${kind || ''}`;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), 8000);
  }

  // ---- drawing -----------------------------------------------------------------------------------

  /** The server's drawing of one surface (its texts already escaped there). */
  function fragment(html) {
    const t = document.createElement('template');
    t.innerHTML = html;
    return t.content;
  }

  function drawTimeline(parts) {
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const existing = new Map([...timeline.children].map((el) => [el.dataset.key, el]));
    let previous = null;
    let added = false;
    for (const p of parts) {
      let el = existing.get(p.key);
      existing.delete(p.key);
      if (!el || el.dataset.hash !== p.hash) {
        const fresh = fragment(p.html).firstElementChild;
        fresh.dataset.key = p.key;
        fresh.dataset.hash = p.hash;
        if (el) el.replaceWith(fresh);
        else added = true;
        el = fresh;
      }
      const want = previous ? previous.nextElementSibling : timeline.firstElementChild;
      if (want !== el) timeline.insertBefore(el, want);
      previous = el;
    }
    for (const el of existing.values()) el.remove();
    empty.hidden = timeline.children.length > 0;
    if (added && (nearBottom || parts.length <= 3)) scroller.scrollTop = scroller.scrollHeight;
  }

  function drawModal(part) {
    if (!part) {
      if (modal.viewId) {
        modalLayer.replaceChildren();
        modalLayer.hidden = true;
        document.body.classList.remove('sb-modal-open');
      }
      modal = { viewId: null, hash: null };
      return;
    }
    if (part.hash === modal.hash) return;
    const old = modalLayer.firstElementChild;
    const kept = old && old.dataset.viewId === part.viewId ? collect(old, true) : null;
    const isNew = part.viewId !== modal.viewId;
    modalLayer.replaceChildren(fragment(part.html));
    const root = modalLayer.firstElementChild;
    if (kept) restore(root, kept);
    modal = { viewId: part.viewId, hash: part.hash };
    modalLayer.hidden = false;
    document.body.classList.add('sb-modal-open');
    const firstError = root.querySelector('.sb-has-error input, .sb-has-error textarea, .sb-has-error select');
    if (firstError) firstError.focus();
    else if (isNew) {
      const first = root.querySelector('.sb-modal-body input:not([type=hidden]), .sb-modal-body textarea, .sb-modal-body select');
      if (first) first.focus();
    }
  }

  function drawHome(part) {
    if (!part) {
      if (homeHash !== 'none') homePanel.replaceChildren(fragment('<p class="sb-empty sb-muted">The app has not published a Home for you yet.</p>'));
      homeHash = 'none';
      return;
    }
    if (part.hash === homeHash) return;
    const old = homePanel.firstElementChild;
    const kept = old && old.dataset && old.dataset.viewId === part.viewId ? collect(old, true) : null;
    homePanel.replaceChildren(fragment(part.html));
    if (kept) restore(homePanel.firstElementChild, kept);
    homeHash = part.hash;
  }

  function apply(state) {
    version = state.version;
    drawTimeline(state.timeline);
    drawModal(state.modal);
    drawHome(state.home);
  }

  async function pollLoop(gen) {
    while (gen === generation && user) {
      const ctrl = new AbortController();
      poller = ctrl;
      try {
        const res = await fetch(`/sandbox/state?user=${encodeURIComponent(user)}&since=${version}`, { signal: ctrl.signal, cache: 'no-store' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const state = await res.json();
        if (gen !== generation) return;
        apply(state);
      } catch (e) {
        if (gen !== generation) return;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  function become(id) {
    user = id;
    localStorage.setItem('seaboard.sandbox.user', id);
    const url = new URL(location.href);
    url.searchParams.set('user', id);
    history.replaceState(null, '', url);
    personSelect.value = id;
    speak(localeOf(byId.get(id)));
    generation += 1;
    if (poller) poller.abort();
    version = -1;
    timeline.replaceChildren();
    empty.hidden = false;
    drawModal(null);
    homeHash = null;
    const loading = document.createElement('p');
    loading.className = 'sb-empty sb-muted';
    loading.textContent = tr('sb.loading_home');
    homePanel.replaceChildren(loading);
    pollLoop(generation);
    if (tab === 'home') post('open-tab', { tab: 'home' });
  }

  // ---- reading inputs ----------------------------------------------------------------------------

  /** What one element holds, as the server expects it (see src/sandbox/elements.ts RawValue). */
  function rawOf(el) {
    switch (el.dataset.type) {
      case 'button':
      case 'overflow':
        return undefined;
      case 'static_select':
      case 'users_select':
        return el.value || null;
      case 'multi_static_select':
      case 'multi_users_select':
        return [...el.selectedOptions].map((o) => o.value);
      case 'external_select':
        return el.dataset.value ? { value: el.dataset.value, text: el.dataset.text || '' } : null;
      case 'radio_buttons': {
        const checked = el.querySelector('input:checked');
        return checked ? checked.value : null;
      }
      case 'checkboxes':
        return [...el.querySelectorAll('input:checked')].map((i) => i.value);
      default:
        return el.value === '' ? null : el.value;
    }
  }

  const blockOf = (el) => el.closest('[data-block-id]').dataset.blockId;

  /**
   * `{ blockId: { actionId: raw } }` of every element of a surface that holds a value (with `touched`,
   * only those the person changed: a redraw keeps them, and shows the app's new values for the rest).
   */
  function collect(surface, touched) {
    const state = {};
    for (const el of surface.querySelectorAll('[data-action-id]')) {
      if (touched && !el.dataset.touched) continue;
      const raw = rawOf(el);
      if (raw === undefined) continue;
      (state[blockOf(el)] ??= {})[el.dataset.actionId] = raw;
    }
    return state;
  }

  /** After a redraw of the same view: what the person had typed or chosen stays. */
  function restore(surface, state) {
    for (const el of surface.querySelectorAll('[data-action-id]')) {
      const blockState = state[blockOf(el)];
      if (!blockState || !(el.dataset.actionId in blockState)) continue;
      const raw = blockState[el.dataset.actionId];
      el.dataset.touched = '1';
      switch (el.dataset.type) {
        case 'multi_static_select':
        case 'multi_users_select':
          for (const o of el.options) o.selected = (raw || []).includes(o.value);
          break;
        case 'external_select': {
          const input = el.querySelector('input');
          if (raw) {
            el.dataset.value = raw.value;
            el.dataset.text = raw.text;
            input.value = raw.text;
          } else {
            delete el.dataset.value;
            delete el.dataset.text;
            input.value = '';
          }
          break;
        }
        case 'radio_buttons':
        case 'checkboxes': {
          const chosen = Array.isArray(raw) ? raw : raw ? [raw] : [];
          for (const i of el.querySelectorAll('input')) i.checked = chosen.includes(i.value);
          break;
        }
        default:
          el.value = raw == null ? '' : raw;
      }
    }
  }

  function whereOf(surface) {
    return surface.dataset.surface === 'message' ? { surface: 'message', channel: surface.dataset.channel, ts: surface.dataset.ts } : { surface: 'view', viewId: surface.dataset.viewId };
  }

  // ---- acting ------------------------------------------------------------------------------------

  async function act(el, value) {
    const surface = el.closest('[data-surface]');
    const control = el.matches('button, select, input') ? el : null;
    if (control) control.disabled = true;
    try {
      await post('action', { where: whereOf(surface), blockId: blockOf(el), actionId: el.dataset.actionId, ...(value !== undefined ? { value } : {}), state: collect(surface) });
    } finally {
      if (control && control.isConnected) control.disabled = false;
    }
  }

  function confirmFirst(el) {
    if (!el.dataset.confirmTitle) return Promise.resolve(true);
    const layer = $('sb-confirm-layer');
    $('sb-confirm-title').textContent = el.dataset.confirmTitle;
    $('sb-confirm-text').textContent = el.dataset.confirmText || '';
    const ok = $('sb-confirm-ok');
    const deny = $('sb-confirm-deny');
    ok.textContent = el.dataset.confirmOk;
    deny.textContent = el.dataset.confirmDeny;
    ok.className = `sb-button ${el.dataset.confirmDanger ? 'danger' : 'primary'}`;
    layer.hidden = false;
    ok.focus();
    return new Promise((resolve) => {
      const done = (answer) => {
        layer.hidden = true;
        ok.onclick = deny.onclick = null;
        resolve(answer);
      };
      ok.onclick = () => done(true);
      deny.onclick = () => done(false);
    });
  }

  async function submitModal(button) {
    const root = button.closest('[data-surface]');
    button.disabled = true;
    try {
      await post('submit', { viewId: root.dataset.viewId, state: collect(root) });
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  }

  function closeModal(all) {
    const root = modalLayer.firstElementChild;
    if (root) post('close', { viewId: root.dataset.viewId, all });
  }

  document.addEventListener('click', async (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    // A click elsewhere closes an open list of options.
    for (const list of document.querySelectorAll('.sb-listbox:not([hidden])')) if (!list.parentElement.contains(target)) list.hidden = true;
    const button = target.closest('button[data-action-id]');
    if (button && button.closest('[data-surface]')) {
      if (!(await confirmFirst(button))) return;
      if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
      act(button);
      return;
    }
    const option = target.closest('.sb-listbox [role=option]');
    if (option) {
      choose(option);
      return;
    }
    if (target.closest('[data-submit]')) submitModal(target.closest('[data-submit]'));
    else if (target.closest('[data-close]')) closeModal(false);
    else if (target.closest('[data-close-all]')) closeModal(true);
  });

  // What the person changed survives a redraw of the same view (see collect).
  const touch = (e) => {
    const el = e.target.closest && e.target.closest('[data-action-id]');
    if (el) el.dataset.touched = '1';
  };
  document.addEventListener('input', touch, true);
  document.addEventListener('change', touch, true);

  document.addEventListener('change', (e) => {
    const target = e.target;
    const el = target.closest('[data-action-id]');
    if (!el || !el.dataset.dispatch || el.dataset.type === 'button' || el.dataset.type === 'external_select') return;
    if (['plain_text_input', 'email_text_input', 'url_text_input', 'number_input'].includes(el.dataset.type)) return; // those dispatch on Enter
    if (el.dataset.type === 'overflow') {
      const value = el.value;
      el.value = '';
      act(el, value);
      return;
    }
    act(el, rawOf(el));
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !modalLayer.hidden && $('sb-confirm-layer').hidden) {
      closeModal(true);
      return;
    }
    const el = e.target.closest && e.target.closest('[data-action-id][data-dispatch]');
    if (e.key === 'Enter' && el && el.tagName === 'INPUT' && ['plain_text_input', 'email_text_input', 'url_text_input', 'number_input'].includes(el.dataset.type)) {
      e.preventDefault();
      act(el, rawOf(el));
    }
  });

  // ---- external selects: options from the app (block_suggestion) ---------------------------------

  const timers = new WeakMap();
  document.addEventListener('input', (e) => {
    const box = e.target.closest && e.target.closest('.sb-external');
    if (!box) return;
    delete box.dataset.value; // typing again undoes the choice until one is picked
    delete box.dataset.text;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => suggest(box), 200));
  });

  async function suggest(box) {
    const input = box.querySelector('input');
    const list = box.querySelector('.sb-listbox');
    const typed = input.value;
    if (typed.length < Number(box.dataset.minQuery || 3)) {
      list.hidden = true;
      return;
    }
    const surface = box.closest('[data-surface]');
    const reply = await post('options', { where: whereOf(surface), blockId: blockOf(box), actionId: box.dataset.actionId, value: typed, state: collect(surface) });
    if (!reply.ok || input.value !== typed) return;
    const items = [];
    const add = (o) => {
      const li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.dataset.value = o.value;
      li.textContent = o.text && o.text.text ? o.text.text : String(o.value);
      items.push(li);
    };
    if (reply.option_groups) {
      for (const g of reply.option_groups) {
        const head = document.createElement('li');
        head.className = 'sb-group';
        head.setAttribute('role', 'presentation');
        head.textContent = g.label && g.label.text ? g.label.text : '';
        items.push(head);
        (g.options || []).forEach(add);
      }
    } else (reply.options || []).forEach(add);
    if (!items.length) {
      const none = document.createElement('li');
      none.className = 'sb-none';
      none.textContent = tr('sb.no_results');
      items.push(none);
    }
    list.replaceChildren(...items);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function choose(option) {
    const box = option.closest('.sb-external');
    const input = box.querySelector('input');
    box.dataset.value = option.dataset.value;
    box.dataset.text = option.textContent;
    input.value = option.textContent;
    input.setAttribute('aria-expanded', 'false');
    box.querySelector('.sb-listbox').hidden = true;
    if (box.dataset.dispatch) act(box, { value: box.dataset.value, text: box.dataset.text });
  }

  // ---- the page's own controls -------------------------------------------------------------------

  composer.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = commandInput.value.trim();
    if (!text) return;
    if (!text.startsWith('/')) {
      say(tr('sb.slash_only'), 'warn');
      return;
    }
    commandInput.disabled = true;
    const reply = await post('command', { text });
    commandInput.disabled = false;
    if (reply.ok) commandInput.value = '';
    commandInput.focus();
  });

  function showTab(name) {
    tab = name;
    for (const [k, b] of Object.entries(tabs)) b.setAttribute('aria-selected', String(k === name));
    messagesPanel.hidden = name !== 'messages';
    homePanel.hidden = name !== 'home';
    // Slack tells the app every time the person opens a tab of the app.
    post('open-tab', { tab: name });
  }
  tabs.messages.addEventListener('click', () => showTab('messages'));
  tabs.home.addEventListener('click', () => showTab('home'));
  personSelect.addEventListener('change', () => become(personSelect.value));

  if (user) become(user);
  else say(tr('sb.no_people'), 'warn');
})();
