import type { Renderer } from './delivery.ts';

export const confirmationRenderers: Record<string, Renderer> = {};
