import type { RunNote } from '../domain/jobs/notes.ts';
import { bundle, translator } from './bundle.ts';
import type { Reader } from './index.ts';

// The scheduled jobs' names and what a run did, in words: one place for the console's Jobs page and
// `crm jobs` (both adapters read it; src/jobs/i18n.ts has the schedules). A count's word is a plural
// form (`{n:store|stores}`, chosen by fill with Intl.PluralRules for the reader's language).

export const jobWords = bundle({
  en: {
    'jobs.name.sweep': 'Auto-return',
    'jobs.name.warnings': 'Protection-end warnings',
    'jobs.name.digest': 'Morning digest',
    'jobs.name.followup-reminders': 'Follow-up reminders',
    'jobs.name.approval-reminders': 'Approval reminders and escalation',
    'jobs.name.away': 'Away and delegation',
    'jobs.name.housekeeping': 'Housekeeping',
    'jobs.count.sent': '{n} {n:message|messages} sent',
    'jobs.count.skipped': '{n} skipped',
    'jobs.count.failed': '{n} failed',
    'jobs.count.returned': '{n} {n:store|stores} returned to the public pool',
    'jobs.count.people': '{n} {n:person|people} due',
    'jobs.count.already': '{n} had today’s digest already',
    'jobs.count.not_due': '{n} {n:person’s|people’s} digest time has not come yet today',
    'jobs.count.unknown_zones': '{n} {n:person|people} with an unknown time zone (the company’s was used)',
    'jobs.count.steps': '{n} waiting {n:step|steps} looked at',
    'jobs.count.reminded': '{n} {n:reminder|reminders}',
    'jobs.count.escalated': '{n} {n:step|steps} escalated',
    'jobs.count.away_started': '{n} {n:time|times} away began',
    'jobs.count.away_ended': '{n} {n:time|times} away ended',
    'jobs.count.delegated': '{n} {n:step|steps} handed to a delegate',
    'jobs.count.handed_back': '{n} {n:step|steps} handed back',
    'jobs.count.sessions': '{n} expired console {n:session|sessions} removed',
    'jobs.count.uploads': '{n} old {n:upload|uploads} removed',
    'jobs.count.throttles': '{n} old sign-in {n:record|records} removed',
    'jobs.count.runs': '{n} old run {n:record|records} removed',
    'jobs.count.other': '{name}: {n}',
    'jobs.hours': '{n} {n:hour|hours}',
    'jobs.minutes': '{n} {n:minute|minutes}',
    'jobs.reason.late': 'skipped: it was {late} late (a morning digest more than 2 hours late is not sent)',
    'jobs.reason.late_unknown': 'skipped: too late',
    'jobs.reason.superseded': 'not run: a later slot ran instead',
    'jobs.reason.not_working_day': 'nothing sent: not a working day',
    'jobs.error': 'error: {error}',
    'jobs.sep.list': ', ',
    'jobs.sep.parts': '; ',
    'jobs.sep.hm': ' ',
    'jobs.pending.none': 'Everyone whose digest time has come today has had today’s digest: Run now would send nothing new (nobody gets it twice a day).',
    'jobs.pending.nobody_due': 'Nobody’s digest is due yet today (their time has not come, or it is not a working day): Run now would send nothing.',
    'jobs.pending.some': '{n} of {due} {due:person|people} whose digest time has come today {n:has|have} not had it yet: Run now sends it to them.',
  },
  'zh-CN': {
    'jobs.name.sweep': '自动退回公海',
    'jobs.name.warnings': '保护期到期提醒',
    'jobs.name.digest': '每日晨报',
    'jobs.name.followup-reminders': '跟进提醒',
    'jobs.name.approval-reminders': '审批提醒与升级',
    'jobs.name.away': '外出与代理',
    'jobs.name.housekeeping': '数据清理',
    'jobs.count.sent': '发送 {n} 条消息',
    'jobs.count.skipped': '跳过 {n} 项',
    'jobs.count.failed': '失败 {n} 项',
    'jobs.count.returned': '{n} 家门店退回公海',
    'jobs.count.people': '应收 {n} 人',
    'jobs.count.already': '{n} 人今天已收到晨报',
    'jobs.count.not_due': '{n} 人今天还没到晨报时间',
    'jobs.count.unknown_zones': '{n} 人的时区无法识别（已按公司时区）',
    'jobs.count.steps': '检查待审批步骤 {n} 个',
    'jobs.count.reminded': '提醒 {n} 次',
    'jobs.count.escalated': '升级 {n} 个步骤',
    'jobs.count.away_started': '{n} 段外出开始',
    'jobs.count.away_ended': '{n} 段外出结束',
    'jobs.count.delegated': '{n} 个步骤交给代理人',
    'jobs.count.handed_back': '{n} 个步骤交还本人',
    'jobs.count.sessions': '删除过期控制台会话 {n} 个',
    'jobs.count.uploads': '删除旧上传文件 {n} 个',
    'jobs.count.throttles': '删除旧登录记录 {n} 条',
    'jobs.count.runs': '删除旧执行记录 {n} 条',
    'jobs.count.other': '{name}：{n}',
    'jobs.hours': '{n} 小时',
    'jobs.minutes': '{n} 分钟',
    'jobs.reason.late': '已跳过：迟了 {late}（晨报迟于 2 小时不再发送）',
    'jobs.reason.late_unknown': '已跳过：太迟',
    'jobs.reason.superseded': '未执行：已由更晚的时段执行',
    'jobs.reason.not_working_day': '未发送：不是工作日',
    'jobs.error': '出错：{error}',
    'jobs.sep.list': '，',
    'jobs.sep.parts': '；',
    'jobs.sep.hm': ' ',
    'jobs.pending.none': '今天已到晨报时间的人都已收到今天的晨报：立即执行不会发送新内容（每人每天只收一次）。',
    'jobs.pending.nobody_due': '今天还没有人的晨报到期（未到时间，或不是工作日）：立即执行不会发送任何内容。',
    'jobs.pending.some': '今天已到晨报时间的 {due} 人中，有 {n} 人还没收到：立即执行会发给他们。',
  },
});

