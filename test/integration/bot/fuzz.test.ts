import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ids } from '../../../src/bot/ids.ts';
import { FORM, formBody } from '../../../src/slack-standin/payloads.ts';
import { fingerprint } from '../../support/db-fingerprint.ts';
import { slackWorld, TEAM, type Json, type SlackWorld } from '../../support/slack.ts';
import { slackIds } from '../../support/world.ts';

// Issue 12, point 6: correctly signed but malformed Slack requests. Mutated copies of the payloads
// Slack's own SDK tests use (test/fixtures/slack-payloads, from ../shared/slack/payloads) are sent to
// POST /slack/events, signed. Every one must be answered at once (200, or 400 for a body that is not a
// Slack payload), nothing may be written, and the server must live on. The mutations are drawn from
// a fixed seed: a failure is replayed by running the file again.

const SEED = 0x5eab0a2d;
const CASES = 320;
const SLOW_MS = 1000;

/** Mulberry32: small, fast, and the same sequence everywhere. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const dir = new URL('../../fixtures/slack-payloads/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('socket_mode'));
const commandForm = Object.fromEntries(new URLSearchParams(readFileSync(new URL('slash_command.form.txt', dir), 'utf8').trim()));

// People of the example company (test/support/world.ts), and one Slack knows but Seaboard does not.
const USERS = [slackIds.rep1, slackIds.rep2, slackIds.sup1, slackIds.mgrWest, slackIds.admin, 'U0STRANGER'];
// Listeners to aim at: those that only read (open a modal, draw a list or a card); the ones that
// write (claim, approve, done, snooze) would make "nothing written" a matter of luck.
const ACTIONS = [
  ids.actions.openStore, ids.actions.claimPage, ids.actions.addContact, ids.actions.history, ids.actions.transfer, ids.actions.extend,
  ids.actions.setStatus, ids.actions.createStore, ids.actions.useDuplicate, ids.actions.homeRefresh, ids.actions.homeClaim,
  ids.actions.logVisit, ids.actions.homeLogVisit, ids.actions.newOpportunity, ids.actions.openApproval, ids.actions.approvalsPage,
  ids.actions.openSign, ids.actions.openTerminate, ids.actions.openRequestTransfer, ids.actions.openRequestExtend, ids.actions.openResubmit,
  ids.actions.returnRequest, ids.actions.rejectRequest, 'unknown_action',
];
const VIEWS = [...Object.values(ids.views), 'unknown_view'];
const COMMANDS = [...Object.values(ids.commands), '/unknown'];
const METADATA = ['{"s":1}', '{"s":2,"r":"http://127.0.0.1:9/nowhere"}', '{"f":1}', '{"id":1}', '{"id":1,"f":"sign"}', '{"s":1,"d":"return"}', '{"s":1,"d":"reject"}'];
const OPTIONS = [ids.actions.storeSelect, 'person_search', 'transfer_person_search', 'unknown_select'];

const JUNK: readonly unknown[] = [
  null, 0, -1, 1e308, 12345678901234567890, true, false, '', ' ', 'x'.repeat(5000), '<!here> <https://evil.example|x> &amp;',
  '老王面馆', '\u0000\u202e', 'NaN', '[object Object]', '{"s":1}', '1', '1:tomorrow', 'http://127.0.0.1:9/nowhere', 'javascript:alert(1)',
  [], [1, 2], [null], {}, { id: 1 }, { id: { id: 'U0REP1' } }, JSON.parse('{"__proto__":{"polluted":true}}'), { type: 'plain_text', text: 7 },
];
/** A fresh copy of a junk value (an own `__proto__` key survives the copy). */
const copy = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const KEYS = ['__proto__', 'constructor', 'prototype', 'type', 'user', 'actions', 'view', 'event', 'command', 'name', 'state', 'values', 'function_data', 'bot_access_token'];

