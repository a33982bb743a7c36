#!/usr/bin/env bash
# Debian's Chromium for the browser tests (playwright-core drives it; `npx playwright install` cannot
# download its own browser here). Installs it when missing; prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium…" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
  else
    sudo apt-get update -qq >&2 && sudo apt-get install -y -qq chromium >&2
  fi
fi
command -v chromium
