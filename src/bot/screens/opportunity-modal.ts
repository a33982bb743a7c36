import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../domain/org/roles.ts';
import { isExactHit, searchStores } from '../../domain/stores/search.ts';
import { findVisibleStore } from '../../domain/stores/stores.ts';
import type { Reader } from '../../i18n/index.ts';
import { esc } from '../blocks/kit.ts';
import type { BotDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import { openModal } from '../respond.ts';
import { opportunityModal, type PreselectedStore } from '../views/opportunity-modal.ts';

/** What to preselect: a store id (a card's button) or what was typed after `/opp`. */
type Preselect = { storeId?: number | null; text?: string | null };

async function findPreselection(deps: BotDeps, actor: Actor, reader: Reader, want: Preselect): Promise<{ store?: PreselectedStore; hint?: string }> {
  if (want.storeId) {
    try {
      const s = await findVisibleStore(deps, actor, want.storeId);
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
  if (best && (active.length === 1 || isExactHit(best))) return { store: { id: best.id, name: best.name, code: best.code } };
  const quoted = esc(text); // shown in a mrkdwn context line
  return { hint: active.length ? t(reader, 'opp.hint.many', { count: active.length, text: quoted }) : t(reader, 'opp.hint.no_match', { text: quoted }) };
}

/**
 * Opens the opportunity modal at once with the trigger id (it expires in 3 seconds), then, when a
 * store was asked for, looks it up and fills it in with views.update.
 */
export async function openOpportunityModal(client: WebClient, deps: BotDeps, actor: Actor, reader: Reader, triggerId: string, want: Preselect = {}): Promise<void> {
  const view = await openModal(client, triggerId, opportunityModal(reader));
  if (!want.storeId && !want.text?.trim()) return;
  const found = await findPreselection(deps, actor, reader, want);
  if (!found.store && !found.hint) return;
  if (!view?.id) return;
  try {
    await client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: opportunityModal(reader, found) });
  } catch (e) {
    // hash_conflict: the person already changed the modal; what they did wins.
    console.warn('opportunity modal: preselection not applied:', (e as Error).message);
  }
}
