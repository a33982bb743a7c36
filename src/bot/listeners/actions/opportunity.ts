import type { WebClient } from '@slack/web-api';
import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { esc } from '../../blocks/kit.ts';
import { opportunityModal, type PreselectedStore } from '../../views/opportunity-modal.ts';
import type { Actor } from '../../../domain/org/roles.ts';
import { loadScope } from '../../../domain/org/scope.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import { searchStores } from '../../../domain/stores/search.ts';
import { visibleStore } from '../../../domain/stores/stores.ts';
import type { Reader } from '../../../i18n/index.ts';

type SlackView = Parameters<WebClient['views']['open']>[0]['view'];

/** What to preselect: a store id (a card's button) or what was typed after `/opp`. */
export type Preselect = { storeId?: number | null; text?: string | null };

/** Ranks of searchStores that are an exact code, phone or name. */
const EXACT_RANKS = new Set([0, 2, 4]);

async function findPreselection(deps: BotDeps, actor: Actor, reader: Reader, want: Preselect): Promise<{ store?: PreselectedStore; hint?: string }> {
  if (want.storeId) {
    try {
      const scope = await loadScope(deps.db, actor, await loadSettings(deps.db));
      const s = await visibleStore(deps.db, scope, want.storeId);
      if (s.status === 'active') return { store: { id: s.id, name: s.name, code: s.code } };
    } catch {
      // not visible: say so below
    }
    return { hint: t(reader, 'opp.hint.not_visible') };
  }
  const text = want.text?.trim().slice(0, 100);
  if (!text) return {};
  const { hits } = await searchStores(deps, actor, { text, limit: 5 });
  const active = hits.filter((h) => h.status === 'active');
  const best = active[0];
  if (best && (active.length === 1 || EXACT_RANKS.has(best.rank))) return { store: { id: best.id, name: best.name, code: best.code } };
  const quoted = esc(text); // shown in a mrkdwn context line
  return { hint: active.length ? t(reader, 'opp.hint.many', { count: active.length, text: quoted }) : t(reader, 'opp.hint.no_match', { text: quoted }) };
}

/**
 * Opens the opportunity modal at once with the trigger id (it expires in 3 seconds), then, when a
 * store was asked for, looks it up and fills it in with views.update.
 */
export async function openOpportunityModal(client: WebClient, deps: BotDeps, actor: Actor, reader: Reader, triggerId: string, want: Preselect = {}): Promise<void> {
  const opened = await client.views.open({ trigger_id: triggerId, view: opportunityModal(reader) as unknown as SlackView });
  if (!want.storeId && !want.text?.trim()) return;
  const found = await findPreselection(deps, actor, reader, want);
  if (!found.store && !found.hint) return;
  const view = opened.view as { id?: string; hash?: string } | undefined;
  if (!view?.id) return;
  try {
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: opportunityModal(reader, found) as unknown as SlackView });
  } catch (e) {
    // hash_conflict: the person already changed the modal; what they did wins.
    console.warn('opportunity modal: preselection not applied:', (e as Error).message);
  }
}

/** The store card's "New opportunity" and App Home's quick button: the modal, the card's store preselected. */
export function registerOpportunityActions(app: SlackApp, deps: BotDeps): void {
  for (const actionId of [ids.actions.newOpportunity, ids.actions.homeNewOpportunity]) {
    app.action(actionId, async ({ ack, body, action, context, client }) => {
      await ack();
      const { actor, reader } = who(context);
      const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
      const storeId = /^\d+$/.test(value) ? Number(value) : null;
      const triggerId = (body as { trigger_id?: string }).trigger_id;
      if (!triggerId) return;
      await openOpportunityModal(client, deps, actor, reader, triggerId, { storeId });
    });
  }
}
