import type { App } from '@slack/bolt';
import type { BotDeps } from '../../deps.ts';
import { registerLogAsVisitShortcut } from './log-as-visit.ts';

/** Message shortcuts (manifest.yml): "Log as visit". */
export function registerShortcuts(app: App, deps: BotDeps): void {
  registerLogAsVisitShortcut(app, deps);
}
