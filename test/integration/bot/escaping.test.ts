import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitIds } from '../../../src/bot/views/visit-modal.ts';
import { slackWorld, type Json, type SlackWorld } from '../../support/slack.ts';
import { openOppModal, oppValues } from './opp-values.ts';

// Issue 12, point 8: what people typed reaches Slack escaped (`&`, `<`, `>`) in every text, the
// notification's fallback `text` included: a name like `<!here> <https://evil.example|Approve here>`
// must neither ping a channel nor become a link. Read from the stand-in, as Slack would get it.

const EVIL = '<!here> <https://evil.example/login|Approve here> & co';
const ESCAPED = '&lt;!here&gt; &lt;https://evil.example/login|Approve here&gt; &amp; co';
/** Slack markup that would act: a mention of a channel or group, or a link. */
const LIVE = /<[!@#]|<https?:/;

let s: SlackWorld;
beforeAll(async () => {
  s = await slackWorld();
});
afterAll(async () => s.close());

/** Every `text` the app gave Slack since `from` calls and `fromResponses` response_url posts. */
function textsSince(from: number, fromResponses: number): string[] {
  const calls = s.standin.calls.slice(from).filter((c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method));
  return [...calls.map((c) => String(c.args.text ?? '')), ...s.standin.responses.slice(fromResponses).map((r) => String(r.body.text ?? ''))];
}
const mark = () => [s.standin.calls.length, s.standin.responses.length] as const;
const drain = () => s.running.bot!.dispatcher.drain();

describe('notices and answers that quote what people typed', () => {
  it('an opportunity’s name: escaped in the notices it makes, their fallback text included', async () => {
    const [calls, responses] = mark();
    const view = await openOppModal(s, 'U0REP1');
    const reply = await s.submit('U0REP1', view, oppValues({ store: (await s.w.store('Sunny Cafe')).id, name: EVIL }));
    expect(reply.body).toBeNull();
    await drain();
    const texts = textsSince(calls, responses);
    // The rep's "registered" notice quotes the name; the supervisor got a card.
    const posted = s.standin.calls.slice(calls).filter((c) => c.method === 'chat.postMessage').map((c) => c.args.channel);
    expect(posted).toEqual(expect.arrayContaining(['U0REP1', 'U0SUP1']));
    expect(texts.some((t) => t.includes(ESCAPED))).toBe(true);
    for (const t of texts) expect(t).not.toMatch(LIVE);
    // The blocks were escaped already; still so.
    for (const c of s.standin.calls.slice(calls)) if (c.args.blocks) expect(JSON.stringify(c.args.blocks)).not.toMatch(LIVE);
  });

  it('a store’s name: escaped in its card’s text and in the visit confirmation', async () => {
    const store = await s.w.store('外婆家（湖滨店）'); // Sam Carter's
    await s.w.db.store.update({ where: { id: store.id }, data: { name: EVIL } });
    const [calls, responses] = mark();
    const card = await s.command('U0REP2', '/store', store.code);
    expect(card.status).toBe(200);
    const answer = await s.standin.waitFor(() => s.standin.responses.slice(responses).find((r) => String(r.body.text ?? '').includes('Approve here')));
    expect(answer.body.text).toContain(ESCAPED);

    const a = visitIds.actions;
    await s.command('U0REP2', '/visit', store.code);
    const view = await s.standin.waitFor(() => {
      const v = s.openView('U0REP2');
      return v && v.view.callback_id === 'log_visit' ? v : undefined;
    });
    const opt = (v: string) => ({ text: { type: 'plain_text', text: v }, value: v });
    const submitted = await s.submit('U0REP2', { ...view.view, hash: view.hash }, {
      storeId: { [a.store]: { type: 'external_select', selected_option: opt(String(store.id)) } },
      method: { [a.method]: { type: 'radio_buttons', selected_option: opt('in_person') } },
      summary: { [a.summary]: { type: 'plain_text_input', value: 'Tasting' } },
    } as Json);
    expect(submitted.body).toBeNull();
    await drain();
    const texts = textsSince(calls, responses);
    expect(texts.filter((t) => t.includes('Approve here')).length).toBeGreaterThanOrEqual(2);
    for (const t of texts) expect(t).not.toMatch(LIVE);
  });

  it('what was typed after a command, echoed back', async () => {
    const [calls, responses] = mark();
    const crm = await s.command('U0REP2', '/crm', '<!channel> hi');
    expect((crm.body as Json).text).toContain('&lt;!channel&gt; hi');
    await s.command('U0REP2', '/store', '<!here> nothing like this');
    await s.standin.waitFor(() => s.standin.responses.slice(responses).find((r) => String(r.body.text ?? '').includes('nothing like this')));
    for (const t of [...textsSince(calls, responses), String((crm.body as Json).text)]) expect(t).not.toMatch(LIVE);
  });
});
