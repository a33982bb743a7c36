import type { Deps } from '../domain/deps.ts';

/** What every listener gets: the domain's dependencies. */
export type BotDeps = Deps;
