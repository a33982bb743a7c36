import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { fromRoot } from '../../paths.ts';
import { html } from '../html.ts';
import { authRoutes, requireCsrf, requireOwnPassword, requireSession, sessionRoutes } from './auth.ts';
import { contentSecurityPolicy, render, renderError, tr, type ConsoleDeps } from './kit.ts';
import { routeModules } from './routes/index.ts';

export const MAX_UPLOAD_MB = 64;
const assets = fromRoot('src/web/console/assets');

/**
 * The console at /console: static assets and sign-in first, then everything else behind the session,
 * the body parsers (forms, one uploaded file) and the CSRF check, in that order.
 */
export function consoleRouter(cd: ConsoleDeps): Router {
  const router = express.Router();
  // Every answer of the console carries the policy (a page may widen img-src: the region map's tiles).
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', contentSecurityPolicy());
    next();
  });
  router.use('/assets', express.static(assets, { maxAge: '1h', fallthrough: false }));
  authRoutes(router, cd);
  router.use(requireSession(cd));
  router.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 20_000 }));
  router.use(express.json({ limit: '2mb' }));
  const upload = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 200 } });
  router.use((req, res, next) => (req.is('multipart/form-data') ? upload.single('file')(req, res, next) : next()));
  router.use(requireCsrf);
  router.use(requireOwnPassword);
  sessionRoutes(router, cd);
  for (const module of routeModules) module(router, cd);
  router.use((req, res) => render(req, res, { title: tr(req, 'console.error.title'), status: 404, body: html`<h1>${tr(req, 'console.error.title')}</h1><p>${tr(req, 'console.error.not_found')}</p>` }));
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { code?: string; status?: number; type?: string };
    if (e.code === 'LIMIT_FILE_SIZE' || e.type === 'entity.too.large') {
      render(req, res, { title: tr(req, 'console.error.title'), status: 413, body: html`<h1>${tr(req, 'console.error.title')}</h1><p class="error">${tr(req, 'console.error.too_large', { mb: MAX_UPLOAD_MB })}</p>` });
      return;
    }
    if (e.status === 404 && req.path.startsWith('/assets')) {
      res.status(404).type('text').send('Not found');
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).type('text').send('Bad request');
      return;
    }
    renderError(req, res, err);
  });
  return router;
}
