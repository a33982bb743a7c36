import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';

// A local stand-in for the parts of Slack's Web API the app calls, behind SLACK_API_URL. It keeps
// what Slack would show (messages per channel, ephemeral messages, open views, each person's Home)
// and records every call, so that tests assert what a user would see and the sandbox can render it.

export interface RecordedCall {
  /** A Web API method, or `upload`: the bytes of a file POSTed to its upload URL. */
  method: string;
  args: Record<string, any>;
  /** Epoch milliseconds, sub-millisecond precise. */
  at: number;
  /** The HTTP status it was answered with (0: the connection was dropped). */
  status?: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  user?: string; // ephemeral: who sees it
  ephemeral?: boolean;
  threadTs?: string;
  /** Slack message metadata (`{ event_type, event_payload }`), as given to chat.postMessage. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Files shared with the message (files.completeUploadExternal). */
  files?: StoredFile[];
}

/** A file uploaded through files.getUploadURLExternal → the upload URL → files.completeUploadExternal. */
export interface StoredFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  altText?: string;
  /** The bytes posted to the upload URL; null until then. */
  content: Buffer | null;
  completed: boolean;
}

/** Who a response_url was issued to, and the message its `replace_original` / `delete_original` act on. */
export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message the click came from (none for a slash command). */
  source?: { channel: string; ts: string };
}

export interface StoredView {
  id: string;
  hash: string;
  user: string | null;
  view: Record<string, any>;
  rootViewId: string;
  previousViewId: string | null;
  closed: boolean;
}

export interface SlackUser {
  id: string;
  name: string;
  locale?: string;
  tz?: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

/**
 * Injected faults for failure tests: the next N calls (of a method, or any) answer this way. `reset`
 * does the call and then drops the connection unanswered: the caller cannot tell whether it happened.
 */
export interface Fault {
  method?: string;
  status: 500 | 429 | 503 | 'reset';
  retryAfter?: number;
  times: number;
}

/** A share of calls (of a method, or any) that fail, drawn from a seeded sequence so that runs repeat. */
export interface RateFault {
  method?: string;
  status: 500 | 429 | 503;
  /** 0–1: the chance that one call fails. */
  rate: number;
  retryAfter?: number;
  seed?: number;
}

/** mulberry32: a small seeded generator, enough to spread faults evenly and repeatably. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: Args;
  /** Done, but the connection is dropped instead of answered. */
  drop?: boolean;
}

type Args = Record<string, any>;

function parseArgs(req: Request): Args {
  const body: Args = typeof req.body === 'object' && req.body !== null ? { ...req.body } : {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && /^[[{]/.test(v.trim())) {
      try {
        body[k] = JSON.parse(v);
      } catch {
        // a text that merely starts with a bracket
      }
    }
  }
  return body;
}

function failure(status: 500 | 429 | 503, retryAfter = 1): Answer {
  return status === 429
    ? { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } }
    : { status, body: { ok: false, error: 'internal_error' } };
}

