import { formatDateTime, zonedParts } from '../domain/time/zone.ts';
import { html, raw, type Html } from '../web/html.ts';
import { mrkdwn, plainText, type MrkdwnContext } from './mrkdwn.ts';
import { blockIdOf, elementsOf, type Json } from './elements.ts';
import { st, type SandboxKey } from './i18n.ts';
import type { Locale } from '../i18n/index.ts';

// Block Kit → HTML, on the server, as Slack would draw it for one person. Interactive elements carry
// their block and action ids (`data-block-id`, `data-action-id`, `data-type`) for sandbox.js, which
// collects their values and sends them back; the payload itself is built on the server from the
// stored blocks (src/sandbox/elements.ts and slack-client.ts), so the browser can only choose what Slack would let it.

export interface RenderContext extends MrkdwnContext {
  /** The viewer's time zone, for timestamps and date-time pickers. */
  timezone: string;
  /** Everyone a users_select offers. */
  people: { id: string; name: string }[];
  /** Errors of a view submission, by input block id. */
  errors?: Record<string, string>;
  /** Makes element ids unique in the page (labels point at their control). */
  idPrefix: string;
  /** The viewer's language, for what Slack itself writes around the app's blocks (default English). */
  locale?: Locale;
}

/** Slack's own words around the app's blocks, in the viewer's language. */
const say = (ctx: { locale?: Locale }, key: SandboxKey, params = {}): string => st(ctx.locale ?? 'en', key, params);

type TextObj = { type?: string; text?: string } | undefined | null;

function text(t: TextObj, ctx: RenderContext): Html {
  if (!t || typeof t.text !== 'string') return html``;
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : plainText(t.text);
}
const plainOf = (t: TextObj): string => (t && typeof t.text === 'string' ? t.text : '');

const SAFE_IMAGE = /^(https?:\/\/|\/)/i;

function image(url: unknown, alt: unknown, cls: string): Html {
  if (typeof url !== 'string' || !SAFE_IMAGE.test(url)) return html`<span class="${cls} sb-missing-image">${String(alt ?? '')}</span>`;
  return html`<img class="${cls}" src="${url}" alt="${String(alt ?? '')}" loading="lazy">`;
}

interface Place {
  blockId: string;
  /** In an input block: its label points at the control, and a change is only state unless it dispatches. */
  input: boolean;
  dispatch: boolean;
}

// Ids count up within one drawing of a surface, so the same surface always draws the same HTML.
const counters = new WeakMap<RenderContext, number>();
function controlId(ctx: RenderContext): string {
  const n = (counters.get(ctx) ?? 0) + 1;
  counters.set(ctx, n);
  return `sb-${ctx.idPrefix}-${n}`;
}

function options(list: Json[] | undefined, selected: Set<string>): Html[] {
  return (list ?? []).map((o) => html`<option value="${String(o.value ?? '')}"${selected.has(String(o.value)) ? raw(' selected') : ''}>${plainOf(o.text)}</option>`);
}

function optionGroups(el: Json, selected: Set<string>): Html[] {
  if (Array.isArray(el.option_groups)) {
    return el.option_groups.map((g: Json) => html`<optgroup label="${plainOf(g.label)}">${options(g.options, selected)}</optgroup>`);
  }
  return options(el.options, selected);
}

