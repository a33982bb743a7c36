import type { RouteModule } from '../kit.ts';
import { overviewRoutes } from './overview.ts';
import { orgRoutes } from './org.ts';
import { peopleRoutes } from './people.ts';
import { regionsRoutes } from './regions.ts';
import { ordersRoutes } from './orders.ts';
import { settingsRoutes } from './settings.ts';
import { auditRoutes } from './audit.ts';
import { storesRoutes } from './stores.ts';
import { consoleAccessRoutes } from './console-access.ts';
import { approvalsRoutes } from './approvals.ts';
import { jobsRoutes } from './jobs.ts';
import { languageRoutes } from './language.ts';

/** Every console area; each registers its pages on the router mounted at /console. */
export const routeModules: RouteModule[] = [
  overviewRoutes,
  orgRoutes,
  peopleRoutes,
  regionsRoutes,
  ordersRoutes,
  settingsRoutes,
  auditRoutes,
  storesRoutes,
  consoleAccessRoutes,
  approvalsRoutes,
  jobsRoutes,
  languageRoutes,
];
