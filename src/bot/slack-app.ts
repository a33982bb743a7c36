import type { App } from '@slack/bolt';

/** The Bolt app the listeners register on (made in app.ts; a type of its own, so that listeners do not import app.ts). */
export type SlackApp = App;
