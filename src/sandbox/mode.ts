import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { DatabaseKind } from '../demo/marker.ts';

// Sandbox mode: Slack is a local stand-in (src/slack-standin) served in-process, the bot talks to it,
// and /sandbox lets a person in a browser be anyone of the company. It must never run by accident
// next to a real workspace: on without a bot token, or when SANDBOX=1 says so; SANDBOX=0 keeps it off.

export type RunMode = 'sandbox' | 'production';

/** What the configuration asks for, before the database has a say (see modeFor). */
export function runMode(config: Pick<Config, 'SANDBOX' | 'SLACK_BOT_TOKEN'>): RunMode {
  if (config.SANDBOX === '1') return 'sandbox';
  if (config.SANDBOX === '0') return 'production';
  return config.SLACK_BOT_TOKEN ? 'production' : 'sandbox';
}

/** SANDBOX=1 on a company's own database: the start stops with this. */
export class SandboxRefused extends Error {
  override name = 'SandboxRefused';
}

/**
 * The mode to run in: sandbox mode only on the demo company (an empty database, which it fills, or one
 * the demo seed marked). A company's own database without Slack settings runs with Slack off; asking
 * for the sandbox on it with SANDBOX=1 is refused.
 */
export function modeFor(config: Pick<Config, 'SANDBOX' | 'SLACK_BOT_TOKEN'>, kind: DatabaseKind): { mode: RunMode; companyWithoutSlack: boolean } {
  const asked = runMode(config);
  if (asked === 'production' || kind !== 'company') return { mode: asked, companyWithoutSlack: false };
  if (config.SANDBOX === '1') {
    throw new SandboxRefused(
      "SANDBOX=1 refused: this database holds a company's own data, not the demo company. The sandbox lets anyone who reaches the port act as anyone, so it runs only on the demo company: use an empty database (DATABASE_URL=file:./data/demo.db), or leave SANDBOX unset.",
    );
  }
  return { mode: 'production', companyWithoutSlack: true };
}

/**
 * The bot's settings in sandbox mode: the stand-in's Web API, a token that only the stand-in accepts,
 * a signing secret made for this process (only the sandbox signs requests), and HTTP mode. Whatever
 * real Slack settings were given are not used.
 */
export function sandboxBotConfig(config: Config, standinUrl: string): Config {
  return {
    ...config,
    SLACK_BOT_TOKEN: 'xoxb-sandbox',
    SLACK_SIGNING_SECRET: randomBytes(32).toString('hex'),
    SLACK_APP_TOKEN: undefined,
    SLACK_API_URL: `${standinUrl}/api/`,
  };
}
