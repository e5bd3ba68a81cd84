#!/usr/bin/env bash
# One command from a fresh Debian 12 clone to a passing test suite: installs
# the packages, builds with warnings as errors, checks formatting and lint,
# and runs every test (unit and integration) with CTest, the storage tests
# against SQLite and a private PostgreSQL server (scripts/pg-test-server.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/install-deps.sh --test

build="build-test"
# Sources are hashed relative to the checkout, and not by the build folder,
# so clones in other folders share ccache's cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEQUENCIAL_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

echo "== clang-format"
mapfile -t sources < <(git ls-files -- 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'fuzz/*.cpp' 'fuzz/*.h')
clang-format --dry-run -Werror "${sources[@]}"

echo "== clang-tidy"
scripts/lint.sh "$build"

# The admin UI's scripts (ESLint pinned in package.json, eslint.config.js).
echo "== eslint"
npx --no-install eslint ui/src

# ---- fuzz (issue 14): every libFuzzer target of fuzz/ for a few seconds each,
# built with clang 16 into build-fuzz/ (fuzz/run.sh; longer runs: fuzz/run.sh 600).
echo "== fuzz"
fuzz/run.sh "${SEQUENCIAL_FUZZ_SECONDS:-10}"
# ---- end fuzz

echo "== PostgreSQL (private test server, stopped on exit)"
pgdir=$(mktemp -d)
chmod 755 "$pgdir"
trap 'scripts/pg-test-server.sh stop "$pgdir/pg" || true; rm -rf "$pgdir"' EXIT
SEQUENCIAL_TEST_PG_URL=$(scripts/pg-test-server.sh start "$pgdir/pg")
export SEQUENCIAL_TEST_PG_URL

echo "== tests"
(cd "$build" && ctest --output-on-failure -j"$(nproc)" --timeout 600)

# ---- Self-hosting (issue 17): the Debian package, built from this build
# tree, installed with dpkg -i, verified, run as its unit would, purged
# (scripts/test-package.sh; ~30 s). The backup and migrate tests are CTest
# entries (integration_backup_test, integration_migrate_test) run above.
echo "== Debian package"
if [[ $(id -u) -eq 0 ]]; then
  scripts/test-package.sh "$build"
else
  sudo scripts/test-package.sh "$build"
fi
# ---- end of the self-hosting block
echo "test.sh: done in $(( $(date +%s) - start )) s"
