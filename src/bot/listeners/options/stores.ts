import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { option } from '../../blocks/kit.ts';
import { searchStores } from '../../../domain/stores/search.ts';

/** Type-ahead for every store picker (visit, opportunity): the stores the person may see. */
export function registerStoreOptions(app: App, deps: BotDeps): void {
  app.options(ids.actions.storeSelect, async ({ ack, payload, context }) => {
    const { actor } = who(context);
    const text = String(payload.value ?? '').trim();
    if (!text) return ack({ options: [] });
    try {
      const { hits } = await searchStores(deps, actor, { text, limit: 50 });
      // Why it matched under the name when the name does not show it (`lwmg → 老王面馆`).
      await ack({ options: hits.map((h) => option(`${h.name} · ${h.code}`, String(h.id), h.why ?? undefined)) });
    } catch {
      await ack({ options: [] }); // an over-long or odd query finds nothing rather than failing
    }
  });
}
