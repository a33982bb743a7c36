import type { Bundle } from './index.ts';

export const claim = {
  en: {},
  'zh-CN': {},
} satisfies Bundle;
