import type { types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, type BotKey } from '../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { cut, esc, option, section, type Block } from '../../blocks/kit.ts';
import { storeCardBlocks } from '../../views/store-card.ts';
import { createStoreModal } from '../../views/create-store.ts';
import {
  addContactModal,
  extendModal,
  historyModal,
  loadingModal,
  messageModal,
  releaseModal,
  setStatusModal,
  storeCardModal,
  storeUi,
  transferModal,
  type FormMeta,
} from '../../views/store-forms.ts';
import { ForbiddenError, ConflictError } from '../../../domain/errors.ts';
import { canClaimHere } from '../../../domain/pools/claimable.ts';
import { transferTargets } from '../../../domain/people/team.ts';
import { scopeFor } from '../../../domain/org/scope.ts';
import { storeHistory } from '../../../domain/stores/history.ts';
import { getStore } from '../../../domain/stores/stores.ts';
import type { BlockAction, BlockActionsBody } from '../../schemas.ts';

// The store card's buttons (besides Log visit / New opportunity / Claim, handled elsewhere), the
// pick list's Open, and the create-store entry points. Every modal opens at once with the trigger
// id (a "Loading…" view), then shows the form once its data is read.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A block_actions payload and its action, as checked at the edge (src/bot/schemas.ts). */
export type ActionBody = BlockActionsBody;
export type ButtonAction = BlockAction;

export const asBlocks = (blocks: Block[]): types.KnownBlock[] => blocks as unknown as types.KnownBlock[];
export const asView = (view: Record<string, unknown>): types.View => view as unknown as types.View;

/** A store id from a button value; null for anything else. */
export function storeIdOf(value: unknown): number | null {
  return typeof value === 'string' && /^\d{1,12}$/.test(value) && Number(value) > 0 ? Number(value) : null;
}

/** The card of a store the person may see, with the buttons it may use. */
export async function loadCard(deps: BotDeps, actor: Who['actor'], storeId: number) {
  const data = await getStore(deps, actor, storeId);
  const viewer = { actor, canClaim: await canClaimHere(deps, actor, data) };
  return { data, viewer };
}

/** The card as a message: optional notice first, then the card. */
export async function cardMessage(deps: BotDeps, w: Who, storeId: number, notice?: string): Promise<{ text: string; blocks: types.KnownBlock[] }> {
  const { data, viewer } = await loadCard(deps, w.actor, storeId);
  const blocks = [...(notice ? [section(notice, undefined, 'card_notice')] : []), ...storeCardBlocks(w.reader, data, viewer, deps.clock.now())];
  return { text: notice ?? t(w.reader, 'card.text', { name: esc(cut(data.name, 150)), code: esc(data.code) }), blocks: asBlocks(blocks) };
}

export async function cardModalView(deps: BotDeps, w: Who, storeId: number, notice?: string): Promise<types.View> {
  const { data, viewer } = await loadCard(deps, w.actor, storeId);
  return asView(storeCardModal(w.reader, data, viewer, deps.clock.now(), notice));
}

/** Posts to a response_url (5 uses in 30 minutes); a failure is logged, never thrown. */
export async function postResponse(url: string, message: Json): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    if (!res.ok) console.error(`response_url answered ${res.status}`);
  } catch (e) {
    console.error('response_url failed:', e);
  }
}

/**
 * Opens a modal from a button at once (pushed when the button is in a modal), then replaces it by
 * `build()`'s view; a refusal or failure shows in the modal in the person's words.
 */
export async function openWithLoading(client: WebClient, body: ActionBody, w: Who, title: string, build: () => Promise<Record<string, unknown>>): Promise<void> {
  if (!body.trigger_id) return;
  const loading = asView(loadingModal(w.reader, title));
  let opened: { id?: string; hash?: string } | undefined;
  try {
    const r = body.container?.type === 'view' && body.view?.type === 'modal' ? await client.views.push({ trigger_id: body.trigger_id, view: loading }) : await client.views.open({ trigger_id: body.trigger_id, view: loading });
    opened = r.view;
  } catch (e) {
    console.error('views.open failed:', e);
    return;
  }
  let view: Record<string, unknown>;
  try {
    view = await build();
  } catch (e) {
    view = messageModal(w.reader, title, failureText(w.reader, e));
  }
  if (!opened?.id) return;
  try {
    await client.views.update({ view_id: opened.id, ...(opened.hash ? { hash: opened.hash } : {}), view: asView(view) });
  } catch (e) {
    console.error('views.update failed:', e);
  }
}

/** Where the form's card is: the message (response_url) or the modal under the form. */
export function formMetaOf(body: ActionBody, storeId: number): FormMeta {
  return {
    s: storeId,
    // An ephemeral message with a card is a /store answer: the card is redrawn in place. A card inside
    // another message (the visit confirmation) is left as it is, and the outcome comes beside it.
    ...(body.response_url ? { r: body.response_url, ...(body.container?.is_ephemeral ? { x: 1 as const } : {}) } : {}),
    ...(body.container?.type === 'view' && body.view?.type === 'modal' && body.view.id ? { pv: body.view.id } : {}),
  };
}

function requireLead(w: Who): void {
  if (w.actor.role === 'rep') throw new ForbiddenError('pool.needs_lead');
}