const dateInTz = (epochSeconds: unknown, tz: string): string => {
  if (typeof epochSeconds !== 'number') return '';
  const p = zonedParts(new Date(epochSeconds * 1000), tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
};

/** One interactive element. `id` is the control's DOM id (an input block's label points at it). */
export function element(el: Json, actionId: string, place: Place, ctx: RenderContext, id = controlId(ctx)): Html {
  const common = html`data-action-id="${actionId}" data-type="${String(el.type)}"${place.dispatch ? raw(' data-dispatch="1"') : ''}`;
  const placeholder = plainOf(el.placeholder);
  switch (el.type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
      const confirm = el.confirm
        ? html` data-confirm-title="${plainOf(el.confirm.title)}" data-confirm-text="${plainOf(el.confirm.text)}" data-confirm-ok="${plainOf(el.confirm.confirm) || say(ctx, 'sb.yes')}" data-confirm-deny="${plainOf(el.confirm.deny) || say(ctx, 'sb.cancel')}"${el.confirm.style === 'danger' ? raw(' data-confirm-danger="1"') : ''}`
        : html``;
      const url = typeof el.url === 'string' && /^https?:\/\//.test(el.url) ? html` data-url="${el.url}"` : html``;
      return html`<button type="button" id="${id}" class="sb-button${style}" ${common} data-dispatch="1"${confirm}${url}>${plainOf(el.text)}</button>`;
    }
    case 'overflow':
      return html`<select id="${id}" class="sb-overflow" ${common} data-dispatch="1" aria-label="${say(ctx, 'sb.more_actions')}"><option value="" selected disabled>⋯</option>${options(el.options, new Set())}</select>`;
    case 'static_select':
    case 'multi_static_select': {
      const multi = el.type === 'multi_static_select';
      const initial = new Set<string>((multi ? (el.initial_options ?? []) : el.initial_option ? [el.initial_option] : []).map((o: Json) => String(o.value)));
      return html`<select id="${id}" class="sb-select" ${common}${multi ? raw(' multiple') : ''}>${multi ? '' : html`<option value=""${initial.size ? '' : raw(' selected')} disabled>${placeholder || say(ctx, 'sb.select_item')}</option>`}${optionGroups(el, initial)}</select>`;
    }
    case 'users_select':
    case 'multi_users_select': {
      const multi = el.type === 'multi_users_select';
      const initial = new Set<string>(multi ? (el.initial_users ?? []) : el.initial_user ? [el.initial_user] : []);
      return html`<select id="${id}" class="sb-select" ${common}${multi ? raw(' multiple') : ''}>${multi ? '' : html`<option value=""${initial.size ? '' : raw(' selected')} disabled>${placeholder || say(ctx, 'sb.select_person')}</option>`}${ctx.people.map((p) => html`<option value="${p.id}"${initial.has(p.id) ? raw(' selected') : ''}>${p.name}</option>`)}</select>`;
    }
    case 'external_select': {
      const init = el.initial_option as Json | undefined;
      return html`<div class="sb-external" ${common} data-min-query="${String(el.min_query_length ?? 3)}"${init ? html` data-value="${String(init.value)}" data-text="${plainOf(init.text)}"` : ''}>
        <input id="${id}" type="text" role="combobox" autocomplete="off" aria-expanded="false" placeholder="${placeholder}" value="${init ? plainOf(init.text) : ''}">
        <ul class="sb-listbox" role="listbox" hidden></ul></div>`;
    }
    case 'datepicker':
      return html`<input id="${id}" type="date" class="sb-date" ${common} value="${String(el.initial_date ?? '')}"${place.input ? '' : html` aria-label="${placeholder || say(ctx, 'sb.date')}"`}>`;
    case 'timepicker':
      return html`<input id="${id}" type="time" class="sb-time" ${common} value="${String(el.initial_time ?? '')}"${place.input ? '' : html` aria-label="${placeholder || say(ctx, 'sb.time')}"`}>`;
    case 'datetimepicker':
      return html`<input id="${id}" type="datetime-local" class="sb-datetime" ${common} value="${dateInTz(el.initial_date_time, ctx.timezone)}">`;
    case 'plain_text_input':
      return el.multiline
        ? html`<textarea id="${id}" class="sb-text" ${common} rows="4" placeholder="${placeholder}"${el.max_length ? html` maxlength="${String(el.max_length)}"` : ''}>${String(el.initial_value ?? '')}</textarea>`
        : html`<input id="${id}" type="text" class="sb-text" ${common} placeholder="${placeholder}" value="${String(el.initial_value ?? '')}"${el.max_length ? html` maxlength="${String(el.max_length)}"` : ''}>`;
    case 'email_text_input':
    case 'url_text_input':
      return html`<input id="${id}" type="${el.type === 'email_text_input' ? 'email' : 'url'}" class="sb-text" ${common} placeholder="${placeholder}" value="${String(el.initial_value ?? '')}">`;
    case 'number_input':
      return html`<input id="${id}" type="number" class="sb-text" ${common} placeholder="${placeholder}" value="${String(el.initial_value ?? '')}" step="${el.is_decimal_allowed ? 'any' : '1'}"${el.min_value !== undefined ? html` min="${String(el.min_value)}"` : ''}${el.max_value !== undefined ? html` max="${String(el.max_value)}"` : ''}>`;
    case 'radio_buttons':
    case 'checkboxes': {
      const radio = el.type === 'radio_buttons';
      const initial = new Set<string>((radio ? (el.initial_option ? [el.initial_option] : []) : (el.initial_options ?? [])).map((o: Json) => String(o.value)));
      const name = `${id}-group`;
      return html`<div id="${id}" class="sb-choices" role="${radio ? 'radiogroup' : 'group'}"${place.input ? html` aria-labelledby="${id}-label"` : ''} ${common}>${(el.options ?? []).map(
        (o: Json, i: number) =>
          html`<label class="sb-choice"><input type="${radio ? 'radio' : 'checkbox'}" name="${name}" value="${String(o.value)}" id="${id}-${i}"${initial.has(String(o.value)) ? raw(' checked') : ''}> <span>${text(o.text, ctx)}</span>${o.description ? html`<small class="sb-muted">${text(o.description, ctx)}</small>` : ''}</label>`,
      )}</div>`;
    }
    case 'image':
      return image(el.image_url, el.alt_text, 'sb-accessory-image');
    default:
      return html`<span class="sb-unsupported">[${String(el.type)}]</span>`;
  }
}

