import type { Deps } from '../domain/deps.ts';
import type { OutboxWaker } from '../domain/outbox/waker.ts';

/** What every listener gets: the domain's dependencies, and a way to wake the outbox. */
export type BotDeps = Deps & {
  /** A change may have written notices: the dispatcher looks now rather than at its next poll. */
  outbox?: OutboxWaker;
};
