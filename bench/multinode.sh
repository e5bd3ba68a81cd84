#!/usr/bin/env bash
# Two nodes on one PostgreSQL database vs one node on SQLite (issue 8).
#
# Starts a private PostgreSQL 15 (scripts/pg-test-server.sh, in a temp dir,
# unix socket only), two `sequencial serve` nodes on it and one node on a
# SQLite file, creates the same data on both databases, and for each
# scenario runs two wrk processes (half the connections each, requests/s
# summed) against: the SQLite node; PostgreSQL node A alone; nodes A and B,
# one each.
# Alternates the three, `rounds` times, and prints medians.
#
# On one machine the pair shares the cores with PostgreSQL and wrk, so the
# pair cannot beat one node here: this measures what the shared state costs
# (a nextval per rotating click, a claim per new fixed visitor), not the
# scale-out of two machines. See bench/README.md.
#
# Usage: bench/multinode.sh [--bin PATH] [-d SECS] [-c CONNS] [-r ROUNDS]
# Needs: wrk, curl, postgresql-15. Writes only to a temp dir and
# bench/results/multinode.md; stops everything it started on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin="${BENCH_BIN:-$root/build/src/app/sequencial}"
secs="${BENCH_DURATION:-10}"
conns="${BENCH_CONNECTIONS:-64}"
rounds="${BENCH_ROUNDS:-2}"
threads="${BENCH_THREADS:-$(nproc)}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    -d) secs="$2"; shift 2 ;;
    -c) conns="$2"; shift 2 ;;
    -r) rounds="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "multinode: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "multinode: $*" >&2; exit 2; }
[[ -x "$bin" ]] || die "no server binary at $bin (use --bin)"
command -v wrk >/dev/null || die "wrk is not installed"
for v in $(env | grep -o '^SEQUENCIAL_[A-Z_]*' || true); do unset "$v"; done

tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$root/scripts/pg-test-server.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  if [[ "${BENCH_KEEP_TMP:-0}" != 1 ]]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

pg_url=$("$root/scripts/pg-test-server.sh" start "$tmp/pg")

declare -A port token
start_node() { # name db
  local name="$1" db="$2" log="$tmp/$1.log"
  if [[ -z "${token[$db]:-}" ]]; then
    token[$db]=$("$bin" token create --db "$db" --name bench | tail -n 1)
  fi
  # --click-spool: a PostgreSQL node would spool into the working directory,
  # and the next run would replay it.
  "$bin" serve --listen 127.0.0.1:0 --db "$db" --threads "$threads" --click-spool "$tmp/$name.spool" \
    >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    port[$name]=$(grep -m1 'event=listening' "$log" 2>/dev/null |
      sed -E 's/.*[[:space:]]port=([0-9]+).*/\1/' || true)
    [[ -n "${port[$name]}" ]] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  die "node $name did not start"
}
start_node sqlite "$tmp/sqlite.db"
start_node pg_a "$pg_url"
start_node pg_b "$pg_url"
token[sqlite]=${token[$tmp/sqlite.db]}
token[pg_a]=${token[$pg_url]}

api_post() { # node path json
  local code
  code=$(curl -sS -o "$tmp/api-response" -w '%{http_code}' \
    -H "Authorization: Bearer ${token[$1]}" -H 'Content-Type: application/json' \
    --data-binary "$3" "http://127.0.0.1:${port[$1]}$2")
  [[ "$code" == 201 ]] || die "POST $2 on $1 answered $code: $(cat "$tmp/api-response")"
}
setup() { # node
  local i members=""
  api_post "$1" /api/v1/links '{"slug":"plain","phone":"5511999990001"}'
  for i in $(seq -w 1 10); do
    api_post "$1" /api/v1/links "{\"slug\":\"m$i\",\"phone\":\"55119999900$i\"}"
    members+="${members:+,}\"m$i\""
  done
  api_post "$1" /api/v1/links '{"slug":"rotate","phone":"5511999990000"}'
  api_post "$1" /api/v1/links '{"slug":"fixed","phone":"5511999990002"}'
  api_post "$1" /api/v1/centrals "{\"anchor\":\"rotate\",\"members\":[$members]}"
  api_post "$1" /api/v1/centrals "{\"anchor\":\"fixed\",\"members\":[$members],\"fixed\":true}"
}
setup sqlite
setup pg_a
# Node B learns the data through the change feed.
for _ in $(seq 1 50); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port[pg_b]}/fixed") == 302 ]] &&
    break
  sleep 0.1
