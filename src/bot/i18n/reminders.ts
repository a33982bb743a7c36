import { bundle } from '../../i18n/bundle.ts';

// Approval reminders and escalation, the requester's Remind, delegates on the cards, and `/crm away`
// (its modal, its replies, the delegate's notice). Names and stores come in already escaped.

export const reminders = bundle({
  en: {
    // on the cards
    'appr.by_on_behalf': '{by} on behalf of {for}',
    'appr.outcome.delegate_ended': '↩ {name} is back: this request is theirs again.',
    'appr.card.delegate': '🤝 You decide this on behalf of *{name}*, who is away.',
    'appr.card.escalated': '⏫ Escalated to you: it has waited since {at}. The first decision counts.',
    'appr.btn.remind': 'Remind',
    // to the requester
    'appr.notice.escalated': '⏫ Your {flow} for *{store}* has waited since {at}; it now goes to *{names}* as well.',
    'appr.remind.done': '⏰ Reminded *{names}*. You can remind them again after {next}.',
    // to an approver
    'appr.reminder.scheduled': '⏰ Reminder ({count} of {of}): the {flow} for *{store}* from *{requester}* has waited for your decision since {at}.',
    'appr.reminder.requester': '⏰ *{requester}* asks you to look at their {flow} for *{store}*, waiting for your decision since {at}.',
    'appr.escalated.notice': '⏫ The {flow} for *{store}* from *{requester}* has waited since {at}: *{names}* can now decide it too. The first decision counts.',

    // away
    'away.modal.title': 'Away',
    'away.modal.submit': 'Save',
    'away.modal.intro': 'While you are away, your delegate approves for you; you can still approve too. It ends by itself after the last day.',
    'away.modal.intro_other': 'While *{name}* is away, the delegate approves for them. It ends by itself after the last day.',
    'away.modal.person': 'Who is away',
    'away.modal.from': 'First day away',
    'away.modal.to': 'Last day away',
    'away.modal.delegate': 'Delegate',
    'away.modal.delegate_hint': 'A supervisor, manager or admin who can see your team’s requests.',
    'away.modal.current': '🏖 Away from {from} to {to}; delegate: *{delegate}*. Saving a new period needs this one ended first (`/crm away off`).',
    'away.no_person': 'is not a Seaboard user',
    'away.set': '🏖 *{name}* is away from {from} to {to}; *{delegate}* approves in the meantime.',
    'away.set_now': '🏖 *{name}* is away from {from} to {to}; *{delegate}* approves in the meantime, starting now.',
    'away.ended': '👋 Welcome back: your away time has ended, and your approvals are yours alone again.',
    'away.usage': 'Usage: `/crm away` (a form), `/crm away 2026-12-10 2026-12-14 @someone`, or `/crm away off`.',
    'away.btn.home': 'Away…',
    'away.home.now': '🏖 You are away until the end of {to}; *{delegate}* approves for you. `/crm away off` when you are back.',
    'away.home.planned': '🏖 Away from {from} to {to}; *{delegate}* will approve for you.',
    'away.notice.delegate': '🤝 *{name}* is away from {from} to {to}: you approve their requests in the meantime. Their cards reach you as well; the first decision counts.',
    'away.notice.delegate_by': '🤝 *{by}* named you *{name}*’s delegate from {from} to {to}: you approve their requests in the meantime. Their cards reach you as well; the first decision counts.',
  },
  'zh-CN': {
    'appr.by_on_behalf': '{by}（代 {for}）',
    'appr.outcome.delegate_ended': '↩ {name} 已回来：此审批交还本人。',
    'appr.card.delegate': '🤝 *{name}* 外出中，由您代为审批。',
    'appr.card.escalated': '⏫ 已升级给您：自 {at} 起等待审批。以最先作出的决定为准。',
    'appr.btn.remind': '催办',
    'appr.notice.escalated': '⏫ 您为 *{store}* 提交的{flow}自 {at} 起等待审批，现已同时提交给 *{names}*。',
    'appr.remind.done': '⏰ 已催办 *{names}*。{next} 之后可再次催办。',
    'appr.reminder.scheduled': '⏰ 提醒（第 {count}/{of} 次）：*{requester}* 为 *{store}* 提交的{flow}自 {at} 起等待您审批。',
    'appr.reminder.requester': '⏰ *{requester}* 请您处理其为 *{store}* 提交的{flow}，自 {at} 起等待您审批。',
    'appr.escalated.notice': '⏫ *{requester}* 为 *{store}* 提交的{flow}自 {at} 起等待审批：*{names}* 现在也可以审批。以最先作出的决定为准。',

    'away.modal.title': '外出',
    'away.modal.submit': '保存',
    'away.modal.intro': '外出期间由代理人代您审批，您本人仍可审批。最后一天结束后自动恢复。',
    'away.modal.intro_other': '*{name}* 外出期间由代理人代为审批。最后一天结束后自动恢复。',
    'away.modal.person': '外出人员',
    'away.modal.from': '外出首日',
    'away.modal.to': '外出最后一天',
    'away.modal.delegate': '代理人',
    'away.modal.delegate_hint': '能看到您团队申请的主管、经理或管理员。',
    'away.modal.current': '🏖 {from} 至 {to} 外出，代理人：*{delegate}*。要设置新的外出，请先结束这一段（`/crm away off`）。',
    'away.no_person': '不是 Seaboard 用户',
    'away.set': '🏖 *{name}* 于 {from} 至 {to} 外出，期间由 *{delegate}* 代为审批。',
    'away.set_now': '🏖 *{name}* 于 {from} 至 {to} 外出，期间由 *{delegate}* 代为审批，即刻生效。',
    'away.ended': '👋 欢迎回来：外出已结束，您的审批不再由代理人处理。',
    'away.usage': '用法：`/crm away`（表单）、`/crm away 2026-12-10 2026-12-14 @某人`，或 `/crm away off`。',
    'away.btn.home': '外出…',
    'away.home.now': '🏖 您外出至 {to} 结束，期间由 *{delegate}* 代为审批。回来后可发送 `/crm away off`。',
    'away.home.planned': '🏖 将于 {from} 至 {to} 外出，届时由 *{delegate}* 代为审批。',
    'away.notice.delegate': '🤝 *{name}* 于 {from} 至 {to} 外出：期间由您代为审批其申请。相关审批卡片也会发给您，以最先作出的决定为准。',
    'away.notice.delegate_by': '🤝 *{by}* 指定您在 {from} 至 {to} 期间代 *{name}* 审批。相关审批卡片也会发给您，以最先作出的决定为准。',
  },
});