const mimetypes: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp', pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain', json: 'application/json' };
/** Slack guesses a file's type from its name. */
export const mimetypeOf = (name: string): string => mimetypes[/\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** The outbox dedupe key a message carries in its metadata (Seaboard's outbox posts do), or null. */
export function outboxKeyOf(m: { metadata?: StoredMessage['metadata'] }): string | null {
  const key = m.metadata?.event_type === 'seaboard_outbox' ? m.metadata.event_payload.key : undefined;
  return typeof key === 'string' ? key : null;
}

export class SlackStandin {
  readonly calls: RecordedCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly views = new Map<string, StoredView>();
  readonly homes = new Map<string, StoredView>();
  readonly responses: { url: string; body: Args; at: number }[] = [];
  readonly users = new Map<string, SlackUser>();
  private faults: Fault[] = [];
  private rateFaults: { fault: RateFault; next: () => number }[] = [];
  private downStatus: 500 | 503 | null = null;
  private seq = 0;
  private server: Server | null = null;
  private listeners = new Set<() => void>();
  private responseTargets = new Map<string, ResponseTarget>();
  readonly files = new Map<string, StoredFile>();
  /** Counts every change of what users see: a reader polls for a newer version. */
  version = 0;
  url = '';

  addUser(u: SlackUser): void {
    this.users.set(u.id, u);
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** From now on, a share of the calls fails (until `clearFaults`). */
  injectRate(fault: RateFault): void {
    this.rateFaults.push({ fault: { ...fault }, next: seeded(fault.seed ?? 1) });
  }

  /** Slack is down: every call answers this status until `up()`. */
  down(status: 500 | 503 = 503): void {
    this.downStatus = status;
  }

  up(): void {
    this.downStatus = null;
  }

  clearFaults(): void {
    this.faults = [];
    this.rateFaults = [];
    this.downStatus = null;
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private nextViewId(): string {
    this.seq += 1;
    return `V${String(this.seq).padStart(8, '0')}`;
  }

  /** The DM channel of a user is D + their id, as stable as Slack's. */
  private channelOf(channel: string): string {
    return /^[UW]/.test(channel) ? `D${channel}` : channel;
  }

  /** The user a trigger_id was issued to (the test client and the sandbox issue `n.USER.trigger`). */
  private triggerUser(triggerId: unknown): string | null {
    return typeof triggerId === 'string' ? (triggerId.split('.')[1] ?? null) : null;
  }

  private saveView(v: Args, user: string | null, previous: StoredView | null, replace?: StoredView): StoredView {
    const id = replace?.id ?? this.nextViewId();
    this.seq += 1;
    const stored: StoredView = {
      id,
      hash: `${Date.now()}.${this.seq}`,
      user: replace?.user ?? user,
      view: { ...v, id },
      rootViewId: replace?.rootViewId ?? previous?.rootViewId ?? id,
      previousViewId: replace?.previousViewId ?? previous?.id ?? null,
      closed: false,
    };
    this.views.set(id, stored);
    return stored;
  }

  private viewResponse(s: StoredView): Args {
    return { ok: true, view: { ...s.view, id: s.id, hash: s.hash, root_view_id: s.rootViewId, previous_view_id: s.previousViewId, state: { values: {} } } };
  }

  /** Answers one Web API method as Slack would. */
  call(method: string, args: Args): Answer {
    const call: RecordedCall = { method, args, at: performance.timeOrigin + performance.now() };
    this.calls.push(call);
    const fault = this.faultFor(method);
    const out = fault === 'reset' ? { ...this.answer(method, args), drop: true } : (fault ?? this.answer(method, args));
    call.status = out.drop ? 0 : out.status;
    return out;
  }

  /** The injected failure this call gets, if any: down, then the next-N faults, then the rate faults. */
  private faultFor(method: string): Answer | 'reset' | null {
    const matches = (m?: string) => !m || m === method;
    if (this.downStatus) return failure(this.downStatus);
    const fault = this.faults.find((f) => f.times > 0 && matches(f.method));
    if (fault) {
      fault.times -= 1;
      this.faults = this.faults.filter((f) => f.times > 0);
      return fault.status === 'reset' ? 'reset' : failure(fault.status, fault.retryAfter);
    }
    for (const r of this.rateFaults) {
      if (matches(r.fault.method) && r.next() < r.fault.rate) return failure(r.fault.status, r.fault.retryAfter);
    }
    return null;
  }

  private answer(method: string, args: Args): Answer {
    const ok = (body: Args = {}) => ({ status: 200, body: { ok: true, ...body } });
    const fail = (error: string) => ({ status: 200, body: { ok: false, error } });
    switch (method) {
      case 'auth.test':
        return ok({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0SEABOARD', team: 'Seaboard', url: 'http://localhost/' });
      case 'chat.postMessage': {
        if (!args.channel) return fail('channel_not_found');
        if (!args.text && !args.blocks) return fail('no_text');
        const m: StoredMessage = { channel: this.channelOf(args.channel), ts: this.nextTs(), text: args.text, blocks: args.blocks, threadTs: args.thread_ts, ...(args.metadata ? { metadata: args.metadata } : {}) };
        this.messages.push(m);
        return ok({ channel: m.channel, ts: m.ts, message: { text: m.text, blocks: m.blocks, ts: m.ts, ...(m.metadata ? { metadata: m.metadata } : {}) } });
      }
      case 'chat.update': {
        const m = this.messages.find((x) => x.channel === args.channel && x.ts === args.ts && !x.ephemeral);
        if (!m) return fail('message_not_found');
        if (args.text !== undefined) m.text = args.text;
        if (args.blocks !== undefined) m.blocks = args.blocks;
        if (args.metadata !== undefined) m.metadata = args.metadata;
        return ok({ channel: m.channel, ts: m.ts, text: m.text });
      }
      case 'chat.postEphemeral': {
        if (!args.channel || !args.user) return fail('channel_not_found');
        const m: StoredMessage = { channel: this.channelOf(args.channel), ts: this.nextTs(), text: args.text, blocks: args.blocks, user: args.user, ephemeral: true };
        this.messages.push(m);
        return ok({ message_ts: m.ts });
      }
      case 'chat.delete': {
        const i = this.messages.findIndex((x) => x.channel === args.channel && x.ts === args.ts);
        if (i < 0) return fail('message_not_found');
        this.messages.splice(i, 1);
        return ok({ channel: args.channel, ts: args.ts });
      }
      case 'views.open': {
        if (!args.trigger_id) return fail('invalid_trigger_id');
        if (!args.view) return fail('invalid_arguments');
        // A person sees one modal stack at a time: a new one replaces whatever was left open.
        const user = this.triggerUser(args.trigger_id);
        for (const v of this.views.values()) if (user && v.user === user && !v.closed && v.view.type === 'modal') v.closed = true;
        return ok(this.viewResponse(this.saveView(args.view, user, null)));
      }
      case 'views.push': {
        const user = this.triggerUser(args.trigger_id);
        const top = [...this.views.values()].reverse().find((v) => v.user === user && !v.closed) ?? null;
        const depth = top ? this.stackOf(top).length : 0;
        if (depth >= 3) return fail('push_limit_reached');
        return ok(this.viewResponse(this.saveView(args.view, user, top)));
      }
      case 'views.update': {
        const current = args.view_id ? this.views.get(args.view_id) : [...this.views.values()].find((v) => v.view.external_id === args.external_id);
        if (!current) return fail('not_found');
        if (args.hash && args.hash !== current.hash) return fail('hash_conflict');
        return ok(this.viewResponse(this.saveView(args.view, current.user, null, current)));
      }
      case 'views.publish': {
        if (!args.user_id) return fail('invalid_arguments');
        const previous = this.homes.get(args.user_id);
        const stored = this.saveView(args.view, args.user_id, null, previous);
        this.homes.set(args.user_id, stored);
        return ok(this.viewResponse(stored));
      }
      case 'users.info': {
        const u = this.users.get(args.user);
        if (!u) return fail('user_not_found');
        return ok({ user: { id: u.id, name: u.name, real_name: u.name, tz: u.tz ?? 'Asia/Shanghai', ...(args.include_locale ? { locale: u.locale ?? 'en-US' } : {}) } });
      }
      case 'users.list':
        return this.usersList(args);
      case 'conversations.history':
        return this.history(args);
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (!args.filename || !Number.isSafeInteger(length) || length <= 0) return fail('invalid_arguments');
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        const name = String(args.filename);
        // The method's docs call the alt text `alt_txt`; Slack's Node SDK sends `alt_text`.
        const alt = args.alt_txt ?? args.alt_text;
        this.files.set(id, { id, name, title: name, mimetype: mimetypeOf(name), size: length, ...(alt ? { altText: String(alt) } : {}), content: null, completed: false });
        return ok({ upload_url: `${this.url}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      case 'conversations.open': {
        const user = String(args.users ?? '').split(',')[0];
        if (!user) return fail('users_not_found');
        return ok({ channel: { id: `D${user}` } });
      }
      default:
        return fail('unknown_method');
    }
  }

  /**
   * The workspace's members as Slack lists them: `limit` at a time (Slack's default page is 0 = "as
   * many as fit", here 100) with an opaque cursor; the locale only with `include_locale`.
   */
  private usersList(args: Args): Answer {
    const all = [...this.users.values()];
    const limit = Math.min(Math.max(Number(args.limit ?? 0) || 100, 1), 1000);
    const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().replace(/^user:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) return { status: 200, body: { ok: false, error: 'invalid_cursor' } };
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const withLocale = args.include_locale === true || args.include_locale === 'true';
    const members = page.map((u) => ({
      id: u.id,
      team_id: 'T0SEABOARD',
      name: u.name.toLowerCase().replace(/\s+/g, '.'),
      real_name: u.name,
      deleted: u.deleted ?? false,
      is_bot: u.isBot ?? false,
      tz: u.tz ?? 'Asia/Shanghai',
      ...(withLocale ? { locale: u.locale ?? 'en-US' } : {}),
      profile: { real_name: u.name, display_name: u.name, ...(u.email ? { email: u.email } : {}) },
    }));
    return { status: 200, body: { ok: true, members, response_metadata: { next_cursor: more ? Buffer.from(`user:${start + limit}`).toString('base64') : '' } } };
  }

  /**
   * A channel's messages as Slack lists them: newest first, between `oldest` and `latest` (both
   * exclusive unless `inclusive`), `limit` at a time with a cursor; metadata only when asked for.
   * Ephemeral messages and thread replies are not in a channel's history.
   */
  private history(args: Args): Answer {
    if (!args.channel) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    const channel = this.channelOf(String(args.channel));
    const oldest = Number(args.oldest ?? 0);
    const latest = args.latest === undefined ? Infinity : Number(args.latest);
    const inclusive = args.inclusive === true || args.inclusive === 'true';
    const inRange = (ts: number) => (inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest);
    const all = this.messages
      .filter((m) => m.channel === channel && !m.ephemeral && (!m.threadTs || m.threadTs === m.ts) && inRange(Number(m.ts)))
      .sort((a, b) => Number(b.ts) - Number(a.ts));
    const limit = Math.min(Math.max(Number(args.limit ?? 100), 1), 999);
    const start = Number(args.cursor ?? 0) || 0;
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return {
      status: 200,
      body: {
        ok: true,
        messages: page.map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          blocks: m.blocks,
          ...(m.files ? { files: m.files.map((f) => this.fileObject(f)), upload: true } : {}),
          ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
        })),
        has_more: more,
        response_metadata: { next_cursor: more ? String(start + limit) : '' },
      },
    };
  }

  /**
   * files.completeUploadExternal: every file must have been uploaded; with a channel, one message shares
   * them, as Slack does: the initial comment as its text, else its blocks (Slack ignores the blocks when
   * there is a comment). The answer says where each file was shared (`shares`), the message is in the
   * channel's history with the files.
   */
  private completeUpload(args: Args): Answer {
    const list: Args[] = Array.isArray(args.files) ? args.files : [];
    if (!list.length) return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
    const files: StoredFile[] = [];
    for (const f of list) {
      const file = this.files.get(String(f?.id));
      if (!file || !file.content) return { status: 200, body: { ok: false, error: 'file_not_found' } };
      files.push(file);
    }
    for (const [i, file] of files.entries()) {
      file.completed = true;
      if (list[i]?.title) file.title = String(list[i]!.title);
    }
    let shared: StoredMessage | null = null;
    if (args.channel_id) {
      const comment = typeof args.initial_comment === 'string' && args.initial_comment !== '' ? args.initial_comment : null;
      shared = {
        channel: this.channelOf(String(args.channel_id)),
        ts: this.nextTs(),
        text: comment ?? '',
        ...(!comment && args.blocks ? { blocks: args.blocks } : {}),
        ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
        files,
      };
      this.messages.push(shared);
    }
    const shares = (m: StoredMessage) => ({ [m.channel.startsWith('C') ? 'public' : 'private']: { [m.channel]: [{ ts: m.ts, ...(m.threadTs ? { thread_ts: m.threadTs } : {}) }] } });
    return { status: 200, body: { ok: true, files: files.map((f) => ({ ...this.fileObject(f), ...(shared ? { shares: shares(shared) } : {}) })) } };
  }

  /** A file as the Web API describes it (in an answer, in a message of a channel's history). */
  private fileObject(f: StoredFile): Args {
    return { id: f.id, name: f.name, title: f.title, mimetype: f.mimetype, filetype: /\.([a-z0-9]+)$/i.exec(f.name)?.[1]?.toLowerCase() ?? 'binary', size: f.content?.length ?? f.size, url_private: `${this.url}/files/${f.id}`, ...(f.altText ? { alt_txt: f.altText } : {}) };
  }

  /** Bytes posted to an upload URL: raw, form-encoded (`body`), or a multipart file. */
  private receiveUpload(id: string, content: Buffer): boolean {
    const file = this.files.get(id);
    if (!file || file.completed) return false;
    file.content = content;
    file.size = content.length;
    return true;
  }

  // ---- the Slack client's side (the sandbox): what Slack itself shows or does -------------------

  /**
   * A response_url for a slash command or a click of this user: what the app posts to it becomes an
   * ephemeral message (or an in-channel one), or replaces / deletes the message clicked.
   */
  responseUrl(target: ResponseTarget): string {
    const id = `r${randomBytes(8).toString('hex')}`;
    this.responseTargets.set(id, target);
    return `${this.url}/response/${id}`;
  }

  private applyResponse(id: string, body: Args): void {
    const target = this.responseTargets.get(id);
    if (!target) return;
    const yes = (v: unknown) => v === true || v === 'true';
    const at = target.source ? this.messages.findIndex((m) => m.channel === target.source!.channel && m.ts === target.source!.ts && (!m.ephemeral || m.user === target.user)) : -1;
    if (yes(body.delete_original)) {
      if (at >= 0) this.messages.splice(at, 1);
      return;
    }
    if (yes(body.replace_original) && at >= 0) {
      const m = this.messages[at]!;
      m.text = body.text;
      m.blocks = body.blocks;
      return;
    }
    const inChannel = body.response_type === 'in_channel';
    this.messages.push({ channel: target.channel, ts: this.nextTs(), text: body.text, blocks: body.blocks, ...(inChannel ? {} : { user: target.user, ephemeral: true }) });
  }

  /** What Slack shows for a slash command's ack that has a body: an ephemeral message (or one in the channel). */
  showAck(target: { user: string; channel: string }, body: Args): void {
    if (!body.text && !body.blocks) return;
    const inChannel = body.response_type === 'in_channel';
    this.messages.push({ channel: this.channelOf(target.channel), ts: this.nextTs(), text: body.text, blocks: body.blocks, ...(inChannel ? {} : { user: target.user, ephemeral: true }) });
    this.changed();
  }

  /** The person closed a modal: the view (or, with `all`, its whole stack) is gone. Returns what closed. */
  closeView(viewId: string, all: boolean): StoredView[] {
    const v = this.views.get(viewId);
    if (!v || v.closed) return [];
    const closing = all ? this.stackOf(v) : [v];
    for (const x of closing) x.closed = true;
    this.changed();
    return closing;
  }

  /** The stack of modals a view belongs to, root first. */
  stackOf(v: StoredView): StoredView[] {
    return [...this.views.values()].filter((x) => x.rootViewId === v.rootViewId && !x.closed);
  }

  /** What a view_submission's `response_action` does to the stack, as Slack would apply it. */
  applyResponseAction(viewId: string, response: Args | undefined): void {
    const v = this.views.get(viewId);
    if (!v) return;
    const action = response?.response_action;
    if (action === 'errors') {
      this.changed(); // the view stays; whoever draws it shows the errors
      return;
    }
    if (action === 'update' && response?.view) this.saveView(response.view, v.user, null, v);
    else if (action === 'push' && response?.view) this.saveView(response.view, v.user, v);
    else if (action === 'clear') for (const x of this.stackOf(v)) x.closed = true;
    else v.closed = true; // an empty ack closes the submitted view
    this.changed();
  }

  // ---- finding what a user sees -----------------------------------------------------------------

  messagesIn(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === this.channelOf(channel));
  }
  dmsTo(user: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === `D${user}` && !m.ephemeral);
  }
  ephemeralsFor(user: string): StoredMessage[] {
    return this.messages.filter((m) => m.ephemeral && m.user === user);
  }
  openViews(user: string): StoredView[] {
    return [...this.views.values()].filter((v) => v.user === user && !v.closed && v.view.type === 'modal');
  }
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `check` finds something after a call or response arrived (or at once). */
  async waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    const found = check();
    if (found) return found;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(onChange);
        reject(new Error('standin: timed out waiting'));
      }, timeoutMs);
      const onChange = () => {
        const hit = check();
        if (hit) {
          clearTimeout(timer);
          this.listeners.delete(onChange);
          resolve(hit);
        }
      };
      this.listeners.add(onChange);
    });
  }

  private changed(): void {
    this.version += 1;
    for (const l of [...this.listeners]) l();
  }

  /** Resolves when anything changes after `version` (at once when it already has), or after `ms`. */
  async changedSince(version: number, ms: number): Promise<void> {
    if (this.version > version) return;
    await this.waitFor(() => this.version > version, ms).catch(() => undefined);
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  router(): Router {
    const r = express.Router();
    // The upload URL files.getUploadURLExternal hands out (before the body parsers: the bytes are the body).
    const multipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: 50 * 1024 * 1024, files: 1 } });
    r.post('/upload/:id', (req, res, next) => (req.is('multipart/form-data') ? multipart.any()(req, res, next) : next()), express.raw({ type: () => true, limit: '50mb' }), (req: Request, res: Response) => {
      const uploaded = Array.isArray(req.files) ? req.files[0]?.buffer : undefined;
      let content: Buffer | undefined = uploaded;
      if (!content && Buffer.isBuffer(req.body)) {
        content = req.is('application/x-www-form-urlencoded') ? Buffer.from(new URLSearchParams(req.body.toString('utf8')).get('body') ?? '', 'utf8') : req.body;
      }
      if (!content && req.is('multipart/form-data')) content = Buffer.from(String((req.body as Args)?.body ?? ''), 'utf8');
      const call: RecordedCall = { method: 'upload', args: { file_id: String(req.params.id), length: content?.length ?? 0 }, at: performance.timeOrigin + performance.now() };
      this.calls.push(call);
      if (!content || !this.receiveUpload(String(req.params.id), content)) {
        call.status = 404;
        res.status(404).type('text').send('not found');
        return;
      }
      call.status = 200;
      res.status(200).type('text').send(`OK - ${content.length}`);
      this.changed();
    });
    // A shared file's url_private (Slack asks for the bot token; the stand-in does not).
    r.get('/files/:id', (req: Request, res: Response) => {
      const file = this.files.get(String(req.params.id));
      if (!file?.completed || !file.content) {
        res.status(404).type('text').send('not found');
        return;
      }
      res.type(file.mimetype).send(file.content);
    });
    r.use(express.urlencoded({ extended: false, limit: '2mb' }));
    r.use(express.json({ limit: '2mb' }));
    r.post('/api/:method', (req: Request, res: Response) => {
      const out = this.call(String(req.params.method), parseArgs(req));
      if (out.drop) {
        req.socket.destroy();
        this.changed();
        return;
      }
      if (out.headers) res.set(out.headers);
      res.status(out.status).json(out.body);
      this.changed();
    });
    // response_url: what the app says through it is kept as an ephemeral/in-channel response.
    r.post('/response/:id', (req: Request, res: Response) => {
      const body = parseArgs(req);
      this.responses.push({ url: req.originalUrl, body, at: Date.now() });
      this.applyResponse(String(req.params.id), body);
      res.status(200).send('ok');
      this.changed();
    });
    return r;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const app = express();
    app.use(this.router());
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, host, () => resolve(s));
    });
    const addr = this.server.address();
    this.url = `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
