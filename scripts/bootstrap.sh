#!/usr/bin/env bash
# Prepares a fresh machine for the README commands, idempotently:
#   - checks Node.js (>= 20.19),
#   - installs pnpm from the npm registry if missing (pinned to package.json's packageManager),
#   - installs clang-19 from Debian when running as root (needed to rebuild the program binary),
#   - installs chromium from Debian when running as root (needed by the browser tests),
#   - installs the workspace dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null || {
  echo "bootstrap: Node.js >= 20.19 is required (found ${node_version})." >&2
  exit 1
}

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  echo "bootstrap: installing pnpm ${pnpm_version} from the npm registry"
  npm install --global --no-fund --no-audit "pnpm@${pnpm_version}" >/dev/null
fi

if [ -f packages/program/scripts/install-clang.sh ]; then
  if [ "$(id -u)" = "0" ]; then
    bash packages/program/scripts/install-clang.sh
  elif ! command -v clang-19 >/dev/null 2>&1; then
    echo "bootstrap: clang-19 is missing and this is not root: the program rebuild check will be skipped." >&2
    echo "           Install it with: sudo bash packages/program/scripts/install-clang.sh" >&2
  fi
fi

if [ "$(id -u)" = "0" ]; then
  bash scripts/install-chromium.sh
elif [ ! -x /usr/bin/chromium ]; then
  echo "bootstrap: chromium is missing and this is not root: the browser tests will be skipped." >&2
  echo "           Install it with: sudo bash scripts/install-chromium.sh" >&2
fi

pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -n 3
