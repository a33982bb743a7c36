#!/usr/bin/env bash
# `npm test`: type check, every test on SQLite, then the domain suite again on PostgreSQL
# (a throw-away server from scripts/pg.sh, installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== type check"
npx tsc -p .

echo "== all tests on SQLite"
npx vitest run

echo "== domain tests on PostgreSQL"
url=$(scripts/pg.sh start)
trap 'scripts/pg.sh stop "$url"' EXIT
TEST_POSTGRES_URL="$url" npx vitest run test/domain
