import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { Express } from 'express';
import type { Config } from '../config.ts';
import type { BotDeps } from './deps.ts';
import { identify } from './context.ts';
import { eventsOnce } from './events-once.ts';
import { registerListeners } from './listeners/index.ts';

export type SlackApp = App;

export interface Bot {
  app: SlackApp;
  mode: 'http' | 'socket';
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app in the same Express server as the console: HTTP mode at POST /slack/events, or Socket
 * Mode when SLACK_APP_TOKEN is set. Off (null) without a signing secret and a bot token.
 */
export function createBot(config: Config, deps: BotDeps, web: Express): Bot | null {
  if (!config.SLACK_BOT_TOKEN || (!config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN)) return null;
  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    // A stand-in answers at once; against real Slack a few retries ride out a blip.
    retryConfig: { retries: config.SLACK_API_URL ? 0 : 3 },
  };
  let app: SlackApp;
  let mode: Bot['mode'];
  if (config.SLACK_APP_TOKEN) {
    mode = 'socket';
    app = new App({ token: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN, socketMode: true, clientOptions, logLevel: LogLevel.WARN });
  } else {
    mode = 'http';
    const receiver = new ExpressReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      app: web,
      // Ack first, work after: a listener's slow part never holds Slack's 3 seconds.
      processBeforeResponse: false,
      logLevel: LogLevel.WARN,
    });
    app = new App({ token: config.SLACK_BOT_TOKEN, receiver, clientOptions, tokenVerificationEnabled: false, logLevel: LogLevel.WARN });
  }
  app.use(eventsOnce(deps));
  app.use(identify(deps));
  registerListeners(app, deps);
  app.error(async (e: Error) => {
    console.error('slack listener failed:', e);
  });
  return {
    app,
    mode,
    start: async () => {
      if (mode === 'socket') await app.start();
    },
    stop: async () => {
      if (mode === 'socket') await app.stop();
    },
  };
}
