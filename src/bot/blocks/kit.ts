import type { types } from '@slack/bolt';

// Small pure builders that keep Slack's Block Kit limits (../shared/slack/FACTS.md §5) wherever text
// comes from data: long text is cut with "…", long lists are cut to the surface's maximum.
export const limits = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionValue: 75,
  options: 100,
  contextElements: 10,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  placeholder: 150,
  label: 2000,
  actionElements: 25,
} as const;

/** A block of a message, a modal or App Home, as Slack's own types describe it. */
export type Block = types.KnownBlock;
export type Button = types.Button;
export type ModalView = types.ModalView;
export type PlainText = types.PlainTextElement;
type Option = types.PlainTextOption;
/** An element an input block holds (a text input, a select, a date picker…). */
export type InputElement = types.InputBlockElement;
/** An element an actions block holds (a button, a select, a date picker…). */
type ActionElement = types.ActionsBlockElement;
/** What a message is made of: the notification's text and the blocks. */
export interface BlockMessage {
  text: string;
  blocks: Block[];
}

/** Cuts to at most `max` characters (by code point), ending in "…" when cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** mrkdwn control characters in user data are escaped so that a name cannot format or mention. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const plain = (text: string, max: number = limits.sectionText): PlainText => ({ type: 'plain_text', text: cut(text || ' ', max), emoji: true });
export const md = (text: string, max: number = limits.sectionText): types.MrkdwnElement => ({ type: 'mrkdwn', text: cut(text || ' ', max) });

export const header = (text: string): types.HeaderBlock => ({ type: 'header', text: plain(text, limits.headerText) });
export const divider = (): types.DividerBlock => ({ type: 'divider' });
export const section = (text: string, accessory?: types.SectionBlockAccessory, blockId?: string): types.SectionBlock => ({
  type: 'section',
  text: md(text),
  ...(accessory ? { accessory } : {}),
  ...(blockId ? { block_id: blockId } : {}),
});
export const fields = (items: string[]): types.SectionBlock => ({
  type: 'section',
  fields: items.slice(0, limits.fields).map((f) => md(f, limits.fieldText)),
});
export const context = (items: string[]): types.ContextBlock => ({
  type: 'context',
  elements: items.slice(0, limits.contextElements).map((t) => md(t)),
});

interface ButtonOptions {
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
  confirm?: { title: string; text: string; confirm: string; deny: string };
}
export function button(text: string, actionId: string, opts: ButtonOptions = {}): Button {
  return {
    type: 'button',
    text: plain(text, limits.buttonText),
    action_id: actionId,
    ...(opts.value !== undefined ? { value: cut(opts.value, 2000) } : {}),
    ...(opts.style ? { style: opts.style } : {}),
    ...(opts.url ? { url: opts.url } : {}),
    ...(opts.confirm
      ? {
          confirm: {
            title: plain(opts.confirm.title, 100),
            text: plain(opts.confirm.text, 300),
            confirm: plain(opts.confirm.confirm, 30),
            deny: plain(opts.confirm.deny, 30),
          },
        }
      : {}),
  };
}
export const actions = (elements: ActionElement[], blockId?: string): types.ActionsBlock => ({
  type: 'actions',
  elements: elements.slice(0, limits.actionElements),
  ...(blockId ? { block_id: blockId } : {}),
});

export const option = (text: string, value: string, description?: string): Option => ({
  text: plain(text, limits.optionText),
  value: value.slice(0, limits.optionValue),
  ...(description ? { description: plain(description, 75) } : {}),
});

interface InputOptions {
  optional?: boolean;
  hint?: string;
  dispatchAction?: boolean;
}
interface TextInputOptions {
  max: number;
  multiline?: boolean;
  /** Prefilled text, cut to `max`. */
  initial?: string | null;
  placeholder?: string;
}
export const textInput = (actionId: string, o: TextInputOptions): types.PlainTextInput => ({
  type: 'plain_text_input',
  action_id: actionId,
  max_length: o.max,
  ...(o.multiline ? { multiline: true } : {}),
  ...(o.initial ? { initial_value: cut(o.initial, o.max) } : {}),
  ...(o.placeholder ? { placeholder: plain(o.placeholder, limits.placeholder) } : {}),
});

export function input(blockId: string, label: string, element: InputElement, opts: InputOptions = {}): types.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, limits.label),
    element,
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint, limits.label) } : {}),
    ...(opts.dispatchAction ? { dispatch_action: true } : {}),
  };
}

/** At most `max` blocks; when cut, the last kept block says how many were left out. */
export function capBlocks(blocks: Block[], max: number, moreText: (n: number) => string): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context([moreText(blocks.length - kept.length)])];
}

interface ModalOptions {
  callbackId: string;
  title: string;
  submit?: string;
  close: string;
  privateMetadata?: string;
  blocks: Block[];
  notifyOnClose?: boolean;
}
export function modal(o: ModalOptions): ModalView {
  if (o.privateMetadata && o.privateMetadata.length > limits.privateMetadata) {
    // A programming error, not user input: metadata holds ids only.
    throw new Error(`private_metadata over ${limits.privateMetadata} characters`);
  }
  return {
    type: 'modal',
    callback_id: o.callbackId,
    title: plain(o.title, limits.modalTitle),
    ...(o.submit ? { submit: plain(o.submit, limits.modalButton) } : {}),
    close: plain(o.close, limits.modalButton),
    ...(o.privateMetadata ? { private_metadata: o.privateMetadata } : {}),
    ...(o.notifyOnClose ? { notify_on_close: true } : {}),
    blocks: o.blocks.slice(0, limits.viewBlocks),
  };
}
