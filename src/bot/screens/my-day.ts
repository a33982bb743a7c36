import { loadMyDay } from '../../domain/followups/my-day.ts';
import type { BlockMessage } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { postResponse } from '../respond.ts';
import { todayMessage } from '../views/today.ts';

/** `/crm today`: my day as a message; `notice` (e.g. "✓ Done: …") on top after a click. */
export async function myDayMessage(deps: BotDeps, w: Who, notice?: string): Promise<BlockMessage> {
  return todayMessage(w.reader, await loadMyDay(deps, w.actor), notice);
}

/** Redraws a /crm today message through its response_url, with a notice on top. */
export async function redrawMyDay(deps: BotDeps, w: Who, responseUrl: string, notice: string): Promise<void> {
  await postResponse(responseUrl, { replace_original: true, response_type: 'ephemeral', ...(await myDayMessage(deps, w, notice)) });
}
