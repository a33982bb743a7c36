import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ids } from '../../../src/bot/ids.ts';

// The schema is Slack's own (slackapi/manifest-schema, schemas/manifest.schema.1.0.0.json).
const schema = JSON.parse(readFileSync('test/fixtures/slack-manifest.schema.json', 'utf8'));
const manifest = parse(readFileSync('manifest.yml', 'utf8'));

describe('manifest.yml', () => {
  it('is a valid Slack app manifest', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.validate(schema, manifest);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares every command, the shortcut, the Home tab and one endpoint for everything', () => {
    const commands = manifest.features.slash_commands.map((c: { command: string }) => c.command).sort();
    expect(commands).toEqual(Object.values(ids.commands).sort());
    expect(manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id)).toEqual([ids.shortcuts.logAsVisit]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    const urls = new Set([
      ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ]);
    expect([...urls]).toEqual(['https://seaboard.example.com/slack/events']);
  });
});
