import { imageOf } from '../../domain/outbox/image.ts';
import type { Renderer, Renderers } from './delivery.ts';

// An image a producer drew (a chart) shared in Slack by one message: uploaded as a file, with the
// producer's comment, in the recipient's DM or the notice's channel.

const image: Renderer = async (_deps, row) => {
  const img = imageOf(row.payload);
  return { method: 'upload', file: { name: img.filename, title: img.title, altText: img.altText, content: img.content }, ...(img.comment ? { text: img.comment } : {}) };
};

export const imageRenderers = { 'image.upload': image } satisfies Partial<Renderers>;
