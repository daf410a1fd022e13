#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (the operator page test drives it with
# playwright-core at /usr/bin/chromium). Idempotent: does nothing when it is already there.
# Uses Debian's apt only; downloads nothing from anywhere else.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium is installed: /usr/bin/chromium"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing. Install it as root with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing and apt-get is not available (Debian/Ubuntu only)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are missing or do not know chromium.
if ! apt-cache show chromium >/dev/null 2>&1; then
    apt-get update
fi
apt-get install -y --no-install-recommends chromium
echo "chromium installed: /usr/bin/chromium"
