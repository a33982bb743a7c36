import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/domain/errors.ts';
import { en } from '../../../src/i18n/en.ts';
import { describeError, t, toLocale } from '../../../src/i18n/index.ts';
import { zhCN } from '../../../src/i18n/zh-CN.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('message catalogs', () => {
  it('have the same keys and the same placeholders in English and Chinese', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(holes(zhCN[key]), key).toEqual(holes(en[key]));
    }
  });

  it('hold every message key the domain can raise', () => {
    const used = new Set<string>();
    for (const file of sources('src/domain')) {
      const text = readFileSync(file, 'utf8');
      // new XError('a.b', …), new XError(cond ? 'a.b' : 'a.c', …) and { key: 'a.b' } in issues
      for (const m of text.matchAll(/Error\((?:[^()']*\? )?'([a-z_]+\.[a-z_.]+)'(?: : '([a-z_]+\.[a-z_.]+)')?/g)) {
        used.add(m[1]!);
        if (m[2]) used.add(m[2]);
      }
      for (const m of text.matchAll(/key: '([a-z_]+\.[a-z_.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it('formats parameters, dates in the reader’s time zone, and issues by path', () => {
    const zh = { locale: 'zh-CN' as const, timezone: 'Asia/Shanghai' };
    expect(t(zh, 'pool.cooldown', { until: new Date('2026-11-29T02:00:00Z') })).toBe('您最近释放过该门店，2026-11-29 10:00 之后才能再次认领。');
    expect(t({ locale: 'en', timezone: 'UTC' }, 'pool.owned', { until: null })).toBe('Someone else already owns this store (protected until —).');
    const e = new InvalidInputError('import.invalid', { count: 1 }, [{ path: 'people[3].unit', key: 'import.no_unit', params: { value: 'hz-wst' } }]);
    expect(describeError({ locale: 'en', timezone: 'UTC' }, e)).toBe('The file has 1 problem; nothing was written.\n  people[3].unit: no unit "hz-wst"');
    expect([toLocale('zh_CN'), toLocale('zh-TW'), toLocale('en-US'), toLocale(null)]).toEqual(['zh-CN', 'zh-CN', 'en', 'en']);
  });
});
