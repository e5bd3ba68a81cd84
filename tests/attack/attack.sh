#!/usr/bin/env bash
# Replays the attack table of issue 14 against a Release binary and prints
# one line per attack: HELD or NOT HELD, with the figure (tests/attack/README.md).
# Builds nothing. Binds and connects only to 127.0.0.0/8; every load is
# bounded in count and time; takes about 2 minutes.
# Usage: tests/attack/attack.sh [BINARY] [--pg] [--only 3,4,slow] [attack.py options]
#   BINARY   default build-release/src/app/sequencial, built with
#            cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release &&
#            cmake --build build-release --target sequencial
#   --pg     use a private PostgreSQL (scripts/pg-test-server.sh) instead of SQLite
# Exit status: 0 every attack held, 1 one did not, 2 set-up failed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="$root/build-release/src/app/sequencial"
pg=0
rest=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pg) pg=1 ;;
    --help | -h)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    --*) rest+=("$1" "$2") && shift ;;
    *) binary="$1" ;;
  esac
  shift
done
if [[ ! -x "$binary" ]]; then
  echo "attack.sh: no binary at $binary (build it first; see --help)" >&2
  exit 2
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
command -v slowhttptest >/dev/null || echo "attack.sh: slowhttptest missing (scripts/install-deps.sh --test)" >&2

work=$(mktemp -d)
chmod 755 "$work"
trap '[[ $pg -eq 1 ]] && "$root/scripts/pg-test-server.sh" stop "$work/pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
if [[ $pg -eq 1 ]]; then
  db=$("$root/scripts/pg-test-server.sh" start "$work/pg")
else
  db="$work/attack.db"
fi
status=0
python3 "$root/tests/attack/attack.py" --binary "$binary" --db "$db" --workdir "$work" \
  "${rest[@]}" || status=$?
if [[ $status -eq 2 ]]; then
  for f in "$work"/server-*.log; do
    [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
  done
fi
exit "$status"
