import type { Renderer } from './delivery.ts';

export const approvalRenderers: Record<string, Renderer> = {};
