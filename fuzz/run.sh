#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ into build-fuzz/ (clang 16, ASan +
# UBSan) and runs each one for the given time, one after another, printing
# executions and crashes per target. Exits non-zero when a target crashed;
# the input that did it is kept in build-fuzz/artifacts/.
# Usage: fuzz/run.sh [seconds-per-target]      (default 60)
#        FUZZ_TARGETS="text json_codec" fuzz/run.sh 30   (only these)
#        FUZZ_JOBS=1 fuzz/run.sh                        (build parallelism, default 2)
# New inputs found are kept in build-fuzz/corpus/<target>/, never in the
# committed seeds (fuzz/corpus/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: fuzz/run.sh [seconds-per-target]" >&2
  exit 2
fi
build="build-fuzz"
cxx="${FUZZ_CXX:-clang++-16}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"

start=$(date +%s)
cmake -S . -B "$build" -DSEQUENCIAL_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEQUENCIAL_BUILD_TESTS=OFF -DSEQUENCIAL_BUILD_BENCH=OFF \
  >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target fuzzers >/dev/null
echo "fuzz: built in $(($(date +%s) - start)) s"

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for source in fuzz/*_fuzzer.cpp; do
    name=$(basename "$source" _fuzzer.cpp)
    targets+=("$name")
  done
fi

# Symbolized stack traces in crash reports (llvm-symbolizer comes with Debian's clang).
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)
if [[ -n "$symbolizer" ]]; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$symbolizer}"
  export UBSAN_SYMBOLIZER_PATH="${UBSAN_SYMBOLIZER_PATH:-$symbolizer}"
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$build/artifacts"
failed=()
for name in "${targets[@]}"; do
  work="$build/corpus/$name"
  log="$build/fuzz-$name.log"
  mkdir -p "$work"
  max_len=4096
  [[ "$name" == http_request ]] && max_len=16384
  status=0
  "$build/fuzz/${name}_fuzzer" -max_total_time="$seconds" -timeout=10 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
    "$work" "fuzz/corpus/$name" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [[ -z "$execs" ]]; then
    # A crash ends the run before the final stats: the last status line has the count.
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  fi
  crashes=0
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  if [[ "$status" -ne 0 ]]; then
    crashes=1
    failed+=("$name")
  fi
  printf 'fuzz: %-16s %10s executions in %s s, %d crashes%s\n' "$name" "${execs:-?}" "$seconds" \
    "$crashes" "${artifact:+ ($artifact; log $log)}"
  if [[ "$status" -ne 0 && -z "$artifact" ]]; then
    echo "fuzz: $name exited with status $status; last lines of $log:"
    tail -n 20 "$log"
  fi
done
echo "fuzz: done in $(($(date +%s) - start)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: crashed: ${failed[*]}" >&2
  exit 1
fi
