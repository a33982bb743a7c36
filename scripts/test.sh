#!/usr/bin/env bash
# `npm test`: type check, every test on SQLite (the browser tests in Debian's Chromium, installed by
# scripts/chromium.sh when missing), then the database tests of the domain, the migrations and the demo again on PostgreSQL, and the two-process jobs test (a throw-away server from
# scripts/pg.sh, installed from Debian's packages when missing). Failed browser tests leave screenshots
# in test-results/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== type check"
npx tsc -p .

scripts/chromium.sh >/dev/null

echo "== all tests on SQLite"
npx vitest run

echo "== domain tests on PostgreSQL"
url=$(scripts/pg.sh start)
trap 'scripts/pg.sh stop "$url"' EXIT
TEST_POSTGRES_URL="$url" npx vitest run test/integration/domain test/integration/db/migrate-upgrades.test.ts test/integration/demo test/integration/jobs/replicas.test.ts
