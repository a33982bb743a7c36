import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('migrations', () => {
  it('are committed for the current schema (run `npm run db:migration -- NAME` after editing it)', () => {
    expect(readFileSync('prisma/migrations/schema.snapshot.prisma', 'utf8')).toBe(readFileSync('prisma/schema.prisma', 'utf8'));
  });

  it('exist in the same order for SQLite and PostgreSQL', () => {
    expect(readdirSync('prisma/migrations/postgresql').sort()).toEqual(readdirSync('prisma/migrations/sqlite').sort());
  });
});
