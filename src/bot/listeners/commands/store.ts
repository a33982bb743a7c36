import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { esc } from '../../blocks/kit.ts';
import { noStoreBlocks, pickListMax, pickListText, storePickBlocks } from '../../views/store-search.ts';
import { asBlocks, cardMessage } from '../actions/store-card.ts';
import { searchStores } from '../../../domain/stores/search.ts';

const MAX_TEXT = 100;

/**
 * `/store <text>`: the stores I may see matching a name, code or phone. One match (or one exact code
 * or phone) shows its card; several a short list to pick from; none offers to create the store.
 */
export function registerStoreCommand(app: SlackApp, deps: BotDeps): void {
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
    await ack(); // at once; the answer follows through the response_url
    try {
      const { hits, more } = await searchStores(deps, w.actor, { text, limit: pickListMax });
      if (!hits.length) {
        await respond({ response_type: 'ephemeral', text: t(w.reader, 'find.none', { text: esc(text) }), blocks: asBlocks(noStoreBlocks(w.reader, text)) });
        return;
      }
      const best = hits[0]!;
      const exact = best.rank <= 2 && hits.filter((h) => h.rank === best.rank).length === 1; // one exact code or phone
      if (hits.length === 1 || exact) {
        await respond({ response_type: 'ephemeral', ...(await cardMessage(deps, w, best.id)) });
        return;
      }
      await respond({ response_type: 'ephemeral', text: esc(pickListText(w.reader, text)), blocks: asBlocks(storePickBlocks(w.reader, text, hits, more)) });
    } catch (e) {
      await respond({ response_type: 'ephemeral', text: failureText(w.reader, e) }).catch((err) => console.error('/store: could not answer', err));
    }
  });
}
