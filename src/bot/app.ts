import { App, ExpressReceiver, HTTPModuleFunctions, LogLevel, webApi, type Middleware, type AnyMiddlewareArgs } from '@slack/bolt';
import express, { type Express } from 'express';
import type { Config } from '../config.ts';
import type { BotDeps } from './deps.ts';
import { identify } from './context.ts';
import { guardEdge, identityFromAuthTest, processEventErrorHandler, refuseFutureTimestamps, unhandledRequestHandler } from './edge.ts';
import { t } from './i18n/index.ts';
import { eventsOnce } from './events-once.ts';
import { registerListeners } from './listeners/index.ts';
import { createDispatcher, type Dispatcher } from './outbox/dispatcher.ts';
import { renderers } from './outbox/renderers.ts';
import { refreshHomeAfterChange } from './screens/home.ts';

export interface Bot {
  app: App;
  mode: 'http' | 'socket';
  /** Delivers the outbox's notices; runs between start and stop. */
  dispatcher: Dispatcher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app in the same Express server as the console: HTTP mode at POST /slack/events, or Socket
 * Mode when SLACK_APP_TOKEN is set. Off (null) without a signing secret and a bot token.
 */
export function createBot(config: Config, domainDeps: BotDeps, web: Express): Bot | null {
  if (!config.SLACK_BOT_TOKEN || (!config.SLACK_SIGNING_SECRET && !config.SLACK_APP_TOKEN)) return null;
  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    // A stand-in answers at once; against real Slack a few retries ride out a blip.
    retryConfig: { retries: config.SLACK_API_URL ? 0 : 3 },
  };
  const dispatcher = outboxDispatcher(config, domainDeps);
  const deps: BotDeps = { ...domainDeps, outbox: dispatcher };
  // Who the bot token is (its workspace, the bot's ids): auth.test, asked at start and remembered. The
  // edge refuses requests from any other workspace; Bolt's context gets the bot's ids from it (given
  // a bare token, Bolt would call auth.test before every request's ack).
  const botToken = config.SLACK_BOT_TOKEN;
  const client = new webApi.WebClient(botToken, { ...clientOptions, logLevel: webApi.LogLevel.WARN });
  const identity = identityFromAuthTest(() => client.auth.test(), console);
  const authorize = async () => {
    const me = await identity.get();
    if (!me) throw new Error('the bot token is not known yet (auth.test failed)');
    return { botToken, ...(me.botId ? { botId: me.botId } : {}), ...(me.botUserId ? { botUserId: me.botUserId } : {}) };
  };
  let app: App;
  let mode: Bot['mode'];
  if (config.SLACK_APP_TOKEN) {
    mode = 'socket';
    app = new App({ authorize, appToken: config.SLACK_APP_TOKEN, socketMode: true, clientOptions, logLevel: LogLevel.WARN });
  } else {
    mode = 'http';
    // Before Bolt's signature check: a timestamp from the future is refused as a stale one is.
    const router = express.Router();
    router.post('/slack/events', refuseFutureTimestamps(console));
    const receiver = new ExpressReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET!,
      endpoints: '/slack/events',
      app: web,
      router,
      // Ack first, work after: a listener's slow part never holds Slack's 3 seconds.
      processBeforeResponse: false,
      processEventErrorHandler: processEventErrorHandler(HTTPModuleFunctions.defaultProcessEventErrorHandler),
      unhandledRequestHandler,
      logLevel: LogLevel.WARN,
    });
    app = new App({ authorize, receiver, clientOptions, logLevel: LogLevel.WARN });
  }
  // The app's own client carries the bot token (the console's Slack import uses it).
  app.client = client;
  // Every request is checked at the edge (src/bot/edge.ts): a Slack payload, from the bot's own
  // workspace, answered even when no listener does.
  guardEdge(app, { identity, mode, log: console, otherWorkspaceText: t({ locale: 'en', timezone: 'UTC' }, 'common.other_workspace') });
  app.use(kickOutbox(deps));
  app.use(eventsOnce(deps));
  app.use(identify(deps));
  app.use(refreshHomeAfterChange(deps));
  registerListeners(app, deps);
  app.error(async (e: Error) => {
    console.error('slack listener failed:', e);
  });
  return {
    app,
    mode,
    dispatcher,
    start: async () => {
      identity.load();
      if (mode === 'socket') await app.start();
      dispatcher.start();
    },
    stop: async () => {
      if (mode === 'socket') await app.stop();
      await dispatcher.stop();
    },
  };
}

/**
 * The outbox has its own Web API client: it retries and paces by itself, so the client must neither
 * retry nor wait out a 429. A call in flight keeps its row's lease (a heartbeat renews it); one that
 * takes 10 s is given up and its row looked for in the channel before it is posted again.
 */
function outboxDispatcher(config: Config, deps: BotDeps): Dispatcher {
  const client = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
  return createDispatcher({ db: deps.db, clock: deps.clock, client, renderers, paceMs: config.OUTBOX_PACE_MS });
}

/** After a listener's change, whatever notices it wrote go out at once instead of at the next poll. */
function kickOutbox(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ next }) => {
    try {
      await next();
    } finally {
      deps.outbox?.kick();
    }
  };
}
