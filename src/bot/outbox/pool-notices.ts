import type { Renderer } from './delivery.ts';

export const poolNoticeRenderers: Record<string, Renderer> = {};
