import { bundle } from '../../i18n/bundle.ts';

// Notices the outbox sends to a person's DM after a change to their stores.
export const notices = bundle({
  en: {
    'notice.assigned': '{by} assigned *{store}* ({code}) to you. It is protected until {until}.',
    'notice.transferred_to': '{by} transferred *{store}* ({code}) to you from {from}. It is protected until {until}.',
    'notice.transferred_from': '{by} transferred *{store}* ({code}) from you to {to}.',
    'notice.extended': '{by} extended the protection of *{store}* ({code}) until {until}.',
    'notice.auto_returned': '*{store}* ({code}) went back to the public pool: its protection ended on {until}.',
    'notice.auto_returned_cooldown': 'You can claim it again after {days} {days:day|days}.',
    'notice.return_warning': '*{store}* ({code}) goes back to the public pool on {until}, in {days} {days:day|days}.',
    'notice.return_warning_visit': 'A visit in person keeps it for {days} more {days:day|days}.',
    'notice.reason': 'Reason: {reason}',
  },
  'zh-CN': {
    'notice.assigned': '{by} 将 *{store}*（{code}）分配给了您，保护期至 {until}。',
    'notice.transferred_to': '{by} 将 *{store}*（{code}）从 {from} 转给了您，保护期至 {until}。',
    'notice.transferred_from': '{by} 将 *{store}*（{code}）从您这里转给了 {to}。',
    'notice.extended': '{by} 将 *{store}*（{code}）的保护期延长至 {until}。',
    'notice.auto_returned': '*{store}*（{code}）的保护期已于 {until} 结束，已退回公海。',
    'notice.auto_returned_cooldown': '{days} 天后您才能再次认领它。',
    'notice.return_warning': '*{store}*（{code}）将于 {until} 退回公海，还剩 {days} 天。',
    'notice.return_warning_visit': '上门拜访一次可再保护 {days} 天。',
    'notice.reason': '原因：{reason}',
  },
});
