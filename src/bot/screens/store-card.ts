import { canClaimHere } from '../../domain/pools/claimable.ts';
import { getStore } from '../../domain/stores/stores.ts';
import { cut, esc, section, type BlockMessage, type ModalView } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import { storeCardBlocks } from '../views/store-card.ts';
import { storeCardModal } from '../views/store-forms.ts';

// The store card, read for the person who looks at it (with the buttons it may use), as a message or
// in a modal, with an optional notice on top (the outcome of what was just done).

async function loadCard(deps: BotDeps, w: Who, storeId: number) {
  const data = await getStore(deps, w.actor, storeId);
  const viewer = { actor: w.actor, canClaim: await canClaimHere(deps, w.actor, data) };
  return { data, viewer };
}

/** The card as a message: optional notice first, then the card. */
export async function cardMessage(deps: BotDeps, w: Who, storeId: number, notice?: string): Promise<BlockMessage> {
  const { data, viewer } = await loadCard(deps, w, storeId);
  const blocks = [...(notice ? [section(notice, undefined, 'card_notice')] : []), ...storeCardBlocks(w.reader, data, viewer, deps.clock.now())];
  return { text: notice ?? t(w.reader, 'card.text', { name: esc(cut(data.name, 150)), code: esc(data.code) }), blocks };
}

/** The card in a modal. */
export async function cardModalView(deps: BotDeps, w: Who, storeId: number, notice?: string): Promise<ModalView> {
  const { data, viewer } = await loadCard(deps, w, storeId);
  return storeCardModal(w.reader, data, viewer, deps.clock.now(), notice);
}