done

rps_of() { grep -m1 'Requests/sec' "$1" | awk '{print $2}'; }
p99_of() { grep -m1 ' 99%' "$1" | awk '{print $2}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Two wrk processes of half the connections each, on ports $2 and $3 (the
# same port for a single node), so every target gets the same client power.
run_two() { # out port-1 port-2 scenario
  wrk -t1 -c"$half" -d"${secs}s" --latency "http://127.0.0.1:$2/$4" >"$1-1" &
  local first=$!
  wrk -t1 -c"$half" -d"${secs}s" --latency "http://127.0.0.1:$3/$4" >"$1-2"
  wait "$first"
}
sum_rps() { awk -v a="$(rps_of "$1-1")" -v b="$(rps_of "$1-2")" 'BEGIN {print a + b}'; }

scenarios=(plain rotate fixed)
declare -A titles=(
  [plain]="plain link"
  [rotate]="central of 10, rotation (a shared ticket per click on PostgreSQL)"
  [fixed]="central of 10, fixed, new visitor each request (ticket + claim)"
)
declare -A results
half=$((conns / 2 > 0 ? conns / 2 : 1))
for s in "${scenarios[@]}"; do
  for r in $(seq 1 "$rounds"); do
    out="$tmp/$s-$r"
    run_two "$out-sqlite" "${port[sqlite]}" "${port[sqlite]}" "$s"
    run_two "$out-one" "${port[pg_a]}" "${port[pg_a]}" "$s"
    run_two "$out-pair" "${port[pg_a]}" "${port[pg_b]}" "$s"
    results[$s,sqlite]+=" $(sum_rps "$out-sqlite")"
    results[$s,one]+=" $(sum_rps "$out-one")"
    results[$s,pair]+=" $(sum_rps "$out-pair")"
    results[$s,p99sqlite]+=" $(p99_of "$out-sqlite-1")"
    results[$s,p99one]+=" $(p99_of "$out-one-1")"
    echo "multinode: $s round $r: sqlite $(sum_rps "$out-sqlite") req/s," \
      "pg one $(sum_rps "$out-one"), pg pair $(sum_rps "$out-pair")" >&2
  done
done

metric() { # node name
  curl -s "http://127.0.0.1:${port[$1]}/metrics" | awk -v n="$2" '$1 == n {print $2}'
}
mkdir -p "$here/results"
{
  echo "# Two PostgreSQL nodes vs one SQLite node ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Two wrk -t1 of $half connections each (on the one node, or one per node), ${secs}s, $rounds rounds,"
  echo "--threads $threads per node, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Medians of requests/s; p99 latency of the single-node runs (first round)."
  echo
  echo "| scenario | SQLite node | PG node alone | PG pair (A+B) | pair / SQLite | p99 SQLite | p99 PG node |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for s in "${scenarios[@]}"; do
    # shellcheck disable=SC2086  # word splitting of the collected numbers is wanted
    sq=$(median ${results[$s,sqlite]})
    # shellcheck disable=SC2086
    one=$(median ${results[$s,one]})
    # shellcheck disable=SC2086
    pair=$(median ${results[$s,pair]})
    p99s=$(awk '{print $1}' <<<"${results[$s,p99sqlite]}")
    p99o=$(awk '{print $1}' <<<"${results[$s,p99one]}")
    ratio=$(awk -v a="$pair" -v b="$sq" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
    echo "| ${titles[$s]} | $sq | $one | $pair | $ratio | $p99s | $p99o |"
  done
  echo
  echo "Rotation fallbacks (should be 0): A $(metric pg_a sequencial_rotation_fallback_total)," \
    "B $(metric pg_b sequencial_rotation_fallback_total)."
} | tee "$here/results/multinode.md"