function block(b: Json, index: number, ctx: RenderContext): Html {
  const blockId = blockIdOf(b, index);
  const wrap = (cls: string, inner: Html) => html`<div class="sb-block sb-${cls}" data-block-id="${blockId}">${inner}</div>`;
  const els = elementsOf(b, index);
  switch (b.type) {
    case 'header':
      return wrap('header', html`<h3>${plainOf(b.text)}</h3>`);
    case 'divider':
      return wrap('divider', html`<hr>`);
    case 'section': {
      const accessory = els[0] ? element(els[0].element, els[0].actionId, { blockId, input: false, dispatch: true }, ctx) : b.accessory?.type === 'image' ? element(b.accessory, '', { blockId, input: false, dispatch: false }, ctx) : html``;
      return wrap(
        'section',
        html`<div class="sb-section-body">${b.text ? html`<div class="sb-text-body">${text(b.text, ctx)}</div>` : ''}${Array.isArray(b.fields) ? html`<div class="sb-fields">${b.fields.map((f: Json) => html`<div class="sb-field">${text(f, ctx)}</div>`)}</div>` : ''}</div>${b.accessory ? html`<div class="sb-accessory">${accessory}</div>` : ''}`,
      );
    }
    case 'context':
      return wrap('context', html`${(b.elements ?? []).map((e: Json) => (e.type === 'image' ? image(e.image_url, e.alt_text, 'sb-context-image') : html`<span>${text(e, ctx)}</span>`))}`);
    case 'image':
      return wrap('image', html`${b.title ? html`<div class="sb-image-title">${plainOf(b.title)}</div>` : ''}${image(b.image_url ?? b.slack_file?.url, b.alt_text, 'sb-image')}`);
    case 'actions':
      return wrap('actions', html`${els.map((e) => element(e.element, e.actionId, { blockId, input: false, dispatch: true }, ctx))}`);
    case 'input': {
      const e = els[0];
      if (!e) return html``;
      const id = controlId(ctx);
      const error = ctx.errors?.[blockId];
      const group = e.element.type === 'radio_buttons' || e.element.type === 'checkboxes';
      return wrap(
        `input${error ? ' sb-has-error' : ''}`,
        html`${group ? html`<div class="sb-label" id="${id}-label">${plainOf(b.label)}${b.optional ? html` <span class="sb-muted">${say(ctx, 'sb.optional')}</span>` : ''}</div>` : html`<label class="sb-label" for="${id}">${plainOf(b.label)}${b.optional ? html` <span class="sb-muted">${say(ctx, 'sb.optional')}</span>` : ''}</label>`}
          ${element(e.element, e.actionId, { blockId, input: true, dispatch: b.dispatch_action === true }, ctx, id)}
          ${b.hint ? html`<div class="sb-hint">${plainOf(b.hint)}</div>` : ''}
          ${error ? html`<div class="sb-error" role="alert">${error}</div>` : ''}`,
      );
    }
    case 'markdown':
      return wrap('section', html`<div class="sb-text-body">${mrkdwn(String(b.text ?? ''), ctx)}</div>`);
    case 'rich_text':
      return wrap('section', html`<div class="sb-text-body">${richText(b)}</div>`);
    default:
      return wrap('unsupported', html`<span class="sb-unsupported">[${String(b.type)} block]</span>`);
  }
}

