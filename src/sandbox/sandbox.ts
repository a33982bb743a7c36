import type { Config } from '../config.ts';
import type { Deps } from '../domain/deps.ts';
import { hasPeople } from '../domain/people/people.ts';
import { SlackStandin } from '../slack-standin/standin.ts';
import { sandboxBotConfig } from './mode.ts';
import { syncStandinUsers } from './people.ts';

// Sandbox mode at start: the demo company when the database is empty, the stand-in Slack on a local
// port of its own (the bot's Web API calls and response_urls go there), and every person of the
// company a user of it.

export interface Sandbox {
  standin: SlackStandin;
  /** The bot's configuration: the stand-in's Web API, a fake token, this process's signing secret. */
  botConfig: Config;
  demo: { seeded: boolean; ms: number };
  /** Wakes whoever waits for a change (long polls) so that the server can close. */
  close(): Promise<void>;
  readonly closing: Promise<void>;
  isClosing(): boolean;
}

export async function startSandbox(config: Config, deps: Deps): Promise<Sandbox> {
  // The demo's code is loaded only for an empty database (a restart skips it).
  const empty = !(await hasPeople(deps.db));
  const demo = empty ? await (await import('../demo/seed.ts')).seedDemoIfEmpty(deps, { now: deps.clock.now() }) : { seeded: false, ms: 0 };
  const standin = new SlackStandin();
  await standin.listen(0, '127.0.0.1');
  await syncStandinUsers(deps.db, standin);
  let wake!: () => void;
  let closed = false;
  const closing = new Promise<void>((resolve) => (wake = resolve));
  return {
    standin,
    botConfig: sandboxBotConfig(config, standin.url),
    demo: { seeded: demo.seeded, ms: demo.ms },
    closing,
    isClosing: () => closed,
    close: async () => {
      closed = true;
      wake();
      await standin.close();
    },
  };
}
