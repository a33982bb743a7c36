import { zonedTimeToUtc } from '../domain/time/zone.ts';

// The interactive elements of some blocks, and their values as Slack reports them (view.state.values
// and the `actions` of block_actions). Slack gives a block or element without an id a generated one;
// the sandbox derives it from the position, the same in what it draws and what it sends.

export type Json = Record<string, any>;

/** What the browser reports for one element: text, a choice (value), several, or an external option. */
export type RawValue = string | string[] | { value: string; text: string } | null;
/** `{ blockId: { actionId: raw } }`, as sandbox.js collects it from a surface. */
export type RawState = Record<string, Record<string, RawValue>>;

export const blockIdOf = (b: Json, index: number): string => (typeof b.block_id === 'string' && b.block_id ? b.block_id : `sb-${index}`);

export interface Placed {
  element: Json;
  actionId: string;
  blockId: string;
  /** In an input block (its value is state; it acts only with dispatch_action). */
  input: boolean;
}

/** The interactive elements of one block (an image accessory is not one). */
export function elementsOf(b: Json, index: number): Placed[] {
  const blockId = blockIdOf(b, index);
  const list: Json[] =
    b.type === 'input' ? [b.element] : b.type === 'actions' ? (Array.isArray(b.elements) ? b.elements : []) : b.type === 'section' && b.accessory && b.accessory.type !== 'image' ? [b.accessory] : [];
  return list
    .filter((el): el is Json => !!el && typeof el === 'object')
    .map((el, i) => ({ element: el, actionId: typeof el.action_id === 'string' && el.action_id ? el.action_id : `${blockId}-a${i}`, blockId, input: b.type === 'input' }));
}

export function allElements(blocks: unknown): Placed[] {
  return Array.isArray(blocks) ? blocks.flatMap((b, i) => (b && typeof b === 'object' ? elementsOf(b as Json, i) : [])) : [];
}

export function findElement(blocks: unknown, blockId: string, actionId: string): Placed | undefined {
  return allElements(blocks).find((p) => p.blockId === blockId && p.actionId === actionId);
}

function allOptions(el: Json): Json[] {
  if (Array.isArray(el.option_groups)) return el.option_groups.flatMap((g: Json) => (Array.isArray(g.options) ? g.options : []));
  return Array.isArray(el.options) ? el.options : [];
}
const optionOf = (el: Json, value: unknown): Json | null => allOptions(el).find((o) => String(o.value) === String(value)) ?? null;
const asText = (raw: RawValue | undefined): string | null => (typeof raw === 'string' && raw !== '' ? raw : null);
const asList = (raw: RawValue | undefined): string[] => (Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' && raw ? [raw] : []);

/** `YYYY-MM-DDTHH:MM` on the person's wall clock → epoch seconds. */
function epochOf(wall: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as number[];
  return Math.floor(zonedTimeToUtc({ year: y!, month: mo!, day: d!, hour: h!, minute: mi! }, tz).getTime() / 1000);
}

/**
 * One element's state as Slack reports it. Without a raw value (never touched) it is the element's
 * initial value. Null for elements that hold none (buttons, overflow menus).
 */
export function stateOf(el: Json, raw: RawValue | undefined, tz: string): Json | null {
  const type = String(el.type);
  const touched = raw !== undefined;
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: touched ? asText(raw) : (el.initial_value ?? null) };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: touched ? optionOf(el, asText(raw)) : (el.initial_option ?? null) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: touched ? asList(raw).map((v) => optionOf(el, v)).filter((o): o is Json => !!o) : (el.initial_options ?? []) };
    case 'external_select': {
      if (!touched) return { type, selected_option: el.initial_option ?? null };
      const pick = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : null;
      return { type, selected_option: pick ? { text: { type: 'plain_text', text: pick.text, emoji: true }, value: pick.value } : null };
    }
    case 'users_select':
      return { type, selected_user: touched ? asText(raw) : (el.initial_user ?? null) };
    case 'multi_users_select':
      return { type, selected_users: touched ? asList(raw) : (el.initial_users ?? []) };
    case 'datepicker': {
      const v = touched ? asText(raw) : (el.initial_date ?? null);
      return { type, selected_date: v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null };
    }
    case 'timepicker': {
      const v = touched ? asText(raw) : (el.initial_time ?? null);
      return { type, selected_time: v && /^\d{2}:\d{2}$/.test(v) ? v : null, ...(el.timezone ? { timezone: el.timezone } : {}) };
    }
    case 'datetimepicker': {
      const v = touched ? asText(raw) : null;
      return { type, selected_date_time: touched ? (v ? epochOf(v, tz) : null) : (el.initial_date_time ?? null) };
    }
    default:
      return null;
  }
}

/** view.state.values of some blocks: every element that holds a value, as the person left it. */
export function stateValues(blocks: unknown, raw: RawState, tz: string): Json {
  const values: Json = {};
  for (const p of allElements(blocks)) {
    const s = stateOf(p.element, raw[p.blockId]?.[p.actionId], tz);
    if (!s) continue;
    (values[p.blockId] ??= {})[p.actionId] = s;
  }
  return values;
}

/** One entry of block_actions' `actions`: the element as Slack describes the interaction. */
export function actionOf(p: Placed, raw: RawValue | undefined, tz: string): Json {
  const el = p.element;
  const base = { type: el.type, block_id: p.blockId, action_id: p.actionId };
  const ts = `${Date.now() / 1000}`;
  if (el.type === 'button') {
    return { ...base, text: el.text, ...(el.value !== undefined ? { value: el.value } : {}), ...(el.style ? { style: el.style } : {}), ...(el.url ? { url: el.url } : {}), action_ts: ts };
  }
  if (el.type === 'overflow') return { ...base, selected_option: optionOf(el, asText(raw)), action_ts: ts };
  const { type: _type, ...state } = stateOf(el, raw, tz) ?? {};
  return {
    ...base,
    ...state,
    ...(el.initial_date ? { initial_date: el.initial_date } : {}),
    ...(el.initial_time ? { initial_time: el.initial_time } : {}),
    ...(el.placeholder ? { placeholder: el.placeholder } : {}),
    action_ts: ts,
  };
}

/** Blocks as Slack sends them back: every block with its (generated) block_id. */
export const withBlockIds = (blocks: unknown): unknown[] => (Array.isArray(blocks) ? blocks.map((b, i) => (b && typeof b === 'object' ? { ...(b as Json), block_id: blockIdOf(b as Json, i) } : b)) : []);
