import type { Server } from 'node:http';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { version } from './version.ts';
import { createWebApp } from './web/server.ts';

export interface Running {
  server: Server;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/** config → database (migrated) → web server. Port 0 picks a free port (tests). */
export async function start(config: Config): Promise<Running> {
  const applied = await migrate(config.DATABASE_URL);
  if (applied.length) console.log(`database: applied ${applied.join(', ')}`);
  const database = openDatabase(config.DATABASE_URL);
  const app = createWebApp({ database });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  return {
    server,
    database,
    url,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const config = loadConfig();
    const running = await start(config);
    console.log(`Seaboard ${version} on ${running.url} (database: ${running.database.provider})`);
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
