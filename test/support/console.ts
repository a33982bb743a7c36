import { loadConfig } from '../../src/config.ts';
import { hashPassword, setPasswordCost } from '../../src/domain/console/passwords.ts';
import { start, type Running } from '../../src/main.ts';
import { SlackStandin } from '../../src/slack-standin/standin.ts';
import { slackIds, world, type World } from './world.ts';

/**
 * Console tests hash and check passwords at a cheap scrypt cost, chosen explicitly here: the product's
 * (OWASP's N=2^17) takes 128 MiB and a few hundred milliseconds per sign-in.
 * test/integration/domain/console/sign-in.test.ts checks the product’s default.
 */
export const TEST_PASSWORD_COST = { N: 2 ** 10, r: 8, p: 1 };
setPasswordCost(TEST_PASSWORD_COST);

export interface Account {
  email: string;
  password: string;
}

export interface HttpReply {
  status: number;
  text: string;
  headers: Headers;
}

/** A browser-like client of the console: keeps cookies, sends the CSRF token of its session. */
export class ConsoleClient {
  private cookies = new Map<string, string>();
  private csrf: string | null = null;

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async reply(res: Response): Promise<HttpReply> {
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token && res.url.includes('/console') && !res.url.includes('/console/sign-in')) this.csrf = token;
    return { status: res.status, text, headers: res.headers };
  }

  async request(path: string, init: RequestInit = {}): Promise<HttpReply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    return this.reply(res);
  }

  get(path: string): Promise<HttpReply> {
    return this.request(path);
  }

  /** The session's CSRF token, read from a console page when none was seen yet. */
  async csrfToken(): Promise<string> {
    if (!this.csrf) {
      const home = await this.get('/console');
      const location = home.headers.get('location');
      if (home.status === 303 && location?.startsWith('/console/')) await this.get(location);
    }
    if (!this.csrf) throw new Error('no CSRF token: not signed in?');
    return this.csrf;
  }

  async post(path: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean } = {}): Promise<HttpReply> {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.append('_csrf', await this.csrfToken());
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async upload(path: string, fields: Record<string, string>, file: { name: string; content: Buffer | string; type?: string }, opts: { csrf?: boolean } = {}): Promise<HttpReply> {
    const form = new FormData();
    if (opts.csrf !== false) form.append('_csrf', await this.csrfToken());
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
    form.append('file', new Blob([new Uint8Array(bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    return this.request(path, { method: 'POST', body: form });
  }

  async signIn(account: Account): Promise<void> {
    const page = await this.get('/console/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const res = await this.request('/console/sign-in', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token, email: account.email, password: account.password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status !== 303) throw new Error(`sign-in failed (${res.status}): ${res.text.slice(0, 300)}`);
    this.csrf = null;
    await this.csrfToken();
  }
}

const accountsOf = { admin: slackIds.admin, mgrWest: slackIds.mgrWest, mgrEast: slackIds.mgrEast } as const;
export type AccountName = keyof typeof accountsOf;

/**
 * The example company served by the real app on a free port, with console accounts for the admin and
 * the two managers (passwords already chosen). With `slack`, a stand-in Slack API and a bot token too.
 */
export async function consoleWorld(opts: { slack?: boolean } = {}) {
  const w = await world();
  const standin = opts.slack ? new SlackStandin() : null;
  if (standin) await standin.listen();
  const config = loadConfig({
    DATABASE_URL: w.database.url,
    PORT: '0',
    OUTBOX_PACE_MS: '0',
    // Without the stand-in: production mode with Slack off (no sandbox, no demo company).
    ...(standin ? {} : { SANDBOX: '0' }),
    ...(standin ? { SLACK_SIGNING_SECRET: 'test-signing-secret', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: `${standin.url}/api/` } : {}),
  });
  const running: Running = await start(config, { database: w.database, clock: w.clock });
  const accounts = {} as Record<AccountName, Account>;
  const now = w.clock.now();
  for (const [name, slackId] of Object.entries(accountsOf) as [AccountName, string][]) {
    const person = await w.db.person.findUniqueOrThrow({ where: { slackId } });
    const account = { email: `${name.toLowerCase()}@seaboard.test`, password: `${name}-password-1234` };
    await w.db.consoleAccount.create({
      data: { personId: person.id, email: account.email, passwordHash: await hashPassword(account.password), mustChangePassword: false, createdAt: now, updatedAt: now },
    });
    accounts[name] = account;
  }
  return {
    w,
    url: running.url,
    running,
    standin,
    accounts,
    client: () => new ConsoleClient(running.url),
    /** A client already signed in. */
    as: async (name: AccountName) => {
      const c = new ConsoleClient(running.url);
      await c.signIn(accounts[name]);
      return c;
    },
    stop: async () => {
      await running.stop();
      await standin?.close();
      await w.drop();
    },
  };
}
export type ConsoleWorld = Awaited<ReturnType<typeof consoleWorld>>;
