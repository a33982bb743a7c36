import { bundle } from '../../i18n/bundle.ts';

export const common = bundle({
  en: {
    'common.not_registered': 'Hi! You are not set up in Seaboard yet. Ask your sales admin to add you (they need your Slack member ID: {slackId}).',
    'common.deactivated': 'Your Seaboard account is deactivated. Ask your sales admin if this is a mistake.',
    'common.error': 'Sorry, that did not work. Please try again in a moment.',
    'common.cancel': 'Cancel',
    'common.close': 'Close',
    'common.save': 'Save',
    'common.submit': 'Submit',
    'common.more': '…and {count} more',
    'common.none': '—',
    'common.unknown_command': 'I don’t know “{text}”. Try `/crm help`.',
    'common.other_workspace': 'Seaboard is not set up for this Slack workspace.',
  },
  'zh-CN': {
    'common.not_registered': '您好！您还没有开通 Seaboard。请联系销售管理员添加您（需要提供您的 Slack 成员 ID：{slackId}）。',
    'common.deactivated': '您的 Seaboard 账号已停用。如有疑问请联系销售管理员。',
    'common.error': '抱歉，操作未成功，请稍后再试。',
    'common.cancel': '取消',
    'common.close': '关闭',
    'common.save': '保存',
    'common.submit': '提交',
    'common.more': '……还有 {count} 条',
    'common.none': '—',
    'common.unknown_command': '无法识别“{text}”。请试试 `/crm help`。',
    'common.other_workspace': '此 Slack 工作区未开通 Seaboard。',
  },
});
