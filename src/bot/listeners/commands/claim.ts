import type { SlackApp } from '../../slack-app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { claimListMessage } from '../actions/claim.ts';

const MAX_TEXT = 100;

/** `/claim [text]`: the claimable public stores of my regions (matching the text), 10 a page, with my pool usage. */
export function registerClaimCommand(app: SlackApp, deps: BotDeps): void {
  app.command(ids.commands.claim, async ({ command, ack, context, respond }) => {
    const w = who(context);
    const text = command.text.trim();
    if (Array.from(text).length > MAX_TEXT) {
      await ack({ response_type: 'ephemeral', text: t(w.reader, 'claim.too_long', { max: MAX_TEXT }) });
      return;
    }
    await ack(); // at once; the list follows through the response_url
    try {
      await respond({ response_type: 'ephemeral', ...(await claimListMessage(deps, w, { text })) });
    } catch (e) {
      await respond({ response_type: 'ephemeral', text: failureText(w.reader, e) }).catch((err) => console.error('/claim: could not answer', err));
    }
  });
}
