import type { Renderer } from './delivery.ts';
import { approvalRenderers } from './approval-notices.ts';
import { confirmationRenderers } from './confirmations.ts';
import { poolNoticeRenderers } from './pool-notices.ts';

/** Every kind of outbox notice the Slack adapter knows how to deliver. */
export const renderers: Record<string, Renderer> = { ...poolNoticeRenderers, ...confirmationRenderers, ...approvalRenderers };
