import type { App } from '@slack/bolt';
import { searchStores } from '../../../domain/stores/search.ts';
import { esc } from '../../blocks/kit.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, ephemeral } from '../../respond.ts';
import { cardMessage } from '../../screens/store-card.ts';
import { noStoreBlocks, pickListMax, pickListText, storePickBlocks } from '../../views/store-search.ts';

const MAX_TEXT = 100;

/**
 * `/store <text>`: the stores I may see matching a name, code or phone. One match (or one exact code
 * or phone) shows its card; several a short list to pick from; none offers to create the store.
 */
export function registerStoreCommand(app: App, deps: BotDeps): void {
  app.command(ids.commands.store, async ({ command, ack, context, respond }) => {
    const w = who(context);
    const text = command.text.trim();
    if (!text) {
      await ack({ response_type: 'ephemeral', text: t(w.reader, 'find.usage') });
      return;
    }
    if (Array.from(text).length > MAX_TEXT) {
      await ack({ response_type: 'ephemeral', text: t(w.reader, 'find.too_long', { max: MAX_TEXT }) });
      return;
    }
    // Ack at once; the answer follows through the response_url.
    await answer({ ack: () => ack(), reader: w.reader, to: ephemeral(respond) }, async () => {
      const { hits, more } = await searchStores(deps, w.actor, { text, limit: pickListMax });
      if (!hits.length) return { text: t(w.reader, 'find.none', { text: esc(text) }), blocks: noStoreBlocks(w.reader, text) };
      const best = hits[0]!;
      const exact = best.rank <= 2 && hits.filter((h) => h.rank === best.rank).length === 1; // one exact code or phone
      if (hits.length === 1 || exact) return cardMessage(deps, w, best.id);
      return { text: esc(pickListText(w.reader, text)), blocks: storePickBlocks(w.reader, text, hits, more) };
    });
  });
}
