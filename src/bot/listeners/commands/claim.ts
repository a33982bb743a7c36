import type { App } from '@slack/bolt';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, ephemeral } from '../../respond.ts';
import { claimListMessage } from '../../screens/claim-list.ts';

const MAX_TEXT = 100;

/** `/claim [text]`: the claimable public stores of my regions (matching the text), 10 a page, with my pool usage. */
export function registerClaimCommand(app: App, deps: BotDeps): void {
  app.command(ids.commands.claim, async ({ command, ack, context, respond }) => {
    const w = who(context);
    const text = command.text.trim();
    if (Array.from(text).length > MAX_TEXT) {
      await ack({ response_type: 'ephemeral', text: t(w.reader, 'claim.too_long', { max: MAX_TEXT }) });
      return;
    }
    // Ack at once; the list follows through the response_url.
    await answer({ ack: () => ack(), reader: w.reader, to: ephemeral(respond) }, () => claimListMessage(deps, w, { text }));
  });
}
