#!/usr/bin/env bash
# The redirect never waits (issue 12): a SQLite node vs a PostgreSQL node
# whose database is one network hop away, in the same run, and redirect
# latency during a login flood.
#
# Starts a private PostgreSQL 15 (scripts/pg-test-server.sh, unix socket
# only), tests/tools/delay_proxy in front of it (1 ms each way: a LAN hop),
# one node on the proxy and one on a SQLite file, creates the same links and
# centrals (a central of 3 rotating, and a central of 3 with atendimento
# fixo), then alternates wrk -t1 -c256 against the two nodes for each
# scenario and prints medians, the ratio PostgreSQL/SQLite, p50/p99 and the
# fallback counters (rotations served by the local cursor because a ticket
# missed its deadline).
#
# Last, 16 clients, each bound to its own loopback address (127.0.1.N), try
# to log in with wrong passwords while wrk measures redirect p99 on the
# SQLite node; the same wrk without the flood is the baseline.
#
# With --pin, PostgreSQL and the proxy run on CPU 1 and everything else (both
# nodes, wrk) on CPU 0: the database on a host of its own, as in the
# deployment this models, instead of taking CPU from the node it serves.
# Each run prints the CPU time per request of the node, wrk, the proxy and
# PostgreSQL.
#
# The proxy's own lateness (how long after the kernel received a chunk, and
# after its due time, the proxy handled it) is printed under the table: the
# hop should cost the delay, not the delay plus the proxy's wake-ups on a
# busy machine.
#
# Usage: bench/never_wait.sh [--bin PATH] [--proxy PATH] [-d SECS] [-c CONNS] [-r ROUNDS] [--pin]
# (BENCH_SERVE_ARGS: extra flags for both nodes, e.g. "--db-deadline-ms 500";
# BENCH_SCENARIOS: a subset of "rotate fixed")
# Needs: wrk, curl, postgresql-15. Writes only to a temp dir and
# bench/results/never_wait.md; stops everything it started on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin="${BENCH_BIN:-$root/build-release/src/app/sequencial}"
proxy="${BENCH_PROXY:-$root/build-release/tests/tools/delay_proxy}"
secs="${BENCH_DURATION:-5}"
conns="${BENCH_CONNECTIONS:-256}"
rounds="${BENCH_ROUNDS:-3}"
delay_ms="${BENCH_DELAY_MS:-1}"
app_cpu=()
db_cpu=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --proxy) proxy="$2"; shift 2 ;;
    -d) secs="$2"; shift 2 ;;
    -c) conns="$2"; shift 2 ;;
    -r) rounds="$2"; shift 2 ;;
    --pin) app_cpu=(taskset -c 0); db_cpu=(taskset -c 1); shift ;;
    -h | --help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "never_wait: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "never_wait: $*" >&2; exit 2; }
[[ -x "$bin" ]] || die "no server binary at $bin (use --bin)"
[[ -x "$proxy" ]] || die "no delay_proxy at $proxy (use --proxy)"
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

pg_url=$("${db_cpu[@]}" "$root/scripts/pg-test-server.sh" start "$tmp/pg")
socket="unix:$tmp/pg/.s.PGSQL.${PG_TEST_PORT:-5432}"
"${db_cpu[@]}" "$proxy" --to "$socket" --delay-ms "$delay_ms" >"$tmp/proxy.out" 2>&1 &
pids+=($!)
proxy_pid=$!
for _ in $(seq 1 50); do
  proxy_port=$(sed -n 's/^port=//p' "$tmp/proxy.out")
  [[ -n "$proxy_port" ]] && break
  sleep 0.1
