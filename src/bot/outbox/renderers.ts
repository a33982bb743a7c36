import type { Renderers } from './delivery.ts';
import { approvalRenderers } from './approval-notices.ts';
import { confirmationRenderers } from './confirmations.ts';
import { followUpNoticeRenderers } from './followup-notices.ts';
import { imageRenderers } from './images.ts';
import { poolNoticeRenderers } from './pool-notices.ts';
import { reminderRenderers } from './reminder-notices.ts';

/** Every kind of outbox notice (`NoticeKind`), as the Slack adapter delivers it: a kind without one does not compile. */
export const renderers: Renderers = { ...poolNoticeRenderers, ...followUpNoticeRenderers, ...confirmationRenderers, ...approvalRenderers, ...reminderRenderers, ...imageRenderers };
