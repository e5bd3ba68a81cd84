#!/usr/bin/env bash
# One command from a fresh Debian 12 clone to a running server on SQLite:
# installs the packages, builds (Release) and runs `sequencial serve`.
# Extra arguments go to `serve` (e.g. --listen 0.0.0.0:8080 --public-url https://zap.example).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DSEQUENCIAL_BUILD_TESTS=OFF \
  -DSEQUENCIAL_BUILD_BENCH=OFF >/dev/null
cmake --build build-release --target sequencial -j"$(nproc)"
exec build-release/src/app/sequencial serve "$@"
