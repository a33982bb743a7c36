import type { Bundle } from './index.ts';

export const visit = {
  en: {},
  'zh-CN': {},
} satisfies Bundle;
