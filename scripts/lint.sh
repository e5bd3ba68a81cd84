#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over the project's sources, using the
# compile_commands.json of a build directory.
# clang-tidy 16 is Debian 12's newest; it needs two nudges to read g++ 12's
# <expected>: the C++2b spelling of the standard flag, and the concepts level
# that libstdc++ checks before declaring std::expected.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}
tidy=$(command -v clang-tidy-16 || command -v clang-tidy)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mapfile -t files < <(git ls-files -- 'src/*.cpp')
if ! printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 "$tidy" -p "$build" --quiet \
  --extra-arg=-std=c++2b --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L \
  --extra-arg-before=-Wno-macro-redefined --extra-arg=-Wno-unknown-warning-option >"$log" 2>&1; then
  grep -v -E "^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter" "$log" || true
  echo "lint: clang-tidy found problems"
  exit 1
fi
echo "lint: clang-tidy clean on ${#files[@]} files"