/** Our own ids in a fixture: the team, a person, a reachable response_url, a trigger the stand-in can read. */
function adapt(payload: Json, r: Rng, s: SlackWorld, n: number): Json {
  const user = r.pick(USERS);
  const url = `${s.standin.url}/response/fuzz${n}`;
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
      if (key === 'team') out.id = TEAM;
      if (key === 'user' && typeof out.id === 'string') out.id = user;
      return out;
    }
    if (typeof v !== 'string') return v;
    if (['team_id', 'app_installed_team_id'].includes(key) && v) return TEAM;
    if (key === 'response_url') return url;
    if (key === 'trigger_id') return `${n}.${user}.trigger`;
    if (key === 'user' && /^[UW]/.test(v)) return user;
    return v;
  };
  const p = walk(payload, '') as Json;
  delete p.enterprise;
  delete p.enterprise_id;
  if (Array.isArray(p.authorizations)) p.authorizations = [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }];
  // Most cases aim at a listener of ours; the rest keep Slack's sample ids, which nothing here answers.
  // with the values and metadata our buttons and modals carry (a store, a follow-up, a request id).
  if (r.next() < 0.75) {
    if (Array.isArray(p.actions) && p.actions[0]) {
      p.actions[0].action_id = r.pick(ACTIONS);
      if (r.next() < 0.6) p.actions[0].value = String(1 + r.int(5));
    }
    if (p.type === 'block_suggestion') p.action_id = r.pick(OPTIONS);
    if (p.view && typeof p.view === 'object' && p.type !== 'block_actions') {
      p.view.callback_id = r.pick(VIEWS);
      if (r.next() < 0.6) p.view.private_metadata = r.pick(METADATA);
    }
  }
  return p;
}

/** Every path to a value in a JSON tree. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** One random change: a value replaced, a key dropped or added, an array emptied or doubled. */
function mutate(p: Json, r: Rng): void {
  // The event id is the redelivery key: another id is another event, which is recorded (and so written).
  const all = paths(p).filter((x) => x.length > 0 && !(x.length === 1 && x[0] === 'event_id'));
  const path = r.pick(all);
  const parent = path.slice(0, -1).reduce<Json>((o, k) => o[k as string], p);
  const key = path.at(-1)!;
  const junk = () => copy(r.pick(JUNK));
  switch (r.int(5)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 1:
      parent[key as string] = junk();
      break;
    case 2: {
      const v = parent[key as string];
      parent[key as string] = typeof v === 'string' ? (r.next() < 0.5 ? Number(v) || 1 : `${v}${'\u{1F600}'.repeat(r.int(3))}<>&`) : typeof v === 'number' ? String(v) : Array.isArray(v) ? (r.next() < 0.5 ? [] : [...v, ...v]) : v && typeof v === 'object' ? (r.next() < 0.5 ? {} : JSON.stringify(v)) : junk();
      break;
    }
    case 3:
      if (parent && typeof parent === 'object' && !Array.isArray(parent)) Object.defineProperty(parent, r.pick(KEYS), { value: junk(), enumerable: true, configurable: true, writable: true });
      break;
    default:
      p[r.pick(KEYS)] = junk();
  }
}

interface Request {
  body: string;
  contentType: string;
  label: string;
}

/** A slash command as form fields, mutated as a form can be: fields dropped, repeated, or odd. */
function commandCase(r: Rng, s: SlackWorld, n: number): Request {
  const user = r.pick(USERS);
  const fields: [string, string][] = Object.entries({
    ...commandForm,
    team_id: TEAM,
    user_id: user,
    command: r.pick(COMMANDS),
    text: r.pick(['', 'help', '老王', 'today', 'pool', 'approvals', 'list', 'x'.repeat(300)]),
    response_url: `${s.standin.url}/response/fuzz${n}`,
    trigger_id: `${n}.${user}.trigger`,
  });
  for (let i = 1 + r.int(2); i > 0; i--) {
    const j = r.int(fields.length);
    const k = r.int(4);
    if (k === 0) fields.splice(j, 1);
    else if (k === 1) fields.push([fields[j]![0], String(r.pick(JUNK))]);
    else if (k === 2) fields[j] = [fields[j]![0], String(r.pick(JUNK))];
    else fields.push([r.pick(['payload', 'event', 'actions', 'ssl_check', '__proto__']), String(r.pick(JUNK))]);
  }
  const body = new URLSearchParams(fields).toString();
  return { body, contentType: FORM, label: `command ${body.slice(0, 200)}` };
}

