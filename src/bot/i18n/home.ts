import type { Bundle } from './index.ts';

export const home = {
  en: {
    'crm.help':
      '*Seaboard commands*\n' +
      '• `/visit [store]` log a visit\n' +
      '• `/claim [text]` claim stores from the public pool\n' +
      '• `/store <name, phone or code>` find a store\n' +
      '• `/opp [store]` register an opportunity\n' +
      '• `/crm today` my day: follow-ups, protection ending soon, my pool\n' +
      '• `/crm pool` my private stores\n' +
      '• `/crm lang zh|en` 中文 / English',
    'crm.lang_set': 'OK, I will speak English with you from now on.',
    'crm.lang_usage': 'Use `/crm lang zh` for 中文 or `/crm lang en` for English.',
  },
  'zh-CN': {
    'crm.help':
      '*Seaboard 命令*\n' +
      '• `/visit [门店]` 记录拜访\n' +
      '• `/claim [关键词]` 从公海认领门店\n' +
      '• `/store <名称、电话或编号>` 查找门店\n' +
      '• `/opp [门店]` 报备商机\n' +
      '• `/crm today` 我的今天：跟进、即将到期的保护期、我的私海\n' +
      '• `/crm pool` 我的私海门店\n' +
      '• `/crm lang zh|en` 中文 / English',
    'crm.lang_set': '好的，以后我会用中文和您交流。',
    'crm.lang_usage': '使用 `/crm lang zh` 切换中文，`/crm lang en` 切换英文。',
  },
} satisfies Bundle;
