import { describe, expect, it } from 'vitest';
import { notices } from '../../../../src/bot/i18n/notices.ts';
import { poolNoticeRenderers } from '../../../../src/bot/outbox/pool-notices.ts';
import { renderers } from '../../../../src/bot/outbox/renderers.ts';
import { noticeKinds } from '../../../../src/domain/outbox/outbox.ts';

describe('pool notices', () => {
  it('speak both languages with the same placeholders', () => {
    expect(Object.keys(notices['zh-CN']).sort()).toEqual(Object.keys(notices.en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, text] of Object.entries(notices.en)) expect(holes(notices['zh-CN'][key as keyof typeof notices.en]), key).toEqual(holes(text));
  });

  it('have a renderer for every kind the pools write, known to the dispatcher', () => {
    const kinds: (keyof typeof poolNoticeRenderers)[] = ['store.assigned', 'store.transferred', 'store.extended', 'store.auto_returned', 'store.auto_returned_team', 'store.return_warning'];
    expect(Object.keys(poolNoticeRenderers).sort()).toEqual(kinds.sort());
    for (const k of kinds) expect(renderers[k]).toBe(poolNoticeRenderers[k]);
  });
});

describe('notice kinds', () => {
  it('each has a renderer in the Slack adapter, and every renderer draws a kind the domain writes', () => {
    expect(Object.keys(renderers).sort()).toEqual([...noticeKinds].sort());
    for (const kind of noticeKinds) expect(renderers[kind], kind).toBeTypeOf('function');
  });
});
