import type { App } from '@slack/bolt';
import { ConflictError, ForbiddenError } from '../../../domain/errors.ts';
import { transferTargets } from '../../../domain/people/team.ts';
import { releaseTerms } from '../../../domain/pools/pools.ts';
import { storeHistory } from '../../../domain/stores/history.ts';
import { getStore } from '../../../domain/stores/stores.ts';
import type { ModalView } from '../../blocks/kit.ts';
import { idValue } from '../../blocks/metadata.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t, type BotKey } from '../../i18n/index.ts';
import { answer, clickedInModal, failureText, inPlace, openModal, openWithLoading } from '../../respond.ts';
import { checked, type BlockActionsBody } from '../../schemas.ts';
import { cardMessage, cardModalView } from '../../screens/store-card.ts';
import { createStoreModal } from '../../views/create-store.ts';
import { addContactModal, extendModal, historyModal, messageModal, releaseModal, setStatusModal, transferModal, type FormMeta } from '../../views/store-forms.ts';

// The store card's buttons (besides Log visit / New opportunity / Claim, handled elsewhere), the
// pick list's Open, and the create-store entry points. Every modal opens at once with the trigger
// id (a "Loading…" view), then shows the form once its data is read.

/** Where the form's card is: the message (response_url) or the modal under the form. */
function formMetaOf(body: BlockActionsBody, storeId: number): FormMeta {
  return {
    s: storeId,
    // An ephemeral message with a card is a /store answer: the card is redrawn in place. A card inside
    // another message (the visit confirmation) is left as it is, and the outcome comes beside it.
    ...(body.response_url ? { r: body.response_url, ...(body.container?.is_ephemeral ? { x: 1 as const } : {}) } : {}),
    ...(clickedInModal(body) && body.view?.id ? { pv: body.view.id } : {}),
  };
}

function requireLead(w: Who): void {
  if (w.actor.role === 'rep') throw new ForbiddenError('pool.needs_lead');
}

export function registerStoreCardActions(app: App, deps: BotDeps): void {
  // The pick list's Open: the card replaces the list.
  app.action(ids.actions.openStore, async (args) => {
    const { action } = checked(args);
    const w = who(args.context);
    const storeId = idValue(action.value);
    await answer({ ack: args.ack, reader: w.reader, to: inPlace(args.respond) }, async () => (storeId === null ? undefined : cardMessage(deps, w, storeId)));
  });

  const form = (actionId: string, titleKey: BotKey, build: (w: Who, body: BlockActionsBody, storeId: number) => Promise<ModalView>) =>
    app.action(actionId, async (args) => {
      await args.ack();
      const { body, action } = checked(args);
      const w = who(args.context);
      const storeId = idValue(action.value);
      if (storeId === null) return;
      await openWithLoading(args.client, body, w.reader, t(w.reader, titleKey), () => build(w, body, storeId));
    });

  form(ids.actions.addContact, 'form.title.add_contact', async (w, body, storeId) => {
    const s = await getStore(deps, w.actor, storeId);
    return addContactModal(w.reader, s, formMetaOf(body, storeId));
  });

  form(ids.actions.release, 'form.title.release', async (w, body, storeId) => {
    const { store, cooldownDays } = await releaseTerms(deps, w.actor, storeId);
    return releaseModal(w.reader, store, cooldownDays, formMetaOf(body, storeId));
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

  // "Create store" from a /store that found nothing: the form opens at once, prefilled with the text.
  app.action(ids.actions.createStore, async (args) => {
    await args.ack();
    const { body, action } = checked(args);
    const w = who(args.context);
    if (!body.trigger_id) return;
    const value = action.value;
    try {
      await openModal(args.client, body.trigger_id, createStoreModal(w.reader, { name: typeof value === 'string' ? value.slice(0, 100) : '' }), clickedInModal(body));
    } catch (e) {
      console.error('views.open failed:', e);
    }
  });

  // "Use this one" among the duplicate candidates: the modal turns into that store's card; nothing is created.
  app.action(ids.actions.useDuplicate, async (args) => {
    await args.ack();
    const { body, action } = checked(args);
    const w = who(args.context);
    const storeId = idValue(action.value);
    if (storeId === null || !body.view?.id) return;
    let view: ModalView;
    try {
      view = await cardModalView(deps, w, storeId, t(w.reader, 'create.using'));
    } catch (e) {
      view = messageModal(w.reader, t(w.reader, 'form.title.create'), failureText(w.reader, e));
    }
    try {
      await args.client.views.update({ view_id: body.view.id, view });
    } catch (e) {
      console.error('views.update failed:', e);
    }
  });
}