export function registerStoreCardActions(app: SlackApp, deps: BotDeps): void {
  // The pick list's Open: the card replaces the list.
  app.action(ids.actions.openStore, async ({ ack, body, action, context, respond }) => {
    await ack();
    const w = who(context);
    const storeId = storeIdOf((action as ButtonAction).value);
    if (storeId === null) return;
    try {
      await respond({ replace_original: true, ...(await cardMessage(deps, w, storeId)) });
    } catch (e) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: failureText(w.reader, e) }).catch(() => undefined);
    }
  });

  const form = (actionId: string, titleKey: BotKey, build: (w: Who, body: ActionBody, storeId: number) => Promise<Record<string, unknown>>) =>
    app.action(actionId, async ({ ack, body, action, context, client }) => {
      await ack();
      const w = who(context);
      const storeId = storeIdOf((action as ButtonAction).value);
      if (storeId === null) return;
      const b = body as unknown as ActionBody;
      await openWithLoading(client, b, w, t(w.reader, titleKey), () => build(w, b, storeId));
    });

  form(ids.actions.addContact, 'form.title.add_contact', async (w, body, storeId) => {
    const s = await getStore(deps, w.actor, storeId);
    return addContactModal(w.reader, s, formMetaOf(body, storeId));
  });

  form(ids.actions.release, 'form.title.release', async (w, body, storeId) => {
    const s = await getStore(deps, w.actor, storeId);
    if (s.ownerId !== w.actor.id) throw new ForbiddenError('pool.release_not_owner');
    const { settings } = await scopeFor(deps.db, w.actor);
    return releaseModal(w.reader, s, settings.reclaimCooldownDays, formMetaOf(body, storeId));
  });

  form(ids.actions.history, 'form.title.history', async (w, _body, storeId) => historyModal(w.reader, await storeHistory(deps, w.actor, { storeId })));

  form(ids.actions.transfer, 'form.title.transfer', async (w, body, storeId) => {
    requireLead(w);
    const s = await getStore(deps, w.actor, storeId);
    if (s.ownerId === null) throw new ConflictError('pool.transfer_public', { code: s.code });
    const { people, more } = await transferTargets(deps, w.actor, { excludeId: s.ownerId, limit: 100 });
    return transferModal(w.reader, { name: s.name, code: s.code, ownerName: s.owner?.name ?? null }, people, more, formMetaOf(body, storeId));
  });

  form(ids.actions.extend, 'form.title.extend', async (w, body, storeId) => {
    requireLead(w);
    const s = await getStore(deps, w.actor, storeId);
    if (s.ownerId === null) throw new ConflictError('pool.extend_public');
    return extendModal(w.reader, s, formMetaOf(body, storeId));
  });

  form(ids.actions.setStatus, 'form.title.set_status', async (w, body, storeId) => {
    if (w.actor.role === 'rep') throw new ForbiddenError('store.status_needs_lead');
    const s = await getStore(deps, w.actor, storeId);
    return setStatusModal(w.reader, s, formMetaOf(body, storeId));
  });

  // The new-owner type-ahead, for a lead with more than 100 people.
  app.options(storeUi.actions.transferPersonSearch, async ({ ack, payload, context }) => {
    const w = who(context);
    try {
      const meta = JSON.parse(String((payload as { view?: { private_metadata?: string } }).view?.private_metadata ?? '{}')) as { s?: number };
      const owner = typeof meta.s === 'number' ? (await getStore(deps, w.actor, meta.s)).ownerId : null;
      const { people } = await transferTargets(deps, w.actor, { text: String(payload.value ?? '').slice(0, 100), excludeId: owner, limit: 100 });
      await ack({ options: people.map((p) => option(p.name, String(p.id), p.unitName ?? undefined)) });
    } catch {
      await ack({ options: [] });
    }
  });

  // "Create store" from a /store that found nothing: the form opens at once, prefilled with the text.
  app.action(ids.actions.createStore, async ({ ack, body, action, context, client }) => {
    await ack();
    const w = who(context);
    const b = body as unknown as ActionBody;
    if (!b.trigger_id) return;
    const value = (action as ButtonAction).value;
    const view = asView(createStoreModal(w.reader, { name: typeof value === 'string' ? value.slice(0, 100) : '' }));
    try {
      if (b.container?.type === 'view' && b.view?.type === 'modal') await client.views.push({ trigger_id: b.trigger_id, view });
      else await client.views.open({ trigger_id: b.trigger_id, view });
    } catch (e) {
      console.error('views.open failed:', e);
    }
  });

  // "Use this one" among the duplicate candidates: the modal turns into that store's card; nothing is created.
  app.action(ids.actions.useDuplicate, async ({ ack, body, action, context, client }) => {
    await ack();
    const w = who(context);
    const b = body as unknown as ActionBody;
    const storeId = storeIdOf((action as ButtonAction).value);
    if (storeId === null || !b.view?.id) return;
    let view: types.View;
    try {
      view = await cardModalView(deps, w, storeId, t(w.reader, 'create.using'));
    } catch (e) {
      view = asView(messageModal(w.reader, t(w.reader, 'form.title.create'), failureText(w.reader, e)));
    }
    try {
      await client.views.update({ view_id: b.view.id, view });
    } catch (e) {
      console.error('views.update failed:', e);
    }
  });
}
