#!/usr/bin/env bash
# Installs the C compiler the reference program is built with: Debian's clang-19.
#
# Only clang-19 is needed: it compiles the C sources to relocatable BPF objects, and our own
# linker (packages/program/tools/linker) links them; upstream ld.lld cannot link for Solana,
# so lld-19 is not installed. Idempotent: does nothing when clang-19 is already on PATH.
# Uses Debian's apt only; downloads nothing from anywhere else.
set -euo pipefail

if command -v clang-19 >/dev/null 2>&1; then
    echo "clang-19 is installed: $(command -v clang-19)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "clang-19 is missing. Install it as root with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends clang-19" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "clang-19 is missing and apt-get is not available (Debian/Ubuntu only)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends clang-19
echo "clang-19 installed: $(command -v clang-19)"
