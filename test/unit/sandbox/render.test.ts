import { describe, expect, it } from 'vitest';
import { visitModal } from '../../../src/bot/views/visit-modal.ts';
import { opportunityModal } from '../../../src/bot/views/opportunity-modal.ts';
import { mrkdwn } from '../../../src/sandbox/mrkdwn.ts';
import { blocks, message, modal, type RenderContext } from '../../../src/sandbox/render.ts';
import { actionOf, findElement, stateValues, withBlockIds, type Json } from '../../../src/sandbox/elements.ts';

// The sandbox draws the app's Block Kit on the server: what a person reads, with every text of the
// app escaped, and the values it sends back shaped as Slack shapes them.

const names: Record<string, string> = { U0REP1: 'Li Lei', U0EVIL: '<img src=x onerror=alert(1)>' };
const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  timezone: 'Asia/Shanghai',
  userName: (id) => names[id],
  people: [
    { id: 'U0REP1', name: 'Li Lei' },
    { id: 'U0SUP1', name: 'Han Meimei' },
  ],
  idPrefix: 't',
  ...over,
});
const md = (text: string) => mrkdwn(text, ctx()).value;
const en = { locale: 'en', timezone: 'Asia/Shanghai' } as const;

describe('mrkdwn', () => {
  it('bold, italic, strike, code, preformatted, quotes and line breaks', () => {
    expect(md('*Claim stores* and _soon_ ~gone~')).toBe('<strong>Claim stores</strong> and <em>soon</em> <s>gone</s>');
    expect(md('我的私海：*1 / 100* 家')).toBe('我的私海：<strong>1 / 100</strong> 家');
    expect(md('use `/crm help` now')).toBe('use <code>/crm help</code> now');
    expect(md('a\n```x *not bold* <b>\ny```')).toBe('a<br><pre>x *not bold* &lt;b&gt;\ny</pre>');
    expect(md('> quoted *words*\nafter')).toBe('<blockquote>quoted <strong>words</strong></blockquote>after');
    expect(md('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
  });

  it('links, mentions by name, channels, specials and entities', () => {
    expect(md('<https://example.com/a?b=1&amp;c=2|the *docs*>')).toBe('<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the *docs*</a>');
    expect(md('*<https://x.test|bold link>*')).toContain('<strong><a href="https://x.test"');
    expect(md('ask <@U0REP1> or <@U0NOBODY>')).toBe('ask <span class="sb-mention">@Li Lei</span> or <span class="sb-mention">@U0NOBODY</span>');
    expect(md('<#C0SALES|sales> <!here> <!date^1700000000^{date}|Nov 14>')).toBe('<span class="sb-mention">#sales</span> <span class="sb-mention">@here</span> Nov 14');
    expect(md('1 &lt; 2 &amp;&amp; 3 &gt; 2')).toBe('1 &lt; 2 &amp;&amp; 3 &gt; 2');
  });

  it('never lets the app’s text become markup', () => {
    expect(md('<script>alert(1)</script>')).not.toContain('<script');
    expect(md('&lt;img src=x onerror=alert(1)&gt;')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(md('<javascript:alert(1)|click>')).toBe('click');
    expect(md('hi <@U0EVIL>')).toBe('hi <span class="sb-mention">@&lt;img src=x onerror=alert(1)&gt;</span>');
    expect(md('<https://x.test/"onmouseover="a|x>')).toContain('href="https://x.test/&quot;onmouseover=&quot;a"');
  });
});

describe('blocks', () => {
  it('header, section with fields and a button accessory, context, divider, image, actions', () => {
    const out = blocks(
      [
        { type: 'header', text: { type: 'plain_text', text: '老王面馆 <b>' } },
        { type: 'section', block_id: 'card', text: { type: 'mrkdwn', text: '*Owner*' }, fields: [{ type: 'mrkdwn', text: '*Code*\nCRM1' }], accessory: { type: 'button', action_id: 'claim_store', text: { type: 'plain_text', text: 'Claim' }, value: '7', style: 'primary' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '_hint_' }, { type: 'image', image_url: 'https://x.test/i.png', alt_text: 'i' }] },
        { type: 'divider' },
        { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'chart' },
        {
          type: 'actions',
          block_id: 'row',
          elements: [
            { type: 'button', action_id: 'approval_reject', text: { type: 'plain_text', text: 'Reject' }, style: 'danger', confirm: { title: { type: 'plain_text', text: 'Reject?' }, text: { type: 'plain_text', text: 'It is final "really"' }, confirm: { type: 'plain_text', text: 'Reject' }, deny: { type: 'plain_text', text: 'Back' } } },
            { type: 'overflow', action_id: 'more', options: [{ text: { type: 'plain_text', text: 'History' }, value: 'h' }] },
            { type: 'datepicker', action_id: 'd', initial_date: '2026-12-01' },
          ],
        },
      ],
      ctx(),
    ).value;
    expect(out).toContain('<h3>老王面馆 &lt;b&gt;</h3>');
    expect(out).toContain('data-block-id="card"');
    expect(out).toContain('<strong>Code</strong><br>CRM1');
    expect(out).toMatch(/<button type="button" id="sb-t-\d+" class="sb-button primary" data-action-id="claim_store" data-type="button" data-dispatch="1"[^>]*>Claim<\/button>/);
    expect(out).toContain('<em>hint</em>');
    expect(out).toContain('<hr>');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('class="sb-button danger"');
    expect(out).toContain('data-confirm-title="Reject?" data-confirm-text="It is final &quot;really&quot;" data-confirm-ok="Reject" data-confirm-deny="Back"');
    expect(out).toContain('<select id="sb-t-');
    expect(out).toContain('class="sb-overflow"');
    expect(out).toContain('type="date" class="sb-date" data-action-id="d" data-type="datepicker" data-dispatch="1" value="2026-12-01"');
    // Blocks without an id get the one the payload will carry.
    expect(out).toContain('data-block-id="sb-2"');
  });

  it('a modal: labelled inputs, optional marks, hints, errors on their fields, close and submit', () => {
    const view = visitModal(en, { store: { id: 7, name: '老王面馆', code: 'CRM1' } });
    const out = modal({ id: 'V1', view }, [{ id: 'V1', view }], ctx({ errors: { nextFollowUpAt: 'The follow-up “昨天” is in the past.' } })).value;
    expect(out).toContain('data-view-id="V1"');
    expect(out).toMatch(/<label class="sb-label" for="(sb-t-\d+)">What happened<\/label>\s*<textarea id="\1"/);
    expect(out).toContain('data-type="external_select" data-min-query="1" data-value="7" data-text="老王面馆 · CRM1"');
    expect(out).toContain('type="radio" name="');
    expect(out).toMatch(/value="in_person" id="[^"]+" checked/);
    expect(out).toContain('<div class="sb-error" role="alert">The follow-up “昨天” is in the past.</div>');
    expect(out).toContain('sb-input sb-has-error');
    expect(out).toContain('data-submit="1">Log visit</button>');
    // The same view draws the same HTML (the page redraws only what changed).
    expect(modal({ id: 'V1', view }, [{ id: 'V1', view }], ctx({ errors: { nextFollowUpAt: 'The follow-up “昨天” is in the past.' } })).value).toBe(out);
  });

  it('selects, users, checkboxes, number, time and date-time pickers', () => {
    const out = blocks(
      [
        { type: 'input', block_id: 'who', label: { type: 'plain_text', text: 'To' }, element: { type: 'users_select', action_id: 'u', initial_user: 'U0SUP1' } },
        { type: 'input', block_id: 'p', label: { type: 'plain_text', text: 'Primary' }, optional: true, element: { type: 'checkboxes', action_id: 'c', options: [{ text: { type: 'plain_text', text: 'Yes' }, value: 'yes' }] } },
        { type: 'input', block_id: 'n', label: { type: 'plain_text', text: 'Days' }, element: { type: 'number_input', action_id: 'days', is_decimal_allowed: false, min_value: '1', max_value: '365' } },
        { type: 'input', block_id: 't', label: { type: 'plain_text', text: 'At' }, element: { type: 'timepicker', action_id: 'tp', initial_time: '15:00' } },
        { type: 'input', block_id: 'dt', label: { type: 'plain_text', text: 'When' }, element: { type: 'datetimepicker', action_id: 'dtp', initial_date_time: 1764054000 } },
        { type: 'input', block_id: 's', label: { type: 'plain_text', text: 'Stage' }, element: { type: 'static_select', action_id: 'st', option_groups: [{ label: { type: 'plain_text', text: 'Open' }, options: [{ text: { type: 'plain_text', text: 'Proposal' }, value: 'proposal' }] }] } },
      ],
      ctx(),
    ).value;
    expect(out).toContain('<option value="U0SUP1" selected>Han Meimei</option>');
    expect(out).toContain('type="checkbox"');
    expect(out).toContain('type="number" class="sb-text" data-action-id="days" data-type="number_input" placeholder="" value="" step="1" min="1" max="365"');
    expect(out).toContain('type="time" class="sb-time" data-action-id="tp" data-type="timepicker" value="15:00"');
    expect(out).toContain('value="2025-11-25T15:00"'); // 07:00 UTC is 15:00 in Shanghai
    expect(out).toContain('<optgroup label="Open"><option value="proposal">Proposal</option></optgroup>');
    expect(out).not.toContain('data-dispatch'); // inputs hold state; they do not act on change
  });

  it('a message: blocks or text, “only visible to you”, files', () => {
    const out = message(
      { channel: 'DU0REP1', ts: '1764054000.000001', text: 'Hi <@U0REP1> *there*', ephemeral: true, files: [{ id: 'F1', name: 'chart.png', title: 'Chart <1>', mimetype: 'image/png' }] },
      ctx(),
      { fileUrl: (id) => `/sandbox/files/${id}` },
    ).value;
    expect(out).toContain('data-surface="message" data-channel="DU0REP1" data-ts="1764054000.000001" data-ephemeral="1"');
    expect(out).toContain('Only visible to you');
    expect(out).toContain('2025-11-25 15:00');
    expect(out).toContain('Hi <span class="sb-mention">@Li Lei</span> <strong>there</strong>');
    expect(out).toContain('<img src="/sandbox/files/F1" alt="Chart &lt;1&gt;">');
  });

  it('an image shared with its alt text (for screen readers) and its title below it', () => {
    const out = message(
      { channel: 'DU0REP1', ts: '1764054000.000002', text: '', files: [{ id: 'F2', name: 'ranking.png', title: 'Weekly ranking', mimetype: 'image/png', altText: 'Bars: Li Lei 12 visits' }] },
      ctx(),
      { fileUrl: (id) => `/sandbox/files/${id}` },
    ).value;
    expect(out).toContain('<figure class="sb-file"><img src="/sandbox/files/F2" alt="Bars: Li Lei 12 visits"><figcaption>Weekly ranking</figcaption></figure>');
  });
});

describe('state values and actions, as Slack reports them', () => {
  const view = opportunityModal(en, {}) as Json;

  it('every input of a view, from what the person typed or left', () => {
    const values = stateValues(view.blocks, { storeId: { store_select: { value: '12', text: '老王面馆 · CRM1' } }, name: { opp_name: 'Trial order' }, amount: { opp_amount: '' }, expectedCloseAt: { opp_expected_close: '2026-12-31' } }, 'Asia/Shanghai');
    expect(values.storeId.store_select).toEqual({ type: 'external_select', selected_option: { text: { type: 'plain_text', text: '老王面馆 · CRM1', emoji: true }, value: '12' } });
    expect(values.name.opp_name).toEqual({ type: 'plain_text_input', value: 'Trial order' });
    expect(values.amount.opp_amount).toEqual({ type: 'plain_text_input', value: null });
    expect(values.expectedCloseAt.opp_expected_close).toEqual({ type: 'datepicker', selected_date: '2026-12-31' });
    // Untouched: the initial option, with its text, as Slack sends it.
    expect(values.stage.opp_stage.selected_option.value).toBe('initial_contact');
    expect(values.stage.opp_stage.selected_option.text.text).toBe('Initial contact');
  });

  it('a choice must be one of the element’s options; dates and times must be well formed', () => {
    const v = stateValues(view.blocks, { stage: { opp_stage: 'hacked' }, expectedCloseAt: { opp_expected_close: '31/12/2026' } }, 'Asia/Shanghai');
    expect(v.stage.opp_stage.selected_option).toBeNull();
    expect(v.expectedCloseAt.opp_expected_close.selected_date).toBeNull();
    const dt = stateValues([{ type: 'input', block_id: 'b', element: { type: 'datetimepicker', action_id: 'a' } }], { b: { a: '2025-11-25T15:00' } }, 'Asia/Shanghai');
    expect(dt.b.a).toEqual({ type: 'datetimepicker', selected_date_time: 1764054000 });
  });

  it('block_actions entries: a button with its value and text, an overflow or select with the option chosen', () => {
    const list = [
      { type: 'actions', block_id: 'approval:9', elements: [{ type: 'button', action_id: 'approval_approve', text: { type: 'plain_text', text: 'Approve' }, value: '9', style: 'primary' }] },
      { type: 'section', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'overflow', options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }] } },
    ];
    const button = findElement(list, 'approval:9', 'approval_approve')!;
    expect(actionOf(button, undefined, 'Asia/Shanghai')).toMatchObject({ type: 'button', block_id: 'approval:9', action_id: 'approval_approve', value: '9', style: 'primary', text: { text: 'Approve' } });
    const overflow = findElement(list, 'sb-1', 'sb-1-a0')!;
    expect(actionOf(overflow, 'a', 'Asia/Shanghai')).toMatchObject({ type: 'overflow', block_id: 'sb-1', selected_option: { value: 'a' } });
    expect(findElement(list, 'approval:9', 'approval_reject')).toBeUndefined();
    expect((withBlockIds(list)[1] as Json).block_id).toBe('sb-1');
  });
});
