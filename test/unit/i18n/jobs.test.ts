import { describe, expect, it } from 'vitest';
import { decodeNote, encodeNote } from '../../../src/domain/jobs/notes.ts';
import { jobTitle, jobWords, noteText, outcomeText, pendingText } from '../../../src/i18n/jobs.ts';

const en = { locale: 'en' as const, timezone: 'Asia/Shanghai' };
const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };

describe('what a job run did, in words', () => {
  it('says counts with the plural form of the number, in English and Chinese', () => {
    expect(outcomeText(en, { sent: 1, skipped: 0, failed: 0, note: { counts: { returned: 1 } } })).toBe('1 message sent, 0 skipped, 0 failed; 1 store returned to the public pool');
    expect(outcomeText(en, { sent: 3, skipped: 18, failed: 0, note: { counts: { returned: 3 } } })).toBe('3 messages sent, 18 skipped, 0 failed; 3 stores returned to the public pool');
    expect(outcomeText(zh, { sent: 3, skipped: 0, failed: 1, note: { counts: { returned: 3 } } })).toBe('发送 3 条消息，跳过 0 项，失败 1 项；3 家门店退回公海');
    expect(noteText(en, { counts: { steps: 2, reminded: 1, escalated: 0 } })).toBe('2 waiting steps looked at, 1 reminder, 0 steps escalated');
    expect(noteText(en, { counts: { people: 1, already: 17 } })).toBe('1 person due, 17 had today’s digest already');
  });

  it('says why a slot was skipped, how late, and an error, instead of a machine line', () => {
    expect(noteText(en, { counts: { people: 18 }, reason: 'late', lateMs: (2 * 60 + 5) * 60_000 })).toBe(
      '18 people due; skipped: it was 2 hours 5 minutes late (a morning digest more than 2 hours late is not sent)',
    );
    expect(noteText(en, { reason: 'late', lateMs: 60 * 60_000 })).toContain('it was 1 hour late');
    expect(noteText(zh, { reason: 'late', lateMs: 90 * 60_000 })).toBe('已跳过：迟了 1 小时 30 分钟（晨报迟于 2 小时不再发送）');
    expect(noteText(en, { reason: 'superseded' })).toBe('not run: a later slot ran instead');
    expect(noteText(en, { error: 'TypeError: no such person' })).toBe('error: TypeError: no such person');
    // Rows written before notes were structured read the same.
    expect(noteText(en, decodeNote('people:18 late'))).toBe('18 people due; skipped: too late');
    expect(noteText(en, decodeNote('returned:1'))).toBe('1 store returned to the public pool');
    expect(noteText(en, decodeNote(encodeNote({ counts: { sessions: 1, uploads: 2 } })))).toBe('1 expired console session removed, 2 old uploads removed');
  });

  it('gives each job one name, the same in every place', () => {
    expect(jobTitle(en, 'sweep')).toBe('Auto-return');
    expect(jobTitle(zh, 'sweep')).toBe('自动退回公海');
    expect(jobTitle(en, 'nope')).toBe('nope');
    for (const key of Object.keys(jobWords.en)) expect(jobWords['zh-CN'][key as keyof typeof jobWords.en], key).toBeTruthy();
  });

  it('says beside Run now whether it would send anything new', () => {
    expect(pendingText(en, { due: 9, pending: 0 })).toContain('Run now would send nothing new');
    expect(pendingText(en, { due: 9, pending: 1 })).toBe('1 of 9 people whose digest time has come today has not had it yet: Run now sends it to them.');
    expect(pendingText(en, { due: 9, pending: 2 })).toContain('2 of 9 people whose digest time has come today have not had it yet');
    expect(pendingText(en, { due: 0, pending: 0 })).toBe('Nobody’s digest is due yet today (their time has not come, or it is not a working day): Run now would send nothing.');
  });
});
