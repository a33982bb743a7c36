import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerAppHome } from './app-home.ts';

/** Events the app subscribes to (manifest.yml): app_home_opened. */
export function registerEvents(app: App, deps: BotDeps): void {
  registerAppHome(app, deps);
}
