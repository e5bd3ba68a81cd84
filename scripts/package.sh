#!/usr/bin/env bash
# Builds the Debian package with CPack (packaging/cpack.cmake) and prints
# its path.
# Usage: scripts/package.sh [BUILD_DIR]
#   without BUILD_DIR: a Release build in build-package (no tests, no benchmarks);
#   with an existing build tree (scripts/test.sh passes build-test): reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-package}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSEQUENCIAL_BUILD_TESTS=OFF \
    -DSEQUENCIAL_BUILD_BENCH=OFF >/dev/null
fi
command -v help2man >/dev/null || { echo "package.sh: help2man is missing (scripts/install-deps.sh --test)" >&2; exit 1; }
cmake --build "$build" -j"$(nproc)" --target sequencial sequencial_man >/dev/null
out="$PWD/$build/package"
rm -rf "$out"
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
ls "$out"/sequencial_*.deb
