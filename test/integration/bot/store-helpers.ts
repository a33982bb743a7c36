import { expect } from 'vitest';
import { TEAM, textOf, type Json, type SlackWorld } from '../../support/slack.ts';

// Helpers of the /store and /claim tests: commands and clicks with a response_url the test knows, and
// waits for what the app sends back through it or opens as a modal.

let n = 0;

export function helpers(s: SlackWorld) {
  const url = () => `${s.standin.url}/response/sc${++n}`;
  const pathOf = (u: string) => new URL(u).pathname;

  /** The first message posted to a response_url. */
  const response = async (u: string): Promise<Json> => (await s.standin.waitFor(() => s.standin.responses.find((r) => r.url === pathOf(u)))).body;
  const responses = (u: string) => s.standin.responses.filter((r) => r.url === pathOf(u)).map((r) => r.body);

  /** A slash command; the answer is what comes through its response_url (or the ack itself). */
  async function command(user: string, command: string, text = '') {
    const u = url();
    const reply = await s.command(user, command, text, { response_url: u });
    expect(reply.status).toBe(200);
    return { reply, url: u, answer: () => response(u) };
  }

  /** A button in a message the app posted (ephemeral unless told), with its own response_url. */
  async function click(user: string, action: Json, message: { ts?: string; blocks?: unknown[]; ephemeral?: boolean } = {}) {
    const u = url();
    const ts = message.ts ?? `${1700000000 + ++n}.000100`;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0SEABOARD',
      token: 'legacy',
      team: { id: TEAM, domain: 'seaboard' },
      trigger_id: `${++n}.${user}.trigger`,
      container: { type: 'message', message_ts: ts, channel_id: 'C0SALES', is_ephemeral: message.ephemeral ?? true },
      channel: { id: 'C0SALES', name: 'sales' },
      message: { type: 'message', ts, text: '', blocks: message.blocks ?? [] },
      response_url: u,
      actions: [{ type: 'button', block_id: 'b', action_ts: `${Date.now() / 1000}`, ...action }],
    };
    const reply = await s.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    expect(reply.status).toBe(200);
    return { reply, url: u, answer: () => response(u) };
  }

  /** Every button of some blocks. */
  const buttons = (blocks: Json[] | undefined): Json[] =>
    (blocks ?? []).flatMap((b) => [...(b.type === 'actions' ? b.elements : []), ...(b.accessory?.type === 'button' ? [{ ...b.accessory, block_id: b.block_id }] : [])]);
  const button = (blocks: Json[] | undefined, actionId: string, value?: string): Json => {
    const found = buttons(blocks).find((b) => b.action_id === actionId && (value === undefined || b.value === value));
    expect(found, `button ${actionId}`).toBeDefined();
    return found!;
  };
  /** A button as Slack sends it back in block_actions. */
  const pressed = (b: Json) => ({ action_id: b.action_id, block_id: b.block_id ?? 'b', value: b.value, text: b.text });

  /** The modal open for a user, once it has this callback id (a form replaces "Loading…"). */
  const modal = (user: string, callbackId: string) =>
    s.standin.waitFor(() => {
      const v = s.openView(user);
      return v && v.view.callback_id === callbackId ? v : null;
    });

  const text = (x: unknown) => textOf(x);
  const plain = (value: string | null) => ({ type: 'plain_text_input', value });
  const choice = (value: string, label = value) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: label } } });

  return { url, response, responses, command, click, buttons, button, pressed, modal, text, plain, choice };
}
