import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../domain/org/roles.ts';
import { isExactHit, searchStores } from '../../domain/stores/search.ts';
import { findVisibleStore } from '../../domain/stores/stores.ts';
import type { Reader } from '../../i18n/index.ts';
import type { BotDeps } from '../deps.ts';
import { failureText, openModal } from '../respond.ts';
import { visitModal, type StoreChoice, type VisitModalOptions } from '../views/visit-modal.ts';

// The log-visit modal, opened from /visit, a store card's or Home's "Log visit", and the "Log as
// visit" message shortcut, with the store preselected when what the person gave names one.

/**
 * How long a listener may look a store up before it opens the modal without it: the trigger id
 * lives 3 seconds from Slack's click, and part of that is already gone on the way here.
 */
const LOOKUP_BUDGET_MS = 1200;

/** The value of `work`, or null when it fails or takes longer than `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([work.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The store `storeId`, when the actor may see it. */
export async function storeChoice(deps: BotDeps, actor: Actor, storeId: number): Promise<StoreChoice | null> {
  if (!Number.isSafeInteger(storeId) || storeId <= 0) return null;
  return within(
    LOOKUP_BUDGET_MS,
    findVisibleStore(deps, actor, storeId).then((s) => ({ id: s.id, name: s.name, code: s.code })),
  );
}

/**
 * The store a /visit text names: the only store found, or the only exact match (code, phone or
 * name) among several. `found` counts what was seen when none was chosen; null when the search
 * failed or was too slow.
 */
export async function storeFromText(deps: BotDeps, actor: Actor, text: string): Promise<{ store: StoreChoice | null; found: number } | null> {
  const r = await within(LOOKUP_BUDGET_MS, searchStores(deps, actor, { text: text.slice(0, 100), limit: 5 }));
  if (!r) return null;
  const exact = r.hits.filter(isExactHit);
  const pick = r.hits.length === 1 && !r.more ? r.hits[0] : exact.length === 1 ? exact[0] : undefined;
  return pick ? { store: { id: pick.id, name: pick.name, code: pick.code }, found: 1 } : { store: null, found: r.hits.length };
}

/**
 * Opens the log-visit modal, or pushes it when the click came from inside a modal. A failure (an
 * expired trigger) is told to the person when there is a way to.
 */
export async function openVisitModal(
  client: WebClient,
  triggerId: string,
  reader: Reader,
  opts: VisitModalOptions & { push?: boolean },
  tell?: (text: string) => Promise<unknown>,
): Promise<void> {
  try {
    await openModal(client, triggerId, visitModal(reader, opts), opts.push);
  } catch (e) {
    const text = failureText(reader, e);
    if (tell) await tell(text).catch(() => undefined);
  }
}
