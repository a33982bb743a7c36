import type { RouteModule } from '../kit.ts';
import { overviewRoutes } from './overview.ts';
import { orgRoutes } from './org.ts';
import { peopleRoutes } from './people.ts';

/** Every console area; each registers its pages on the router mounted at /console. */
export const routeModules: RouteModule[] = [
  overviewRoutes,
  orgRoutes,
  peopleRoutes,
];
