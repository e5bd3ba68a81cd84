#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over the project's sources and its tests
# (src/ and tests/), using the compile_commands.json of a build directory.
# clang-tidy 16 is Debian 12's newest; it needs two nudges to read g++ 12's
# <expected>: the C++2b spelling of the standard flag, and the concepts level
# that libstdc++ checks before declaring std::expected.
#
# Files run in parallel (one clang-tidy per core). A file found clean is
# remembered under a key made of its path and text, every project header
# (src/, tests/), .clang-tidy, the compile commands (checkout path left out,
# so clones share it, as they share ccache's cache) and the clang-tidy
# version: the next run lints only what changed (a header change lints
# everything again). The cache lives in $SEQUENCIAL_LINT_CACHE (default
# ~/.cache/sequencial/lint); LINT_NO_CACHE=1 lints every file.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}
tidy=$(command -v clang-tidy-16 || command -v clang-tidy)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mapfile -t files < <(git ls-files -- 'src/*.cpp' 'tests/*.cpp')

cache=${SEQUENCIAL_LINT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sequencial/lint}
mkdir -p "$cache"
find "$cache" -type f -mtime +30 -delete  # keys not seen for a month
shared_key=$({
  "$tidy" --version
  cat .clang-tidy
  sed "s|$PWD|.|g" "$build/compile_commands.json"
  git ls-files -z -- 'src/*.h' 'tests/*.h' | xargs -0 cat
} | sha256sum | cut -d' ' -f1)
key_of() { { echo "$shared_key $1"; cat "$1"; } | sha256sum | cut -d' ' -f1; }
stamp_of() { echo "$cache/$(key_of "$1")"; }

todo=()
for f in "${files[@]}"; do
  stamp=$(stamp_of "$f")
  if [[ -z ${LINT_NO_CACHE:-} && -f $stamp ]]; then
    touch "$stamp"
    continue
  fi
  todo+=("$f")
done

lint_one() {
  "$tidy" -p "$build" --quiet --header-filter='(src|tests)/.*' \
    --extra-arg=-std=c++2b --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L \
    --extra-arg-before=-Wno-macro-redefined --extra-arg=-Wno-unknown-warning-option "$1" || return 1
  touch "$(stamp_of "$1")"
}
export -f lint_one key_of stamp_of
export tidy build cache shared_key

if ((${#todo[@]} > 0)) &&
  ! printf '%s\n' "${todo[@]}" | xargs -P "$(nproc)" -I{} bash -c 'lint_one "$1"' _ {} >"$log" 2>&1; then
  grep -v -E "^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter" "$log" || true
  echo "lint: clang-tidy found problems"
  exit 1
fi
echo "lint: clang-tidy clean on ${#files[@]} files (${#todo[@]} linted, $((${#files[@]} - ${#todo[@]})) unchanged since a clean run)"