done
[[ -n "${proxy_port:-}" ]] || die "delay_proxy did not start"
far_url="postgres://postgres@127.0.0.1:$proxy_port/postgres"
# The database itself is created over the direct socket (faster), then used
# through the proxy.
[[ "$pg_url" == postgres://* ]] || die "unexpected test server URL $pg_url"

declare -A port token pid
start_node() { # name db
  local name="$1" db="$2" log="$tmp/$1.log"
  token[$name]=$("$bin" token create --db "$db" --name bench | tail -n 1)
  # shellcheck disable=SC2086  # BENCH_SERVE_ARGS is a list of flags
  # Each node spools into the temp dir: a spool left in the working
  # directory would be replayed by the next run's node.
  "${app_cpu[@]}" "$bin" serve --listen 127.0.0.1:0 --db "$db" --admin-password bench-password-1 \
    --click-spool "$tmp/$name.spool" \
    ${BENCH_SERVE_ARGS:-} >"$log" 2>&1 &
  pids+=($!)
  pid[$name]=$!
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
start_node pg "$far_url"

api_post() { # node path json
  local code
  code=$(curl -sS -o "$tmp/api-response" -w '%{http_code}' \
    -H "Authorization: Bearer ${token[$1]}" -H 'Content-Type: application/json' \
    --data-binary "$3" "http://127.0.0.1:${port[$1]}$2")
  [[ "$code" == 201 ]] || die "POST $2 on $1 answered $code: $(cat "$tmp/api-response")"
}
setup() { # node
  local i
  for i in 1 2 3; do api_post "$1" /api/v1/links "{\"slug\":\"m$i\",\"phone\":\"551199999000$i\"}"; done
  api_post "$1" /api/v1/links '{"slug":"plain","phone":"5511999990009"}'
  api_post "$1" /api/v1/links '{"slug":"rotate","phone":"5511999990000"}'
  api_post "$1" /api/v1/links '{"slug":"fixed","phone":"5511999990008"}'
  api_post "$1" /api/v1/centrals '{"anchor":"rotate","members":["m1","m2","m3"]}'
  api_post "$1" /api/v1/centrals '{"anchor":"fixed","members":["m1","m2","m3"],"fixed":true}'
}
setup sqlite
setup pg

rps_of() { grep -m1 'Requests/sec' "$1" | awk '{print $2}'; }
lat_of() { grep -m1 " $2%" "$1" | awk '{print $2}'; }
errors_of() { grep -m1 -E 'Non-2xx|Socket errors' "$1" | tr -s ' ' || true; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# CPU time (clock ticks, user + system) a process and its reaped children
# have used so far; for PostgreSQL the postmaster plus its live backends.
ticks_of() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local pm total child
  pm=$(head -n 1 "$tmp/pg/data/postmaster.pid")
  total=$(ticks_of "$pm")
  for child in $(pgrep -P "$pm"); do total=$((total + $(ticks_of "$child"))); done
  echo "$total"
}
cpu_snapshot() { # node -> "node proxy postgres" ticks
  echo "$(ticks_of "${pid[$1]}") $(ticks_of "$proxy_pid") $(pg_ticks)"
}
metric() { # node name
  curl -s "http://127.0.0.1:${port[$1]}/metrics" | awk -v n="$2" '$1 == n {print $2}'
}

read -r -a scenarios <<<"${BENCH_SCENARIOS:-rotate fixed}"
declare -A titles=(
  [rotate]="central of 3, rotation"
  [fixed]="central of 3, fixed, new visitor each request"
)
declare -A results
for s in "${scenarios[@]}"; do
  for r in $(seq 1 "$rounds"); do
    for node in sqlite pg; do
      out="$tmp/$s-$node-$r"
      read -r n0 x0 p0 <<<"$(cpu_snapshot "$node")"
      [[ $node == pg ]] && f0=$(metric pg sequencial_rotation_fallback_total)
      /usr/bin/time -f '%U %S' -o "$out.time" \
        "${app_cpu[@]}" wrk -t1 -c"$conns" -d"${secs}s" --latency \
        "http://127.0.0.1:${port[$node]}/$s" >"$out"
      read -r n1 x1 p1 <<<"$(cpu_snapshot "$node")"
      results[$s,$node]+=" $(rps_of "$out")"
      if [[ $node == pg ]]; then
        results[$s,fallbacks]=$((${results[$s,fallbacks]:-0} + $(metric pg sequencial_rotation_fallback_total) - f0))
      fi
      # CPU microseconds per request: node, wrk, and for the PostgreSQL node
      # the proxy and PostgreSQL itself (first round only).
      if [[ $r == 1 ]]; then
        requests=$(grep -m1 -E '^ *[0-9]+ requests in' "$out" | awk '{print $1}')
        tick_us=$((1000000 / $(getconf CLK_TCK)))
        results[$s,$node,cpu]=$(awk -v n=$((n1 - n0)) -v x=$((x1 - x0)) -v p=$((p1 - p0)) \
          -v w="$(cat "$out.time")" -v q="$requests" -v t="$tick_us" -v node="$node" \
          'BEGIN { split(w, u, " "); f = t / q;
                   s = sprintf("node %.1f, wrk %.1f", n * f, (u[1] + u[2]) * 1e6 / q);
                   if (node == "pg") s = s sprintf(", proxy %.1f, PostgreSQL %.1f", x * f, p * f);
                   print s }')
      fi
      [[ $r == 1 ]] && results[$s,$node,lat]="$(lat_of "$out" 50) / $(lat_of "$out" 99)"
      results[$s,$node,err]+="$(errors_of "$out")"
    done
    echo "never_wait: $s round $r done" >&2
  done
done

# Logins from 16 addresses (each a loop of wrong-password attempts, bounded
# in count and time) while wrk measures the SQLite node's redirects.
flood() {
  local i
  for i in $(seq 1 16); do
    (
      end=$((SECONDS + secs + 1))
      n=0
      while ((SECONDS < end && n < 400)); do
        curl -s -o /dev/null --interface "127.0.1.$i" -H 'Content-Type: application/json' \
          --data '{"email":"admin@localhost","password":"wrong-password-'"$i"'"}' \
          "http://127.0.0.1:${port[sqlite]}/api/v1/session" || true
        n=$((n + 1))
      done
    ) &
    flooders+=($!)
  done
}
wrk -t1 -c64 -d"${secs}s" --latency "http://127.0.0.1:${port[sqlite]}/rotate" >"$tmp/calm"
flooders=()
flood
wrk -t1 -c64 -d"${secs}s" --latency "http://127.0.0.1:${port[sqlite]}/rotate" >"$tmp/flood"
for pid in "${flooders[@]}"; do wait "$pid" 2>/dev/null || true; done

# The proxy prints its lateness when it stops.
kill -TERM "$proxy_pid" 2>/dev/null || true
wait "$proxy_pid" 2>/dev/null || true
late() { sed -n "s/.*${1}_late_us_${2}=\([0-9.]*\).*/\1/p" "$tmp/proxy.out"; }

mkdir -p "$here/results"
{
  echo "# The redirect never waits ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "wrk -t1 -c$conns, ${secs}s, $rounds rounds alternating the two nodes; PostgreSQL behind"
  if [[ ${#app_cpu[@]} -gt 0 ]]; then
    echo "(--pin: PostgreSQL and the proxy on CPU 1; both nodes and wrk on CPU 0)"
  fi
  echo "tests/tools/delay_proxy (${delay_ms} ms each way); $(nproc) cores, load average"
  echo "$(cut -d' ' -f1-3 /proc/loadavg). Medians of requests/s; p50 / p99 of the first round."
  echo
  echo "| scenario | SQLite node req/s | PostgreSQL node req/s | PG / SQLite | p50 / p99 SQLite | p50 / p99 PG | errors |"
  echo "| --- | ---: | ---: | ---: | --- | --- | --- |"
  for s in "${scenarios[@]}"; do
    # shellcheck disable=SC2086  # word splitting of the collected numbers is wanted
    sq=$(median ${results[$s,sqlite]})
    # shellcheck disable=SC2086
    pg=$(median ${results[$s,pg]})
    ratio=$(awk -v a="$pg" -v b="$sq" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
    err="${results[$s,sqlite,err]}${results[$s,pg,err]}"
    echo "| ${titles[$s]} | $sq | $pg | $ratio | ${results[$s,sqlite,lat]} | ${results[$s,pg,lat]} | ${err:-none} |"
  done
  echo
  echo "CPU µs per request (first round):"
  for s in "${scenarios[@]}"; do
    echo "- ${titles[$s]}: SQLite node: ${results[$s,sqlite,cpu]}; PostgreSQL node: ${results[$s,pg,cpu]}."
  done
  echo
  for s in "${scenarios[@]}"; do
    echo "- ${titles[$s]}: PostgreSQL node's rotation fallbacks during its runs: ${results[$s,fallbacks]:-0}."
  done
  echo
  echo "PostgreSQL node: rotation fallbacks $(metric pg sequencial_rotation_fallback_total)," \
    "lookup batches $(metric pg sequencial_route_lookup_batches_total)," \
    "late answers $(metric pg sequencial_route_lookup_late_total);" \
    "mean batch $(awk -v q="$(metric pg sequencial_route_lookup_questions_total)" \
      -v b="$(metric pg sequencial_route_lookup_batches_total)" 'BEGIN {printf "%.0f", (b > 0 ? q / b : 0)}')" \
    "questions in $(awk -v t="$(metric pg sequencial_route_lookup_milliseconds_total)" \
      -v b="$(metric pg sequencial_route_lookup_batches_total)" 'BEGIN {printf "%.2f", (b > 0 ? t / b : 0)}') ms."
  echo
  echo "Proxy lateness over its ${delay_ms} ms (mean / max µs): picking a chunk up" \
    "$(late read mean) / $(late read max) (TCP side only), sending it $(late write mean) / $(late write max)."
  echo
  echo "| redirects on the SQLite node (wrk -c64, /rotate) | req/s | p50 | p99 |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| alone | $(rps_of "$tmp/calm") | $(lat_of "$tmp/calm" 50) | $(lat_of "$tmp/calm" 99) |"
  echo "| during 16 clients' login flood | $(rps_of "$tmp/flood") | $(lat_of "$tmp/flood" 50) | $(lat_of "$tmp/flood" 99) |"
  echo
  echo "Logins answered during the flood: 401 and 429 replies counted by the server:" \
    "$(metric sqlite 'sequencial_http_responses_total{code="4xx"}') 4xx."
} | tee "$here/results/never_wait.md"