const t = translator({ jobWords });
type Key = keyof typeof jobWords.en;

/** A job's name in the reader's words (its code where it has none). */
export function jobTitle(reader: Reader, name: string): string {
  const key = `jobs.name.${name}`;
  return key in jobWords.en ? t(reader, key as Key) : name;
}

/** `3 stores returned to the public pool`: one figure of a run, in its plural form. */
export function countText(reader: Reader, name: string, n: number): string {
  const key = `jobs.count.${name}`;
  return key in jobWords.en ? t(reader, key as Key, { n }) : t(reader, 'jobs.count.other', { name, n });
}

/** `2 hours 5 minutes`, or `40 minutes`. */
export function lateText(reader: Reader, ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const hours = h > 0 ? t(reader, 'jobs.hours', { n: h }) : '';
  const mins = m > 0 || h === 0 ? t(reader, 'jobs.minutes', { n: m }) : '';
  return [hours, mins].filter(Boolean).join(t(reader, 'jobs.sep.hm'));
}

/** A run's note in sentences: its figures, why it did nothing, its error. Empty when there is none. */
export function noteText(reader: Reader, note: RunNote | null): string {
  if (!note) return '';
  const parts: string[] = [];
  const counts = Object.entries(note.counts ?? {});
  if (counts.length) parts.push(counts.map(([name, n]) => countText(reader, name, n)).join(t(reader, 'jobs.sep.list')));
  if (note.reason === 'late') parts.push(note.lateMs !== undefined ? t(reader, 'jobs.reason.late', { late: lateText(reader, note.lateMs) }) : t(reader, 'jobs.reason.late_unknown'));
  else if (note.reason) parts.push(t(reader, `jobs.reason.${note.reason}`));
  if (note.error) parts.push(t(reader, 'jobs.error', { error: note.error }));
  if (note.text) parts.push(note.text);
  return parts.join(t(reader, 'jobs.sep.parts'));
}

/** What a run did: `2 messages sent, 0 skipped, 0 failed; 1 store returned to the public pool`. */
export function outcomeText(reader: Reader, o: { sent: number; skipped: number; failed: number; note?: RunNote | null }): string {
  const head = [countText(reader, 'sent', o.sent), countText(reader, 'skipped', o.skipped), countText(reader, 'failed', o.failed)].join(t(reader, 'jobs.sep.list'));
  const tail = noteText(reader, o.note ?? null);
  return tail ? `${head}${t(reader, 'jobs.sep.parts')}${tail}` : head;
}

/** Beside Run now of a daily message per person: whether a run now would send anything new. */
export function pendingText(reader: Reader, p: { due: number; pending: number }): string {
  if (p.due === 0) return t(reader, 'jobs.pending.nobody_due');
  if (p.pending === 0) return t(reader, 'jobs.pending.none');
  return t(reader, 'jobs.pending.some', { n: p.pending, due: p.due });
}
