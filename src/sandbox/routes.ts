import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ids } from '../bot/ids.ts';
import type { Db } from '../db/client.ts';
import { fromRoot } from '../paths.ts';
import type { Json } from '../slack-standin/payloads.ts';
import { fromAcceptLanguage } from '../i18n/index.ts';
import { localeOf, st } from './i18n.ts';
import { sandboxPage } from './page.ts';
import { syncStandinUsers } from './people.ts';
import type { Sandbox } from './sandbox.ts';
import { SandboxError, SlackClient, type Where } from './slack-client.ts';
import { personState } from './state.ts';

// /sandbox: the page, its assets, what one person sees (long-polled), and what they do. Mounted only
// in sandbox mode (src/main.ts). The browser never signs anything: it says what the person did, and
// the server sends the app the payload Slack would, signed with this process's secret.

const assets = fromRoot('src/sandbox/assets');
/** A long poll answers at the latest after this long (a proxy or the browser may give up later). */
export const POLL_MS = 20_000;

const commands = Object.values(ids.commands);
const examples = ['/visit 老钱面馆', '/claim', '/opp', '/store', '/opp list', '/crm today', '/crm approvals', '/crm help'];

const userId = z.string().regex(/^[UW][A-Z0-9]{1,30}$/);
const rawValue = z.union([z.string().max(10_000), z.array(z.string().max(2000)).max(100), z.object({ value: z.string().max(2000), text: z.string().max(2000) }), z.null()]);
const rawState = z.record(z.string().max(255), z.record(z.string().max(255), rawValue)).default({});
const where = z.discriminatedUnion('surface', [
  z.object({ surface: z.literal('message'), channel: z.string().max(40), ts: z.string().max(40) }),
  z.object({ surface: z.literal('view'), viewId: z.string().max(40) }),
]);
const schemas = {
  command: z.object({ user: userId, text: z.string().min(1).max(4000) }),
  action: z.object({ user: userId, where, blockId: z.string().max(255), actionId: z.string().max(255), value: rawValue.optional(), state: rawState }),
  options: z.object({ user: userId, where, blockId: z.string().max(255), actionId: z.string().max(255), value: z.string().max(2000), state: rawState }),
  submit: z.object({ user: userId, viewId: z.string().max(40), state: rawState }),
  close: z.object({ user: userId, viewId: z.string().max(40), all: z.boolean().default(false) }),
  tab: z.object({ user: userId, tab: z.enum(['home', 'messages']) }),
};

export interface SandboxRouteDeps {
  sandbox: Sandbox;
  db: Db;
  /** The app's Slack endpoint and signing secret: where the sandbox sends what Slack would. */
  endpoint: () => string;
  secret: string;
}

