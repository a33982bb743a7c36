import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isDomainError, type MessageParams } from '../domain/errors.ts';
import { t as domainText, type Reader } from '../i18n/index.ts';
import { cut, esc, type Block, type ModalView } from './blocks/kit.ts';
import { errorText, t } from './i18n/index.ts';
import type { BlockActionsBody } from './schemas.ts';
import { loadingModal, messageModal } from './views/store-forms.ts';

// How a listener answers: the failure texts in the person's words, the places an answer goes (the
// response_url of a command or a click, a DM, a modal), and the one shape of a listener that answers
// after acknowledging: ack → work → answer, or the failure where the answer would have gone.

// ---- failures in the person's words ---------------------------------------------------------------

/** A domain error's parameters with Slack's markup characters escaped: names and typed text come from people. */
function escapedParams(params: MessageParams | undefined): MessageParams {
  return Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, typeof v === 'string' ? esc(v) : v]));
}

/**
 * The text for anything a listener could not do, for a message (mrkdwn): a domain error in the user's
 * words with whatever it quotes escaped, else a generic line.
 */
export function failureText(reader: Reader, e: unknown): string {
  if (isDomainError(e)) return errorText(reader, { key: e.key, params: escapedParams(e.params), issues: e.issues.map((i) => ({ ...i, path: esc(i.path), params: escapedParams(i.params) })) });
  console.error(e);
  return t(reader, 'common.error');
}

/** The same for plain text (a modal's inline error under an input), where nothing is markup. */
export function failurePlain(reader: Reader, e: unknown): string {
  if (isDomainError(e)) return errorText(reader, e);
  console.error(e);
  return t(reader, 'common.error');
}

/**
 * Domain issues as a modal's inline errors: each issue path names an input block; issues without a
 * block of their own go under `fallbackBlock`.
 */
export function modalErrors(reader: Reader, e: unknown, blockIds: readonly string[], fallbackBlock: string): Record<string, string> | null {
  if (!isDomainError(e) || (e.code !== 'invalid' && e.code !== 'limit_reached' && e.code !== 'conflict')) return null;
  const errors: Record<string, string> = {};
  const issues = e.issues.length ? e.issues : [{ path: '', key: e.key, params: e.params }];
  for (const i of issues) {
    const block = blockIds.includes(i.path) ? i.path : fallbackBlock;
    const text = domainText(reader, i.key, i.params ?? {});
    errors[block] = errors[block] ? `${errors[block]} ${text}` : text;
  }
  return errors;
}

/** Inline errors for any failure: domain issues under their fields, anything else under `fallback`. */
export function errorsFor(reader: Reader, e: unknown, blocks: readonly string[], fallback: string): Record<string, string> {
  const errors = modalErrors(reader, e, blocks, fallback) ?? { [fallback]: failurePlain(reader, e) };
  // Slack shows at most a short line under an input.
  for (const k of Object.keys(errors)) errors[k] = cut(errors[k]!, 2000);
  return errors;
}

// ---- where an answer goes -------------------------------------------------------------------------

/** What a listener answers with: the notification's text and, usually, blocks. */
export interface Reply {
  text: string;
  blocks?: Block[];
}

/** Posts to a response_url (5 uses in 30 minutes); a failure is logged, never thrown. */
export async function postResponse(url: string, message: Record<string, unknown>): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    if (!res.ok) console.error(`response_url answered ${res.status}`);
  } catch (e) {
    console.error('response_url failed:', e);
  }
}

/** Where a listener's answer goes, and where its failure is told. */
export interface Answer {
  show(reply: Reply): Promise<unknown>;
  fail(text: string): Promise<unknown>;
}

/** An ephemeral reply to a command (or a click) through its response_url. */
export const ephemeral = (respond: RespondFn): Answer => ({
  show: (m) => respond({ response_type: 'ephemeral', ...m }),
  fail: (text) => respond({ response_type: 'ephemeral', text }),
});

/** The clicked message redrawn in place; a failure is said beside it. */
export const inPlace = (respond: RespondFn): Answer => ({
  show: (m) => respond({ replace_original: true, ...m }),
  fail: (text) => respond({ response_type: 'ephemeral', replace_original: false, text }),
});

/** A message in the person's DM with the app. */
export const directMessage = (client: WebClient, user: string): Answer => ({
  show: (m) => client.chat.postMessage({ channel: user, ...m }),
  fail: (text) => client.chat.postMessage({ channel: user, text }),
});

