import { describe, expect, it } from 'vitest';
import { bundles } from '../../../../src/web/i18n/index.ts';

describe('console message bundles', () => {
  it('have the same keys and placeholders in English and Chinese', () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [name, b] of Object.entries(bundles)) {
      expect(Object.keys(b['zh-CN']).sort(), name).toEqual(Object.keys(b.en).sort());
      for (const key of Object.keys(b.en)) expect(holes(b['zh-CN'][key]!), `${name}: ${key}`).toEqual(holes(b.en[key]!));
    }
  });

  it('never define one key twice across bundles', () => {
    const seen = new Map<string, string>();
    for (const [name, b] of Object.entries(bundles)) {
      for (const key of Object.keys(b.en)) {
        expect(seen.get(key), `${key} in ${name} and ${seen.get(key)}`).toBeUndefined();
        seen.set(key, name);
      }
    }
  });
});