export function sandboxRouter({ sandbox, db, endpoint, secret }: SandboxRouteDeps): Router {
  const { standin } = sandbox;
  const tz = (user: string) => standin.users.get(user)?.tz ?? 'Asia/Shanghai';
  let client: SlackClient | null = null;
  const slack = () => (client ??= new SlackClient(standin, endpoint(), secret, commands, tz));

  const router = express.Router();
  router.use((_req, res, next) => {
    // Only our own script and styles; images the app links to may come from anywhere on the web.
    res.set('Content-Security-Policy', "default-src 'self'; img-src 'self' data: http: https:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use('/assets', express.static(assets, { fallthrough: false }));

  // The page speaks the language of the person it opens as (sandbox.js follows a change of person).
  router.get('/', async (req, res) => {
    const people = await syncStandinUsers(db, standin);
    const chosen = people.find((p) => p.slackId === req.query.user);
    const locale = chosen ? localeOf(chosen.locale) : fromAcceptLanguage(req.get('accept-language'));
    res.type('html').send(sandboxPage(people, commands, examples, locale).value);
  });

  /** The sandbox's words for a request: its person's language, else the browser's. */
  const sayTo = (req: Request) => {
    const body = (req.body ?? {}) as { user?: unknown };
    const user = typeof body.user === 'string' ? body.user : typeof req.query.user === 'string' ? req.query.user : null;
    const slackLocale = user ? standin.users.get(user)?.locale : undefined;
    return slackLocale ? localeOf(slackLocale) : fromAcceptLanguage(req.get('accept-language'));
  };
  const known = (req: Request, user: string) => {
    if (!standin.users.has(user)) throw new SandboxError(st(sayTo(req), 'sb.err.unknown_person'), 404);
  };
  const ctxFor = (user: string) => ({
    locale: localeOf(standin.users.get(user)?.locale),
    timezone: tz(user),
    userName: (id: string) => standin.users.get(id)?.name,
    people: [...standin.users.values()].map((u) => ({ id: u.id, name: u.name })),
  });

  router.get('/state', async (req, res) => {
    const user = userId.safeParse(req.query.user);
    if (!user.success) throw new SandboxError(st(sayTo(req), 'sb.err.who'));
    known(req, user.data);
    // Wait only when the page has seen the latest version (a newer one means the server restarted).
    const since = Number(req.query.since ?? -1);
    if (since === standin.version) {
      let gone = false;
      res.on('close', () => (gone = !res.writableEnded)); // the page went away (or switched person)
      await Promise.race([standin.changedSince(since, POLL_MS), sandbox.closing]);
      if (gone) return;
    }
    // Stopping: no keep-alive, so that the page's next poll cannot hold the server open.
    if (sandbox.isClosing()) res.set('Connection', 'close');
    res.json(personState(standin, user.data, ctxFor(user.data), (id) => slack().errorsOf(id)));
  });

  // Everything the person does is JSON: a form on another site cannot post it (CORS preflight).
  router.use(express.json({ limit: '1mb' }));
  const act = <S extends z.ZodType>(schema: S, run: (body: z.infer<S>) => Promise<Json>) =>
    async (req: Request, res: Response) => {
      if (!req.is('application/json')) throw new SandboxError(st(sayTo(req), 'sb.err.json'), 415);
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) throw new SandboxError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      known(req, (parsed.data as { user: string }).user);
      res.json({ ok: true, ...(await run(parsed.data)) });
    };

  router.post('/command', act(schemas.command, async (b) => ({ ...(await slack().command(b.user, b.text)) })));
  router.post('/action', act(schemas.action, async (b) => ({ ...(await slack().action(b.user, b.where as Where, b.blockId, b.actionId, b.value, b.state)) })));
  router.post('/options', act(schemas.options, async (b) => slack().options(b.user, b.where as Where, b.blockId, b.actionId, b.value, b.state)));
  router.post('/submit', act(schemas.submit, async (b) => ({ ...(await slack().submit(b.user, b.viewId, b.state)) })));
  router.post('/close', act(schemas.close, async (b) => ({ ...(await slack().close(b.user, b.viewId, b.all)) })));
  router.post('/open-tab', act(schemas.tab, async (b) => ({ ...(await slack().openTab(b.user, b.tab)) })));

  // Files the app uploaded (files.getUploadURLExternal → upload → files.completeUploadExternal).
  router.get('/files/:id', (req, res) => {
    const file = standin.files.get(String(req.params.id));
    if (!file?.completed || !file.content) throw new SandboxError(st(sayTo(req), 'sb.err.no_file'), 404);
    res.set('Content-Security-Policy', 'sandbox');
    res.set('Content-Disposition', `${file.mimetype.startsWith('image/') && file.mimetype !== 'image/svg+xml' ? 'inline' : 'attachment'}; filename="${file.name.replace(/[^\w.-]+/g, '_')}"`);
    res.type(file.mimetype).send(file.content);
  });

  router.use((req, res) => res.status(404).json({ ok: false, error: st(sayTo(req), 'sb.err.not_found') }));
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SandboxError) {
      res.status(err.status).json({ ok: false, error: err.message });
      return;
    }
    const e = err as { status?: number; type?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ ok: false, error: st(sayTo(req), 'sb.err.bad_request') });
      return;
    }
    console.error('sandbox:', err);
    res.status(500).json({ ok: false, error: st(sayTo(req), 'sb.err.failed') });
  });
  return router;
}
