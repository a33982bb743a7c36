import type { Bundle } from './index.ts';

export const store = {
  en: {},
  'zh-CN': {},
} satisfies Bundle;
