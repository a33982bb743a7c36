import { bundle } from '../../i18n/bundle.ts';

// What the scheduled jobs send (src/jobs): the morning digest, a follow-up's reminder, the returns
// of a sweep to the former owner and the supervisor. A warning before a return is in notices.ts.
export const scheduled = bundle({
  en: {
    'digest.header': 'Good morning, {name} · {date}',
    'digest.text': 'Your day: {overdue} overdue, {today} due today, {ending} {ending:store|stores} whose protection ends soon, {approvals} waiting for your approval.',
    'digest.approvals': '*Waiting for your approval* ({count})',
    'digest.approval_line': '• {flow} · *{store}* · from {requester}, since {since}',
    'digest.approvals_hint': 'Decide on the cards in your DMs with Seaboard, or list them with `/crm approvals`.',
    'digest.yesterday': 'Yesterday: {visits} {visits:visit|visits} logged, {claims} {claims:store|stores} claimed.',
    'digest.yesterday_team': 'Yesterday, your team: {visits} {visits:visit|visits} logged, {claims} {claims:store|stores} claimed.',
    'reminder.headline': '⏰ Follow-up due {when}: *{store}* `{code}`',
    'reminder.text': 'Follow-up due: {store}',
    'followup.snooze.hour': 'Snooze 1 h',
    'followup.btn.tomorrow': 'Tomorrow 09:00',
    'returned.one': '*{store}* ({code}) went back to the public pool: its protection ended on {until}.',
    'returned.many': '{count} of your stores went back to the public pool: their protection ended.',
    'returned.line': '• *{store}* `{code}` · ended {until}',
    'returned.team': '{count} {count:store|stores} of your team went back to the public pool at the auto-return of {at}.',
    'returned.team_owner': '• {name}: {count}',
    'warning.btn.request_extend': 'Request an extension',
  },
  'zh-CN': {
    'digest.header': '早上好，{name} · {date}',
    'digest.text': '您的今天：逾期 {overdue} 条，今天到期 {today} 条，{ending} 家门店保护期即将到期，{approvals} 条待您审批。',
    'digest.approvals': '*待我审批*（{count}）',
    'digest.approval_line': '• {flow} · *{store}* · 申请人 {requester}，自 {since} 起',
    'digest.approvals_hint': '请在与 Seaboard 的私信中的审批卡片上处理，或用 `/crm approvals` 查看列表。',
    'digest.yesterday': '昨天：记录拜访 {visits} 次，认领门店 {claims} 家。',
    'digest.yesterday_team': '昨天，您的团队：记录拜访 {visits} 次，认领门店 {claims} 家。',
    'reminder.headline': '⏰ 跟进到期 {when}：*{store}* `{code}`',
    'reminder.text': '跟进到期：{store}',
    'followup.snooze.hour': '推迟 1 小时',
    'followup.btn.tomorrow': '明天 09:00',
    'returned.one': '*{store}*（{code}）的保护期已于 {until} 结束，已退回公海。',
    'returned.many': '您有 {count} 家门店的保护期已结束，已退回公海。',
    'returned.line': '• *{store}* `{code}` · {until} 到期',
    'returned.team': '在 {at} 的自动退回公海中，您团队有 {count} 家门店退回公海。',
    'returned.team_owner': '• {name}：{count} 家',
    'warning.btn.request_extend': '申请延期',
  },
});
