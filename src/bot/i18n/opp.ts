import type { Bundle } from './index.ts';

export const opp = {
  en: {},
  'zh-CN': {},
} satisfies Bundle;
