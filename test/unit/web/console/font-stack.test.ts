import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// A CJK font listed first draws English punctuation and digits full-width; Latin fonts go first and
// Chinese text falls through to the CJK ones.
const cjk = /PingFang|Hiragino|YaHei|CJK|WenQuanYi|SimSun|SimHei|Source Han|Heiti|STXihei/i;

function stacks(css: string): string[][] {
  return [...css.matchAll(/font(?:-family)?:\s*([^;]+);/g)]
    .map((m) => m[1]!.replace(/^[\d.]+px(?:\/[\d.]+)?\s+/, ''))
    .filter((v) => v.includes(','))
    .map((v) => v.split(',').map((f) => f.trim().replace(/^['"]|['"]$/g, '')));
}

describe('font stacks', () => {
  for (const file of ['src/web/console/assets/console.css', 'src/sandbox/assets/sandbox.css']) {
    it(`list Latin fonts before CJK fonts in ${file}`, () => {
      const found = stacks(readFileSync(file, 'utf8')).filter((s) => s.some((f) => cjk.test(f)));
      expect(found.length).toBeGreaterThan(0);
      for (const stack of found) {
        const firstCjk = stack.findIndex((f) => cjk.test(f));
        const latin = stack.slice(0, firstCjk);
        expect(latin, stack.join(', ')).toEqual(expect.arrayContaining(['Segoe UI', 'Roboto', 'Arial']));
        expect(stack.slice(firstCjk).every((f) => cjk.test(f) || f === 'sans-serif'), stack.join(', ')).toBe(true);
        expect(stack, 'system-ui is a CJK font on a Chinese system').not.toContain('system-ui');
      }
    });
  }
});
