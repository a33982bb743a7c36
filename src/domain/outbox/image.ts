import { z } from 'zod';
import type { Notice, NoticeTarget } from './outbox.ts';

// An image shared in Slack with a message (a chart of a report, a ranking): the notice carries the
// image itself, drawn by its producer, and the Slack adapter uploads it once (files.getUploadURLExternal,
// the bytes, files.completeUploadExternal). The producer writes the text in the reader's language.

/** Slack previews these inline: PNG, JPEG, GIF. It tells a file's type from its name. */
const IMAGE_NAME = /\.(png|jpe?g|gif)$/i;

/**
 * An image waits in its outbox row until it is sent (and a week after), and the dispatcher holds the
 * rows it has yet to send in memory: charts are tens of kilobytes, a megabyte is plenty.
 */
export const MAX_IMAGE_BYTES = 1024 * 1024;

export const imagePayloadSchema = z.object({
  /** The file's name in Slack, with its extension: `ranking-2026-w48.png`. */
  filename: z.string().min(1).max(255).regex(IMAGE_NAME, 'a .png, .jpg or .gif name'),
  /** Shown above the image. */
  title: z.string().min(1).max(255),
  /** For screen readers. */
  altText: z.string().min(1).max(2000),
  /** The image, base64. */
  contentBase64: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_IMAGE_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
  /** The message that shares the image (mrkdwn); none: the image alone. */
  comment: z.string().min(1).max(4000).optional(),
});

/** The payload of an `image.upload` notice, as stored. */
export type ImagePayload = z.infer<typeof imagePayloadSchema>;

export interface Image {
  filename: string;
  title: string;
  altText: string;
  content: Uint8Array;
  comment?: string;
}

/** An `image.upload` notice for a person's DM or a channel; throws when the image is not one Slack shows. */
export function imageNotice(to: NoticeTarget & { dedupeKey: string }, image: Image): Notice {
  if (image.content.byteLength > MAX_IMAGE_BYTES) throw new Error(`outbox: image ${image.filename} is ${image.content.byteLength} bytes, more than ${MAX_IMAGE_BYTES}`);
  const payload: ImagePayload = imagePayloadSchema.parse({
    filename: image.filename,
    title: image.title,
    altText: image.altText,
    contentBase64: Buffer.from(image.content.buffer, image.content.byteOffset, image.content.byteLength).toString('base64'),
    ...(image.comment ? { comment: image.comment } : {}),
  });
  return { ...to, kind: 'image.upload', payload };
}

/** The image an `image.upload` notice carries; throws when the payload is not one. */
export function imageOf(payload: unknown): Image {
  const p = imagePayloadSchema.parse(payload);
  return { filename: p.filename, title: p.title, altText: p.altText, content: new Uint8Array(Buffer.from(p.contentBase64, 'base64')), ...(p.comment ? { comment: p.comment } : {}) };
}
