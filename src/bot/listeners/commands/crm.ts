import type { App } from '@slack/bolt';
import { setAway } from '../../../domain/people/away.ts';
import { setLocale } from '../../../domain/people/people.ts';
import { listMyPool, myPoolUsage } from '../../../domain/pools/pools.ts';
import { toLocale } from '../../../i18n/index.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { answer, ephemeral, failureText } from '../../respond.ts';
import { approvalsListMessage } from '../../screens/approvals-list.ts';
import { awaySaidText, delegateBySlackId, endOwnAway, openAwayModal } from '../../screens/away.ts';
import { myDayMessage } from '../../screens/my-day.ts';
import { firstPages } from '../../views/approvals-list.ts';
import { parseAwayText } from '../../views/away-modal.ts';
import { poolMessage, POOL_LIST_MAX } from '../../views/pool.ts';

/** `/crm` — help, `today` (my day), `pool` (my private stores), `approvals` (to-do, done, mine), `away` (a delegate while away), and `lang zh|en`. */
export function registerCrm(app: App, deps: BotDeps): void {
  app.command(ids.commands.crm, async ({ command, ack, context, respond, client }) => {
    const w = who(context);
    const { actor, reader } = w;
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    // The lists ack at once and follow through the response_url.
    const later = { ack: () => ack(), reader, to: ephemeral(respond) };
    switch (sub.toLowerCase()) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: t(reader, 'crm.help') });
        return;
      case 'today':
      case 'day':
      case '今天':
        await answer(later, () => myDayMessage(deps, w));
        return;
      case 'pool':
      case '私海':
        await answer(later, async () => {
          const [stores, usage] = await Promise.all([listMyPool(deps, actor, { take: POOL_LIST_MAX }), myPoolUsage(deps, actor)]);
          // Every store I own counts either toward the cap or as a customer.
          return poolMessage(reader, stores, usage.held + usage.customers, usage, deps.clock.now());
        });
        return;
      case 'approvals':
      case 'approval':
      case '审批':
        await answer(later, () => approvalsListMessage(deps, w, firstPages));
        return;
      case 'away':
      case '外出': {
        // `/crm away`: the modal; `/crm away off`: back now; `/crm away 2026-12-10 2026-12-14 @someone`: at once.
        if (rest.length === 0) {
          await ack();
          await openAwayModal(client, deps, w, command.trigger_id);
          return;
        }
        if (rest.length === 1 && /^(off|end|back|结束)$/i.test(rest[0]!)) {
          await answer(later, async () => ({ text: await endOwnAway(deps, w) }));
          return;
        }
        const typed = parseAwayText(rest);
        if (!typed) {
          await ack({ response_type: 'ephemeral', text: t(reader, 'away.usage') });
          return;
        }
        await answer(later, async () => {
          const delegate = await delegateBySlackId(deps, typed.delegateSlackId);
          if (!delegate) return { text: `${t(reader, 'away.modal.delegate')}: ${t(reader, 'away.no_person')}` };
          const period = await setAway(deps, actor, { from: typed.from, to: typed.to, delegateId: delegate.id });
          context.homeStale = true;
          return { text: awaySaidText(w, period) };
        });
        return;
      }
      case 'lang':
      case 'language':
      case '语言': {
        const wanted = rest[0]?.toLowerCase();
        if (!wanted || !/^(zh|zh-cn|cn|中文|en|english)$/.test(wanted)) {
          await ack({ response_type: 'ephemeral', text: t(reader, 'crm.lang_usage') });
          return;
        }
        const locale = /^(en|english)$/.test(wanted) ? 'en' : 'zh-CN';
        try {
          await setLocale(deps, actor, locale);
          const now = { ...reader, locale: toLocale(locale) };
          await ack({ response_type: 'ephemeral', text: t(now, 'crm.lang_set') });
          // App Home speaks the new language too.
          context.who = { actor: { ...actor, locale }, reader: now } satisfies Who;
          context.homeStale = true;
        } catch (e) {
          await ack({ response_type: 'ephemeral', text: failureText(reader, e) });
        }
        return;
      }
      default:
        await ack({ response_type: 'ephemeral', text: `${t(reader, 'common.unknown_command', { text: esc(cut(command.text.trim(), 200)) })}\n\n${t(reader, 'crm.help')}` });
    }
  });
}
