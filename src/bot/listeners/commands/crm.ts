import type { SlackApp } from '../../slack-app.ts';
import { who, type Who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { setLocale } from '../../../domain/people/people.ts';
import { listMyPool } from '../../../domain/pools/pools.ts';
import { poolUsage } from '../../../domain/pools/cap.ts';
import { loadSettings } from '../../../domain/settings/settings.ts';
import { toLocale } from '../../../i18n/index.ts';
import { failureText } from '../../reply.ts';
import { cut, esc } from '../../blocks/kit.ts';
import { poolMessage, POOL_LIST_MAX } from '../../views/pool.ts';
import { loadMyDay, todayMessage } from '../../views/today.ts';
import { firstPages } from '../../views/approvals-list.ts';
import { approvalsListMessage } from '../actions/approvals.ts';

/** `/crm` — help, `today` (my day), `pool` (my private stores), `approvals` (to-do, done, mine), and `lang zh|en`. */
export function registerCrm(app: SlackApp, deps: BotDeps): void {
  app.command(ids.commands.crm, async ({ command, ack, context, respond }) => {
    const { actor, reader } = who(context);
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    switch (sub.toLowerCase()) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: t(reader, 'crm.help') });
        return;
      case 'today':
      case 'day':
      case '今天': {
        // Ack at once; the list follows through the response_url.
        await ack();
        try {
          const message = todayMessage(reader, await loadMyDay(deps, actor));
          await respond({ response_type: 'ephemeral', ...message });
        } catch (e) {
          await respond({ response_type: 'ephemeral', text: failureText(reader, e) });
        }
        return;
      }
      case 'pool':
      case '私海': {
        await ack();
        try {
          const settings = await loadSettings(deps.db);
          const [stores, total, usage] = await Promise.all([
            listMyPool(deps, actor, { take: POOL_LIST_MAX }),
            deps.db.store.count({ where: { ownerId: actor.id } }),
            poolUsage(deps.db, actor.id, settings.poolCap),
          ]);
          await respond({ response_type: 'ephemeral', ...poolMessage(reader, stores, total, usage, deps.clock.now()) });
        } catch (e) {
          await respond({ response_type: 'ephemeral', text: failureText(reader, e) });
        }
        return;
      }
      case 'approvals':
      case 'approval':
      case '审批': {
        await ack();
        try {
          await respond({ response_type: 'ephemeral', ...(await approvalsListMessage(deps, { actor, reader }, firstPages)) });
        } catch (e) {
          await respond({ response_type: 'ephemeral', text: failureText(reader, e) });
        }
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
