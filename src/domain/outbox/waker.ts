/**
 * Wakes delivery: whoever just committed notices (a Slack listener, a scheduled job, the CLI) says so,
 * and the dispatcher looks now rather than at its next poll. Optional everywhere: without one, the
 * notices still go out at the poll (within two seconds).
 */
export interface OutboxWaker {
  kick(): void;
}