/** rich_text: its text runs, plainly (the app does not send any; other apps' messages might). */
function richText(b: Json): Html {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Json;
      if (o.type === 'text' && typeof o.text === 'string') out.push(o.text);
      walk(o.elements);
    }
  };
  walk(b.elements);
  return plainText(out.join(''));
}

export function blocks(list: unknown, ctx: RenderContext): Html {
  if (!Array.isArray(list)) return html``;
  return html`${list.map((b, i) => (b && typeof b === 'object' ? block(b as Json, i, ctx) : html``))}`;
}

// ---- surfaces ------------------------------------------------------------------------------------

export interface MessageLike {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  ephemeral?: boolean;
  /** Files shared with the message (files.completeUploadExternal); an image is shown, anything else linked. */
  files?: { id: string; name: string; title: string; mimetype: string; altText?: string }[];
}

/** A message from the app as Slack shows it: blocks when it has them, else its text. */
export function message(m: MessageLike, ctx: RenderContext, o: { channelLabel?: string | null; fileUrl: (id: string) => string }): Html {
  const when = formatDateTime(new Date(Number(m.ts.split('.')[0]) * 1000), ctx.timezone);
  const body = Array.isArray(m.blocks) && m.blocks.length ? blocks(m.blocks, ctx) : html`<div class="sb-text-body">${mrkdwn(m.text ?? '', ctx)}</div>`;
  const files = (m.files ?? []).map((f) =>
    f.mimetype.startsWith('image/')
      ? html`<figure class="sb-file"><img src="${o.fileUrl(f.id)}" alt="${f.altText ?? f.title}"><figcaption>${f.title}</figcaption></figure>`
      : html`<div class="sb-file"><a href="${o.fileUrl(f.id)}" download="${f.name}">📎 ${f.title}</a></div>`,
  );
  return html`<article class="sb-message${m.ephemeral ? ' sb-ephemeral' : ''}" data-surface="message" data-channel="${m.channel}" data-ts="${m.ts}"${m.ephemeral ? raw(' data-ephemeral="1"') : ''}>
    <header class="sb-message-head"><span class="sb-avatar" aria-hidden="true">S</span><strong>Seaboard</strong> <span class="sb-app-badge">APP</span> <time class="sb-muted">${when}</time>${o.channelLabel ? html` <span class="sb-muted">${say(ctx, 'sb.in_channel', { channel: o.channelLabel })}</span>` : ''}${m.ephemeral ? html` <span class="sb-only-you">${say(ctx, 'sb.only_you')}</span>` : ''}</header>
    ${body}${files}</article>`;
}

export interface ViewLike {
  id: string;
  view: Json;
}

/** The top modal of a stack: title, blocks, close and submit; the titles below it as a trail. */
export function modal(v: ViewLike, stack: ViewLike[], ctx: RenderContext): Html {
  const view = v.view;
  const trail = stack.length > 1 ? html`<nav class="sb-trail" aria-label="${say(ctx, 'sb.modal_stack')}">${stack.map((s, i) => html`${i ? ' › ' : ''}<span${s.id === v.id ? raw(' aria-current="true"') : ''}>${plainOf(s.view.title)}</span>`)}</nav>` : html``;
  return html`<div class="sb-modal" role="dialog" aria-modal="true" aria-labelledby="sb-modal-title" data-surface="view" data-view-id="${v.id}">
    <header class="sb-modal-head">${stack.length > 1 ? html`<span class="sb-back" aria-hidden="true">‹</span>` : ''}<h2 id="sb-modal-title">${plainOf(view.title)}</h2><button type="button" class="sb-x" data-close-all="1" aria-label="${say(ctx, 'sb.close_all')}">×</button></header>
    ${trail}
    <form class="sb-modal-body" novalidate>${blocks(view.blocks, ctx)}</form>
    <footer class="sb-modal-foot"><button type="button" class="sb-button" data-close="1">${plainOf(view.close) || say(ctx, 'sb.cancel')}</button>${view.submit ? html`<button type="button" class="sb-button primary" data-submit="1">${plainOf(view.submit)}</button>` : ''}</footer></div>`;
}

/** The person's App Home, as the app last published it. */
export function home(v: ViewLike, ctx: RenderContext): Html {
  return html`<div class="sb-home-view" data-surface="view" data-view-id="${v.id}">${blocks(v.view.blocks, ctx)}</div>`;
}
