import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

// The CLI runs offline only (generate, migrate diff), with the "js" engine and a driver adapter so
// that it never downloads a native engine. The app applies migrations itself (src/db/migrate.ts).
// PRISMA_PROVIDER=postgresql points the CLI at the PostgreSQL twin of the schema.
const postgres = process.env.PRISMA_PROVIDER === 'postgresql';
const url = postgres
  ? (process.env.PRISMA_PG_URL ?? 'postgresql://offline@127.0.0.1/offline')
  : 'file:./data/prisma-cli.db';
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  schema: postgres ? 'prisma/postgresql/schema.prisma' : 'prisma/schema.prisma',
  engine: 'js',
  adapter: async () => (postgres ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url })),
});
