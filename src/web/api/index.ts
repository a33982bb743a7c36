import express, { type Router } from 'express';
import type { ConsoleDeps } from '../console/kit.ts';
import { apiRoutes as orderApiRoutes } from './orders.ts';

/** The machine-to-machine API at /api: each module brings its own authentication (bearer tokens). */
export const apiModules: ((cd: ConsoleDeps) => Router)[] = [orderApiRoutes];

export function apiRouter(cd: ConsoleDeps): Router {
  const router = express.Router();
  for (const module of apiModules) router.use(module(cd));
  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return router;
}
