import { bundle } from '../../i18n/bundle.ts';

export const home = bundle({
  en: {
    'crm.help':
      '*Seaboard commands*\n' +
      '• `/visit [store]` log a visit\n' +
      '• `/claim [text]` claim stores from the public pool\n' +
      '• `/store <name, phone or code>` find a store\n' +
      '• `/opp [store]` register an opportunity\n' +
      '• `/crm today` my day: follow-ups, protection ending soon, my pool\n' +
      '• `/crm pool` my private stores\n' +
      '• `/crm approvals` approvals: waiting for me, decided by me, my requests\n' +
      '• `/crm away` away with a delegate who approves for me (`/crm away off` ends it)\n' +
      '• `/crm lang zh|en` 中文 / English',
    'crm.lang_set': 'OK, I will speak English with you from now on.',
    'crm.lang_usage': 'Use `/crm lang zh` for 中文 or `/crm lang en` for English.',

    // my day (/crm today and App Home)
    'today.header': 'My day · {date}',
    'today.usage': 'My pool: *{held} / {cap}* private stores',
    'today.usage_customers': 'My pool: *{held} / {cap}* private stores · {customers} {customers:customer|customers}',
    'today.overdue': '*Overdue follow-ups* ({count})',
    'today.due_today': '*Due today* ({count})',
    'today.nothing_due': 'No follow-ups due today. 🎉',
    'today.item_overdue': '🔴 *{store}* · was due {when}',
    'today.item_today': '*{store}* · due {when}',
    'today.snoozed_times': 'snoozed {count}×',
    'today.more': '…and {count} more',
    'today.ending': '*Protection ends within 3 days* ({count})',
    'today.ending_line': '• *{store}* `{code}` · {left}',
    'today.ends_in_days': 'ends {until} ({days} {days:day|days} left)',
    'today.ends_today': 'ends {until}',
    'today.ended': 'protection ended {until}: returns to the public pool at the next sweep',
    'today.upcoming': '{count} more {count:follow-up|follow-ups} in the next 14 days.',
    'today.text': 'My day: {overdue} overdue, {today} due today, {ending} {ending:store|stores} whose protection ends soon, pool {held} / {cap}.',

    // follow-up buttons
    'followup.btn.done': 'Done',
    'followup.snooze.placeholder': 'Snooze',
    'followup.snooze.tomorrow': 'Tomorrow 09:00',
    'followup.snooze.in3days': 'In 3 days, 09:00',
    'followup.snooze.monday': 'Next Monday 09:00',
    'followup.snooze.pick': 'Pick a time…',
    'followup.done_notice': '✓ Done: *{store}*',
    'followup.snoozed_notice': '⏰ *{store}* snoozed to {when}',
    'snooze.modal.title': 'Snooze follow-up',
    'snooze.modal.submit': 'Snooze',
    'snooze.modal.close': 'Cancel',
    'snooze.modal.intro': '*{store}* · due {when}',
    'snooze.field.date': 'Date',
    'snooze.field.time': 'Time',
    'snooze.pick_both': 'Pick a date and a time.',

    // /crm pool
    'mypool.header': 'My private stores',
    'mypool.line': '• *{store}* `{code}` · {protection}',
    'mypool.customer': 'customer: no longer returns',
    'mypool.left': '{days} {days:day|days} left (until {until})',
    'mypool.ends_today': 'ends {until}',
    'mypool.ended': 'ended {until}',
    'mypool.empty': 'You have no private stores yet. Use `/claim` to claim some from the public pool.',
    'mypool.text': 'My private stores: {held} / {cap}.',

    // App Home
    'home.header': 'Seaboard · {name}',
    'home.updated': 'Updated {time}',
    'home.btn.log_visit': 'Log visit',
    'home.btn.claim': 'Claim stores',
    'home.btn.new_opportunity': 'New opportunity',
    'home.btn.refresh': 'Refresh',
    'home.opportunities': '*My open opportunities* ({count})',
    'home.approvals': '*Waiting for your approval* ({count})',
    'home.opportunity_line': '• *{name}* · {store} · {amount} · {stage} · close {close}',

    // durations ("overdue 4 h", "waiting 2 days"): src/bot/views/durations.ts
    'dur.minutes': '{count} min',
    'dur.hours': '{count} h',
    'dur.days': '{count} {count:day|days}',
    'followup.overdue_by': 'overdue {duration}',
    'today.item_late': '🔴 *{store}* · {overdue} · was due {when}',

    // App Home: what waits for my decision, with its buttons
    'home.appr.item': '*{flow}* · *{store}*{amount}\nfrom {requester} · waiting {age}',
    'home.appr.more': '…and {count} more: `/crm approvals` lists them all.',
    'home.answer_title': 'Seaboard',
    'home.claim_sent': 'The stores you can claim are on their way to your *Messages* with Seaboard: claim them there.',

    // App Home of a supervisor or manager: the team's day
    'team.header': '*My team today*',
    'team.day': 'My team · {date}',
    'team.visits': '*Visits today* ({count})',
    'team.visits_line': '• {name} · {count} {count:visit|visits}',
    'team.visits_none': '• {name} · no visits yet',
    'team.no_reps': 'No reps in your team.',
    'team.overdue': '*Overdue follow-ups of the team* ({count})',
    'team.overdue_line': '🔴 *{store}* · {person} · {overdue}',
    'team.overdue_none': 'No overdue follow-ups in the team. 🎉',
    'team.returning': '*Returning to the public pool tonight* ({count}) · sweep at {time}',
    'team.returning_line': '• *{store}* `{code}` · {owner}',
    'team.returning_none': 'No store of the team returns to the public pool tonight.',
    'team.pipeline': '*Pipeline* (open opportunities)',
    'team.pipeline_line': '• {stage}: {count} {count:opportunity|opportunities} · {amount}',
    'team.pipeline_total': 'In all: {amount}',
    'team.pipeline_none': 'No open opportunities in the team.',
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
      '• `/crm approvals`（或 `/crm 审批`）审批：待我审批、我已审批、我的申请\n' +
      '• `/crm away` 外出：指定代理人代我审批（`/crm away off` 结束）\n' +
      '• `/crm lang zh|en` 中文 / English',
    'crm.lang_set': '好的，以后我会用中文和您交流。',
    'crm.lang_usage': '使用 `/crm lang zh` 切换中文，`/crm lang en` 切换英文。',

    'today.header': '我的今天 · {date}',
    'today.usage': '我的私海：*{held} / {cap}* 家门店',
    'today.usage_customers': '我的私海：*{held} / {cap}* 家门店 · {customers} 家已成交客户',
    'today.overdue': '*已逾期的跟进*（{count}）',
    'today.due_today': '*今天到期*（{count}）',
    'today.nothing_due': '今天没有到期的跟进。🎉',
    'today.item_overdue': '🔴 *{store}* · 原定 {when}',
    'today.item_today': '*{store}* · {when} 到期',
    'today.snoozed_times': '已推迟 {count} 次',
    'today.more': '……还有 {count} 条',
    'today.ending': '*3 天内保护期到期*（{count}）',
    'today.ending_line': '• *{store}* `{code}` · {left}',
    'today.ends_in_days': '{until} 到期（剩 {days} 天）',
    'today.ends_today': '{until} 到期',
    'today.ended': '保护期已于 {until} 结束，下次回收时将回到公海',
    'today.upcoming': '未来 14 天还有 {count} 条跟进。',
    'today.text': '我的今天：逾期 {overdue} 条，今天到期 {today} 条，{ending} 家门店保护期即将到期，私海 {held} / {cap}。',

    'followup.btn.done': '完成',
    'followup.snooze.placeholder': '推迟',
    'followup.snooze.tomorrow': '明天 09:00',
    'followup.snooze.in3days': '3 天后 09:00',
    'followup.snooze.monday': '下周一 09:00',
    'followup.snooze.pick': '选择时间…',
    'followup.done_notice': '✓ 已完成：*{store}*',
    'followup.snoozed_notice': '⏰ *{store}* 已推迟到 {when}',
    'snooze.modal.title': '推迟跟进',
    'snooze.modal.submit': '推迟',
    'snooze.modal.close': '取消',
    'snooze.modal.intro': '*{store}* · 原定 {when}',
    'snooze.field.date': '日期',
    'snooze.field.time': '时间',
    'snooze.pick_both': '请选择日期和时间。',

    'mypool.header': '我的私海门店',
    'mypool.line': '• *{store}* `{code}` · {protection}',
    'mypool.customer': '已成交客户，不会回归公海',
    'mypool.left': '剩 {days} 天（至 {until}）',
    'mypool.ends_today': '{until} 到期',
    'mypool.ended': '已于 {until} 到期',
    'mypool.empty': '您的私海还没有门店。使用 `/claim` 从公海认领。',
    'mypool.text': '我的私海门店：{held} / {cap}。',

    'home.header': 'Seaboard · {name}',
    'home.updated': '更新于 {time}',
    'home.btn.log_visit': '记录拜访',
    'home.btn.claim': '认领门店',
    'home.btn.new_opportunity': '新建商机',
    'home.btn.refresh': '刷新',
    'home.opportunities': '*我的进行中商机*（{count}）',
    'home.approvals': '*待我审批*（{count}）',
    'home.opportunity_line': '• *{name}* · {store} · {amount} · {stage} · 预计 {close} 成交',

    'dur.minutes': '{count} 分钟',
    'dur.hours': '{count} 小时',
    'dur.days': '{count} 天',
    'followup.overdue_by': '逾期 {duration}',
    'today.item_late': '🔴 *{store}* · {overdue} · 原定 {when}',

    'home.appr.item': '*{flow}* · *{store}*{amount}\n申请人 {requester} · 已等待 {age}',
    'home.appr.more': '……还有 {count} 条：用 `/crm approvals` 查看全部。',
    'home.answer_title': 'Seaboard',
    'home.claim_sent': '可认领的门店已发送到您与 Seaboard 的*消息*中，请在那里认领。',

    'team.header': '*我的团队今天*',
    'team.day': '我的团队 · {date}',
    'team.visits': '*今日拜访*（{count}）',
    'team.visits_line': '• {name} · {count} 次拜访',
    'team.visits_none': '• {name} · 今天还没有拜访',
    'team.no_reps': '您的团队没有销售。',
    'team.overdue': '*团队已逾期的跟进*（{count}）',
    'team.overdue_line': '🔴 *{store}* · {person} · {overdue}',
    'team.overdue_none': '团队没有逾期的跟进。🎉',
    'team.returning': '*今晚回归公海*（{count}）· {time} 回收',
    'team.returning_line': '• *{store}* `{code}` · {owner}',
    'team.returning_none': '今晚没有团队的门店回归公海。',
    'team.pipeline': '*销售漏斗*（进行中的商机）',
    'team.pipeline_line': '• {stage}：{count} 个商机 · {amount}',
    'team.pipeline_total': '合计：{amount}',
    'team.pipeline_none': '团队没有进行中的商机。',
  },
});
