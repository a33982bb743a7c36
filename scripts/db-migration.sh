#!/usr/bin/env bash
# Writes a new migration for both databases from the change to prisma/schema.prisma since the last one:
#   npm run db:migration -- add_store_tags
# The SQL comes from `prisma migrate diff` (offline, "js" engine); PostgreSQL's diff needs a server, so a
# throw-away one is started with scripts/pg.sh. prisma/migrations/schema.snapshot.prisma is the schema
# as of the newest migration.
set -euo pipefail
name=${1:?usage: db-migration.sh NAME}
cd "$(dirname "$0")/.."
snap=prisma/migrations/schema.snapshot.prisma
n=$(printf '%04d' $(( $(ls prisma/migrations/sqlite 2>/dev/null | wc -l) + 1 )))
dir="${n}_${name}"
node scripts/db-schemas.mjs

from_sqlite=(--from-empty); from_pg=(--from-empty)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ -f "$snap" ]; then
  cp "$snap" "$tmp/snap.prisma"
  sed -e 's/provider = "sqlite"/provider = "postgresql"/' "$snap" > "$tmp/snap.pg.prisma"
  from_sqlite=(--from-schema-datamodel "$tmp/snap.prisma"); from_pg=(--from-schema-datamodel "$tmp/snap.pg.prisma")
fi

mkdir -p data
npx prisma migrate diff "${from_sqlite[@]}" --to-schema-datamodel prisma/schema.prisma --script > "$tmp/sqlite.sql"
url=$(scripts/pg.sh start); trap 'scripts/pg.sh stop "$url"; rm -rf "$tmp"' EXIT
PRISMA_PROVIDER=postgresql PRISMA_PG_URL="$url" \
  npx prisma migrate diff "${from_pg[@]}" --to-schema-datamodel prisma/postgresql/schema.prisma --script > "$tmp/pg.sql"

if ! grep -qv '^-- This is an empty migration.' "$tmp/sqlite.sql"; then echo "no schema change"; exit 0; fi
mkdir -p "prisma/migrations/sqlite/$dir" "prisma/migrations/postgresql/$dir"
cp "$tmp/sqlite.sql" "prisma/migrations/sqlite/$dir/migration.sql"
cp "$tmp/pg.sql" "prisma/migrations/postgresql/$dir/migration.sql"
cp prisma/schema.prisma "$snap"
echo "wrote prisma/migrations/{sqlite,postgresql}/$dir"