/**
 * A click on App Home is answered on Home, in a small modal (Home has no place for a line, and an
 * answer in Messages is not seen by someone looking at Home); false when the click was not on Home.
 */
export async function sayOnHome(client: WebClient, body: Pick<BlockActionsBody, 'view' | 'trigger_id'>, reader: Reader | undefined, title: string | null, text: string): Promise<boolean> {
  if (!reader || body.view?.type !== 'home' || !body.trigger_id) return false;
  await openModal(client, body.trigger_id, messageModal(reader, title ?? t(reader, 'home.answer_title'), text));
  return true;
}

/** Beside what was clicked: an ephemeral line through the click's response_url, else on Home (`reader` given), else a DM. */
export function beside(client: WebClient, body: Pick<BlockActionsBody, 'response_url' | 'user' | 'view' | 'trigger_id'>, reader?: Reader): Answer {
  const say = async (text: string) => {
    if (body.response_url) await postResponse(body.response_url, { response_type: 'ephemeral', replace_original: false, text });
    else if (!(await sayOnHome(client, body, reader, null, text))) await client.chat.postMessage({ channel: body.user.id, text });
  };
  return { show: (m) => say(m.text), fail: say };
}

/**
 * To the one who clicked a card, where it clicked: ephemeral in the card's channel, else on App Home
 * (`reader` given: `sayOnHome`), else through the response_url, else by DM. A failure is marked ⚠️.
 */
export function toClicker(client: WebClient, body: BlockActionsBody, reader?: Reader): Answer {
  const say = async (text: string) => {
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (body.container?.type === 'message' && channel) {
      await client.chat.postEphemeral({ channel, user: body.user.id, text });
      return;
    }
    if (await sayOnHome(client, body, reader, null, text)) return;
    if (body.response_url) await postResponse(body.response_url, { response_type: 'ephemeral', replace_original: false, text });
    else await client.chat.postMessage({ channel: body.user.id, text });
  };
  return { show: (m) => say(m.text), fail: (text) => say(`⚠️ ${text}`) };
}

/**
 * The shape of every listener that answers after acknowledging: ack (when given: a command that
 * refused early has acked already), then `work`, then its reply where `to` says (none: `work` answered
 * itself, e.g. opened a modal). Whatever fails is told there in the person's words; an answer that
 * cannot be delivered is logged.
 */
export async function answer(o: { ack?: () => Promise<void>; reader: Reader; to: Answer }, work: () => Promise<Reply | void>): Promise<void> {
  if (o.ack) await o.ack();
  try {
    const reply = await work();
    if (reply) await o.to.show(reply);
  } catch (e) {
    await o.to.fail(failureText(o.reader, e)).catch((err: unknown) => console.error('could not answer:', err));
  }
}

// ---- modals ---------------------------------------------------------------------------------------

/** Was the click inside a modal? Then a new modal is pushed on top of it rather than opened. */
export const clickedInModal = (body: Pick<BlockActionsBody, 'container' | 'view'>): boolean => body.container?.type === 'view' && body.view?.type === 'modal';

/** Opens a modal with a trigger id, or pushes it over the modal the click came from. */
export async function openModal(client: WebClient, triggerId: string, view: ModalView, push = false): Promise<{ id?: string; hash?: string } | undefined> {
  const r = push ? await client.views.push({ trigger_id: triggerId, view }) : await client.views.open({ trigger_id: triggerId, view });
  return r.view;
}

/**
 * Opens a modal from a button at once (pushed when the button is in a modal), then replaces it by
 * `build()`'s view; a refusal or failure shows in the modal in the person's words.
 */
export async function openWithLoading(client: WebClient, body: BlockActionsBody, reader: Reader, title: string, build: () => Promise<ModalView>): Promise<void> {
  if (!body.trigger_id) return;
  let opened: { id?: string; hash?: string } | undefined;
  try {
    opened = await openModal(client, body.trigger_id, loadingModal(reader, title), clickedInModal(body));
  } catch (e) {
    console.error('views.open failed:', e);
    return;
  }
  let view: ModalView;
  try {
    view = await build();
  } catch (e) {
    view = messageModal(reader, title, failureText(reader, e));
  }
  if (!opened?.id) return;
  try {
    await client.views.update({ view_id: opened.id, ...(opened.hash ? { hash: opened.hash } : {}), view });
  } catch (e) {
    console.error('views.update failed:', e);
  }
}