/** A JSON payload: interactivity as `payload=` in a form, events as a JSON body; now and then the wrong one. */
function payloadCase(r: Rng, s: SlackWorld, n: number): Request {
  const name = r.pick(fixtures);
  const p = adapt(JSON.parse(readFileSync(new URL(name, dir), 'utf8')), r, s, n);
  for (let i = 1 + r.int(3); i > 0; i--) mutate(p, r);
  const json = JSON.stringify(p);
  const event = p.type === 'event_callback' || p.type === 'url_verification';
  const flip = r.next() < 0.05;
  if (event !== flip) return { body: json, contentType: 'application/json', label: `${name} ${json.slice(0, 300)}` };
  return { body: formBody({ payload: r.next() < 0.03 ? json.slice(0, json.length >> 1) : json }), contentType: FORM, label: `${name} payload=${json.slice(0, 300)}` };
}

let s: SlackWorld;
const crashes: unknown[] = [];
const onCrash = (e: unknown) => crashes.push(e);

beforeAll(async () => {
  s = await slackWorld();
  s.standin.addUser({ id: 'U0STRANGER', name: 'Stranger', locale: 'en-US' });
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await s.close();
});

describe('malformed but correctly signed Slack requests (fuzz)', () => {
  it(`answers ${CASES} mutated real payloads at once, writes nothing, and lives on`, async () => {
    const quiet = [vi.spyOn(console, 'warn').mockImplementation(() => undefined), vi.spyOn(console, 'error').mockImplementation(() => undefined), vi.spyOn(console, 'log').mockImplementation(() => undefined)];
    try {
      const r = rng(SEED);
      // The events of the corpus once as Slack sends them: their ids are then known, and a mutated
      // copy is a redelivery (answered, not recorded again).
      for (const f of fixtures.filter((x) => x.startsWith('event_callback'))) {
        const base = adapt(JSON.parse(readFileSync(new URL(f, dir), 'utf8')), rng(SEED), s, 0);
        expect((await s.post(JSON.stringify(base), 'application/json')).status).toBe(200);
      }
      await new Promise((done) => setTimeout(done, 300));
      await s.running.bot!.dispatcher.drain();
      const before = await fingerprint(s.w.database);

      const statuses = new Map<number, number>();
      for (let n = 1; n <= CASES; n++) {
        const req = r.next() < 0.2 ? commandCase(r, s, n) : payloadCase(r, s, n);
        const reply = await s.post(req.body, req.contentType);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect([200, 400], `case ${n}: ${req.label}`).toContain(reply.status);
        expect(reply.ms, `case ${n} took ${Math.round(reply.ms)} ms: ${req.label}`).toBeLessThan(SLOW_MS);
      }
      // Both answers occur: the corpus reaches listeners, and refusals.
      expect(statuses.get(200)).toBeGreaterThan(CASES / 5);
      expect(statuses.get(400)).toBeGreaterThan(CASES / 10);

      // Whatever listeners do after their ack (a modal, a list) ends; nothing of it is a write.
      await new Promise((done) => setTimeout(done, 500));
      await s.running.bot!.dispatcher.drain();
      expect(await fingerprint(s.w.database)).toEqual(before);
    } finally {
      for (const spy of quiet) spy.mockRestore();
    }
    expect(crashes).toEqual([]);
    // Alive, and still answering as before.
    expect((await fetch(`${s.running.url}/healthz`)).status).toBe(200);
    const help = await s.command('U0REP2', '/crm', 'help');
    expect(help.status).toBe(200);
    expect((help.body as { text: string }).text).toContain('/visit');
  }, 60_000);
});
