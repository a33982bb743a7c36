import type { SlackApp } from '../../app.ts';
import { who } from '../../context.ts';
import type { BotDeps } from '../../deps.ts';
import { ids } from '../../ids.ts';
import { t } from '../../i18n/index.ts';
import { setLocale } from '../../../domain/people/people.ts';
import { toLocale } from '../../../i18n/index.ts';
import { failureText } from '../../reply.ts';

/** `/crm` — help, and `lang zh|en`. */
export function registerCrm(app: SlackApp, deps: BotDeps): void {
  app.command(ids.commands.crm, async ({ command, ack, context }) => {
    const { actor, reader } = who(context);
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    switch (sub.toLowerCase()) {
      case 'help':
        await ack({ response_type: 'ephemeral', text: t(reader, 'crm.help') });
        return;
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
          await ack({ response_type: 'ephemeral', text: t({ ...reader, locale: toLocale(locale) }, 'crm.lang_set') });
        } catch (e) {
          await ack({ response_type: 'ephemeral', text: failureText(reader, e) });
        }
        return;
      }
      default:
        await ack({ response_type: 'ephemeral', text: `${t(reader, 'common.unknown_command', { text: command.text.trim() })}\n\n${t(reader, 'crm.help')}` });
    }
  });
}
