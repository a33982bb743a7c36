import { listClaimable, type ClaimableInput } from '../../domain/pools/claimable.ts';
import type { BlockMessage } from '../blocks/kit.ts';
import type { Who } from '../context.ts';
import type { BotDeps } from '../deps.ts';
import { claimListBlocks, claimListText, noticeLine, type Notice } from '../views/claim-list.ts';

/** The /claim list as a message (for a response_url or a DM), with the outcome of a claim on top. */
export async function claimListMessage(deps: BotDeps, w: Who, input: ClaimableInput, notice?: Notice): Promise<BlockMessage> {
  const page = await listClaimable(deps, w.actor, input);
  return { text: notice ? noticeLine(notice) : claimListText(w.reader, page), blocks: claimListBlocks(w.reader, page, notice) };
}
