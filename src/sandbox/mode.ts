import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';

// Sandbox mode: Slack is a local stand-in (src/slack-standin) served in-process, the bot talks to it,
// and /sandbox lets a person in a browser be anyone of the company. It must never run by accident
// next to a real workspace: on without a bot token, or when SANDBOX=1 says so; SANDBOX=0 keeps it off.

export type RunMode = 'sandbox' | 'production';

export function runMode(config: Pick<Config, 'SANDBOX' | 'SLACK_BOT_TOKEN'>): RunMode {
  if (config.SANDBOX === '1') return 'sandbox';
  if (config.SANDBOX === '0') return 'production';
  return config.SLACK_BOT_TOKEN ? 'production' : 'sandbox';
}

export const sandboxOn = (config: Pick<Config, 'SANDBOX' | 'SLACK_BOT_TOKEN'>): boolean => runMode(config) === 'sandbox';

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
