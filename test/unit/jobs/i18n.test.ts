import { describe, expect, it } from 'vitest';
import { jobsScheduleText } from '../../../src/jobs/i18n.ts';

describe('the jobs’ schedule words', () => {
  it('have the same keys and placeholders in English and Chinese', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    expect(Object.keys(jobsScheduleText['zh-CN']).sort()).toEqual(Object.keys(jobsScheduleText.en).sort());
    for (const [key, en] of Object.entries(jobsScheduleText.en)) expect(holes(jobsScheduleText['zh-CN'][key as keyof typeof jobsScheduleText.en]), key).toEqual(holes(en));
  });
});
