#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Side-by-side throughput/latency bench: `sequencial serve` vs nginx `return 302`.
#
# Both servers run on loopback, are driven by the same wrk settings in the same
# run, alternating A B A B (nginx, ours, nginx, ours...) so that machine noise
# hits both alike. Reports the median over rounds and the ratio ours/nginx.
# With --clicks-off, a second `sequencial serve` with click logging emulated
# off joins every round (A B C), and a second table compares logging on/off.
# See bench/README.md for how to read the output.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"

# ---------------------------------------------------------------- settings --
# Every flag has a BENCH_* environment variable (not SEQUENCIAL_*: the server
# itself reads those).
bin="${BENCH_BIN:-$repo_root/build/src/app/sequencial}"
duration="${BENCH_DURATION:-10}"
connections="${BENCH_CONNECTIONS:-64 1000}"
rounds="${BENCH_ROUNDS:-2}"
wrk_threads="${BENCH_WRK_THREADS:-1}"
warmup="${BENCH_WARMUP:-1}"
server_threads="${BENCH_SERVER_THREADS:-$(nproc)}"
scenarios="${BENCH_SCENARIOS:-plain central}"
out_md="${BENCH_OUT:-$script_dir/results/latest.md}"
do_build="${BENCH_BUILD:-0}"
clicks_off="${BENCH_CLICKS_OFF:-0}"
db_template="${BENCH_DB_TEMPLATE:-}"
rows_out="${BENCH_ROWS_OUT:-}"
row_label="${BENCH_LABEL:-}"
rate="${BENCH_RATE:-0}"
serve_args="${BENCH_SERVE_ARGS:-}"
build_dir="$repo_root/build-bench"

usage() {
  cat <<EOF
Usage: bench/run.sh [options] [SEQUENCIAL_BINARY]

Runs wrk against nginx (return 302) and against \`sequencial serve\`, on
127.0.0.1, alternating nginx/ours for each round, and prints a table of the
medians (requests/s, p50, p99, ratio ours/nginx, our RSS). The table is also
written as markdown to bench/results/latest.md.

Options (environment variable in brackets):
  -b, --bin PATH          sequencial binary [BENCH_BIN]
                          (default: build/src/app/sequencial)
      --build             configure and build build-bench/ (Release, no tests)
                          and use build-bench/src/app/sequencial [BENCH_BUILD=1]
  -d, --duration SECS     wrk duration of each measured run [BENCH_DURATION] (default 10)
  -c, --connections LIST  connection counts, space or comma separated
                          [BENCH_CONNECTIONS] (default "64 1000")
  -r, --rounds N          A/B rounds per scenario and connection count; the
                          median is reported [BENCH_ROUNDS] (default 2)
  -t, --wrk-threads N     wrk threads, same for both servers [BENCH_WRK_THREADS] (default 1)
      --warmup SECS       unmeasured wrk run per server before each series,
                          0 to skip [BENCH_WARMUP] (default 1)
      --server-threads N  nginx workers and sequencial --threads [BENCH_SERVER_THREADS]
                          (default nproc = $(nproc))
  -s, --scenarios LIST    scenario ids to run [BENCH_SCENARIOS] (default "plain central")
                          available: $(printf '%s ' "${scenario_ids[@]}")
  -o, --out FILE          markdown output [BENCH_OUT] (default bench/results/latest.md)
      --clicks-off        also start a second sequencial with click logging
                          emulated off (--click-queue-capacity 1, flush once a
                          day: every click record is built, then dropped), run
                          it in every round after ours, and print a table of
                          logging on vs off [BENCH_CLICKS_OFF=1]
      --db-template FILE  start ours on a copy of this SQLite database (e.g. one
                          made by seed_bench_db) instead of an empty one
                          [BENCH_DB_TEMPLATE]
      --serve-args "ARGS" extra flags for \`sequencial serve\` [BENCH_SERVE_ARGS]
      --rate R            paced runs: each wrk connection waits --pace-ms
                          between its requests (wrk Lua delay()), with
                          R * pace / 1000 connections, for about R req/s in all
                          (a closed loop, not wrk2's constant rate). -c is
                          ignored [BENCH_RATE]
      --rows-out FILE     append each table row (pipe-separated, first field
                          the label) to FILE, for bench/all.sh [BENCH_ROWS_OUT]
      --label TEXT        the label of those rows [BENCH_LABEL] (default: scenario title)
  -h, --help              this help

Exit status: 0 when every run of ours answered only 2xx/3xx and the server
stayed up; 1 otherwise (the table is printed either way).
EOF
}

# Scenarios (ids, titles, paths, setup_<id> functions) live in one file,
# shared with callgrind.sh.
# shellcheck source=scenarios.sh
source "$script_dir/scenarios.sh"

# ------------------------------------------------------------------- flags --
positional_bin=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -b | --bin) bin="$2"; shift 2 ;;
    --build) do_build=1; shift ;;
    -d | --duration) duration="$2"; shift 2 ;;
    -c | --connections) connections="$2"; shift 2 ;;
    -r | --rounds) rounds="$2"; shift 2 ;;
    -t | --wrk-threads) wrk_threads="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    -s | --scenarios) scenarios="$2"; shift 2 ;;
    -o | --out) out_md="$2"; shift 2 ;;
    --clicks-off) clicks_off=1; shift ;;
    --db-template) db_template="$2"; shift 2 ;;
    --serve-args) serve_args="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --rows-out) rows_out="$2"; shift 2 ;;
    --label) row_label="$2"; shift 2 ;;
    -*) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional_bin="$1"; shift ;;
  esac
done
[[ -n "$positional_bin" ]] && bin="$positional_bin"
connections="${connections//,/ }"
scenarios="${scenarios//,/ }"

die() { echo "bench: $*" >&2; exit 2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
if ! is_uint "$duration" || ((duration <= 0)); then die "--duration must be a positive integer (seconds)"; fi
if ! is_uint "$rounds" || ((rounds <= 0)); then die "--rounds must be a positive integer"; fi
if ! is_uint "$wrk_threads" || ((wrk_threads <= 0)); then die "--wrk-threads must be a positive integer"; fi
is_uint "$warmup" || die "--warmup must be a non-negative integer"
if ! is_uint "$server_threads" || ((server_threads <= 0)); then die "--server-threads must be a positive integer"; fi
for c in $connections; do
  if ! is_uint "$c" || ((c < wrk_threads)); then die "bad connection count '$c' (integer >= wrk threads)"; fi
done
is_uint "$rate" || die "--rate must be a non-negative integer (req/s)"
pace_ms=2
if ((rate > 0)); then
  # wrk's delay() has millisecond resolution: pace each connection at one
  # request per pace_ms (plus the response time), enough connections for R.
  connections="$(((rate * pace_ms + 999) / 1000))"
  ((connections >= wrk_threads)) || connections=$wrk_threads
fi
[[ -z "$db_template" || -f "$db_template" ]] || die "--db-template: no such file: $db_template"
for s in $scenarios; do
  [[ -n "${scenario_title[$s]:-}" ]] || die "unknown scenario '$s' (known: ${scenario_ids[*]})"
done
for tool in wrk curl python3 awk; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
[[ -n "$nginx_bin" ]] || die "nginx not found (apt-get install nginx-light)"

if [[ "$do_build" == 1 ]]; then
  echo "bench: building $build_dir (Release)..." >&2
  # The packages and npm's node_modules (the admin UI's embedded assets).
  "$repo_root/scripts/install-deps.sh" --test >&2
  (cd "$repo_root" &&
    cmake -S . -B build-bench -DSEQUENCIAL_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build build-bench --target sequencial -j"$(nproc)") >&2
  bin="$build_dir/src/app/sequencial"
fi
[[ -x "$bin" ]] || die "sequencial binary not found or not executable: $bin (build it, or pass --build / --bin)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

# Raise the open-files limit for 1,000 connections (both servers and wrk
# inherit it).
hard_nofile="$(ulimit -Hn)"
want_nofile=65536
if [[ "$hard_nofile" != unlimited ]] && ((hard_nofile < want_nofile)); then want_nofile="$hard_nofile"; fi
ulimit -Sn "$want_nofile" 2>/dev/null || true
max_conns=0
for c in $connections; do if ((c > max_conns)); then max_conns=$c; fi; done
if (($(ulimit -Sn) < max_conns + 64)); then
  die "open-files limit $(ulimit -Sn) too low for $max_conns connections"
fi

# ----------------------------------------------------------------- cleanup --
tmp="$(mktemp -d "${TMPDIR:-/tmp}/sequencial-bench.XXXXXX")"
nginx_pid=""
ours_pid=""
nolog_pid=""
wrk_pid=""
# shellcheck disable=SC2317  # called from the traps
stop_pid() { # pid signal
  local pid="$1" sig="$2"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# shellcheck disable=SC2317  # run by the traps
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  stop_pid "$wrk_pid" TERM
  stop_pid "$ours_pid" TERM
  stop_pid "$nolog_pid" TERM
  stop_pid "$nginx_pid" QUIT
  if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then
    echo "bench: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------- helpers --
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rss_kb() { # pid -> VmRSS in kB (0 if gone)
  local kb=""
  [[ -r "/proc/$1/status" ]] && kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)"
  echo "${kb:-0}"
}

nginx_rss_kb() { # master + workers
  local total pid
  total="$(rss_kb "$nginx_pid")"
  for pid in $(pgrep -P "$nginx_pid" 2>/dev/null || true); do
    total=$((total + $(rss_kb "$pid")))
  done
  echo "$total"
}

fmt_rss() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }

metric() { # name [port] (samples whose name is `name`, summed over labels)
  { curl -sS "http://127.0.0.1:${2:-$ours_port}/metrics" 2>/dev/null || true; } |
    awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $NF; found = 1 }
                      END { if (found) printf "%d\n", sum; else print "" }'
}

# Parse wrk --latency output into "rps p50_ms p99_ms requests non3xx errors timeouts".
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" && p50 == "" { p50 = ms($2) }
    $1 == "99%" && p99 == "" { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /Non-2xx or 3xx responses:/ { non3xx = $NF }
    /Socket errors:/ {
      gsub(/,/, "")
      errors = $4 + $6 + $8; timeouts = $10
    }
    END {
      if (rps == "") exit 1
      printf "%s %.3f %.3f %d %d %d %d\n", rps, p50, p99, reqs, non3xx + 0, errors + 0, timeouts + 0
    }'
}

median() { # numbers... -> median
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wrk runs in the background and the shell waits for it: wrk handles SIGINT
# itself (it prints its results), and bash ignores a Ctrl-C that a foreground
# child handled, so `wait` is what lets the INT trap stop the whole bench.
wrk_pid=""
run_wrk() { # output-file url conns secs lua
  local file="$1" url="$2" conns="$3" secs="$4" lua="$5"
  local args=(-t"$wrk_threads" -c"$conns" -d"${secs}s" --latency)
  if [[ -n "$lua" ]]; then args+=(-s "$lua"); fi
  wrk "${args[@]}" "$url" >"$file" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || true
  wrk_pid=""
}

# --------------------------------------------------------------- start-up --
nproc_count="$(nproc)"

nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes $server_threads;
worker_rlimit_nofile $(ulimit -Sn);
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $tmp/nginx/tmp/body;
  proxy_temp_path $tmp/nginx/tmp/proxy;
  fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
  uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
  scgi_temp_path $tmp/nginx/tmp/scgi;

  server {
    listen 127.0.0.1:$nginx_port reuseport backlog=4096;
    location / {
      add_header Cache-Control no-store always;
      return 302 https://wa.me/5511999990001?text=Ol%C3%A1;
    }
  }
}
EOF
# -e: nginx 1.22 opens its default error log before reading the conf; send
# that to the temp dir too so no system path is touched.
"$nginx_bin" -e "$tmp/nginx/logs/error.log" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
  >"$tmp/nginx/logs/stdout.log" 2>&1 &
nginx_pid=$!

# Keep the operator's SEQUENCIAL_* settings out of the server under test.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SEQUENCIAL_' || true)

# Starts `sequencial serve` on a new database in $tmp/<name>.db, with a new
# admin token and any extra flags; sets started_pid, started_port and
# started_token.
start_sequencial() { # name extra-serve-args...
  local name="$1" log="$tmp/$1.log" db="$tmp/$1.db"
  shift
  if [[ -n "$db_template" ]]; then cp "$db_template" "$db"; fi
  started_token="$("$bin" token create --db "$db" --name bench 2>"$tmp/token.err" | tail -n 1)" ||
    { cat "$tmp/token.err" >&2; die "token create failed"; }
  [[ -n "$started_token" ]] || die "token create printed nothing"
  local t0 extra=()
  read -ra extra <<<"$serve_args"
  t0="$(date +%s.%N)"
  "$bin" serve --listen 127.0.0.1:0 --db "$db" --threads "$server_threads" "${extra[@]}" "$@" >"$log" 2>&1 &
  started_pid=$!
  started_port=""
  for _ in $(seq 1 3000); do
    kill -0 "$started_pid" 2>/dev/null || { cat "$log" >&2; die "sequencial serve ($name) exited at start-up"; }
    started_port="$(grep -m1 'event=listening' "$log" 2>/dev/null |
      sed -E 's/.*[[:space:]]port=([0-9]+).*/\1/' || true)"
    if [[ -n "$started_port" ]]; then
      started_secs="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
      echo "bench: sequencial serve ($name) listening after ${started_secs} s, RSS $(fmt_rss "$(rss_kb "$started_pid")")" >&2
      return 0
    fi
    sleep 0.02
  done
  cat "$log" >&2
  die "sequencial serve ($name) did not log event=listening"
}

start_sequencial sequencial
ours_pid=$started_pid
ours_port=$started_port
token=$started_token

# Click logging "off": the server has no switch for it, so the second
# instance gets a click queue of one record per event loop that is flushed
# once a day (and never woken by a full batch). Each redirect still builds
# its click record and offers it to the queue, which drops it and counts it
# in sequencial_clicks_dropped_total: what is saved is the queueing, the
# writer thread, rollups_of() and the SQLite writes.
nolog_flags=(--click-queue-capacity 1 --click-flush-interval-ms 86400000 --click-flush-batch 1000000)
nolog_port=""
if [[ "$clicks_off" == 1 ]]; then
  start_sequencial sequencial-nolog "${nolog_flags[@]}"
  nolog_pid=$started_pid
  nolog_port=$started_port
  nolog_token=$started_token
fi

for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/nginx/logs/"* >&2; die "nginx exited at start-up"; }
  sleep 0.1
done

for s in $scenarios; do
  if declare -F "setup_$s" >/dev/null; then
    "setup_$s"
    if [[ "$clicks_off" == 1 ]]; then api_port=$nolog_port api_token=$nolog_token "setup_$s"; fi
  fi
done

servers=(nginx ours)
if [[ "$clicks_off" == 1 ]]; then servers+=(nolog); fi
port_of() { # server -> port
  case "$1" in
    nginx) echo "$nginx_port" ;;
    ours) echo "$ours_port" ;;
    nolog) echo "$nolog_port" ;;
  esac
}

# Sanity: both answer 302 to wa.me on every scenario path; keep the headers
# so that the report shows what each server actually sends.
headers_md=""
for s in $scenarios; do
  for who in "${servers[@]}"; do
    port="$(port_of "$who")"
    hdrs="$(curl -sS -o /dev/null -D - "http://127.0.0.1:$port${scenario_path[$s]}" | tr -d '\r')"
    status="$(head -n1 <<<"$hdrs" | awk '{print $2}')"
    location="$(awk -F': ' 'tolower($1) == "location" {print $2}' <<<"$hdrs")"
    if [[ "$status" != 302 || "$location" != https://wa.me/* ]]; then
      echo "$hdrs" >&2
      die "$who answered $status (Location: $location) on ${scenario_path[$s]}, expected 302 to wa.me"
    fi
    headers_md+=$'\n'"$who ${scenario_path[$s]} ($(wc -c <<<"$hdrs") bytes of headers):"$'\n\n```\n'"$hdrs"$'\n```\n'
  done
done

# --------------------------------------------------------------- the runs --
echo "bench: nginx on 127.0.0.1:$nginx_port (pid $nginx_pid, $server_threads workers), sequencial on 127.0.0.1:$ours_port (pid $ours_pid, --threads $server_threads)" >&2
if [[ "$clicks_off" == 1 ]]; then
  echo "bench: sequencial with click logging off on 127.0.0.1:$nolog_port (pid $nolog_pid, ${nolog_flags[*]})" >&2
fi
echo "bench: wrk -t$wrk_threads -d${duration}s --latency, connections: $connections, rounds: $rounds, scenarios: $scenarios, servers per round: ${servers[*]}" >&2

raw_tsv="$tmp/runs.tsv"
printf 'scenario\tconns\tround\tserver\trps\tp50_ms\tp99_ms\trequests\tnon2xx3xx\tsocket_errors\ttimeouts\trss_kb\tbusy_after_s\tcpu_us_per_redirect\tclicks_dropped\n' >"$raw_tsv"
declare -a table_rows=()
declare -a log_rows=()
declare -a notes=()
failed=0

# After a run, a server may still be busy with work it deferred: clicks in
# its queue, assignments in its write-behind, a WAL checkpoint. Wait until
# its process is idle (at most one clock tick of CPU in 0.3 s) so that this
# work is not charged to the next run (of nginx or of the other server),
# and is counted in its own CPU time. Prints the seconds waited.
clk_tck="$(getconf CLK_TCK)"
cpu_ticks() { # pid -> user + system clock ticks of all its threads
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
wait_idle() { # pid -> seconds
  local start before after
  start="$(date +%s.%N)"
  after="$(cpu_ticks "$1")"
  for _ in $(seq 1 400); do
    before=$after
    sleep 0.3
    after="$(cpu_ticks "$1")"
    ((after - before <= 1)) && break
  done
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a - 0.3 }'
}

server_alive() { # who -> 0 if its process is running
  case "$1" in
    nginx) kill -0 "$nginx_pid" 2>/dev/null ;;
    ours) kill -0 "$ours_pid" 2>/dev/null ;;
    nolog) kill -0 "$nolog_pid" 2>/dev/null ;;
  esac
}

for s in $scenarios; do
  path="${scenario_path[$s]}"
  lua="${scenario_lua[$s]:-}"
  if ((rate > 0)); then
    # The scenario's script (if any) plus a delay() that paces each connection.
    { [[ -n "$lua" ]] && cat "$lua"; echo "function delay() return $pace_ms end"; } >"$tmp/paced-$s.lua"
    lua="$tmp/paced-$s.lua"
  fi
  for c in $connections; do
    if ((warmup > 0)); then
      echo "bench: [$s c=$c] warm-up ${warmup}s each" >&2
      for who in "${servers[@]}"; do
        run_wrk /dev/null "http://127.0.0.1:$(port_of "$who")$path" "$c" "$warmup" "$lua"
      done
    fi
    # Per server: space-separated figures of every round, and the largest RSS.
    declare -A l_rps=() l_p50=() l_p99=() l_rss=() l_busy=() l_cpu=() l_dropped=()
    for r in $(seq 1 "$rounds"); do
      for who in "${servers[@]}"; do
        port="$(port_of "$who")"
        before_redirects=""
        before_dropped=""
        pid=""
        if [[ $who != nginx ]]; then
          pid=$ours_pid
          [[ $who == nolog ]] && pid=$nolog_pid
          before_redirects="$(metric sequencial_redirects_total "$port")"
          before_dropped="$(metric sequencial_clicks_dropped_total "$port")"
          before_ticks="$(cpu_ticks "$pid")"
        fi
        wrk_out="$tmp/wrk-$s-$c-$r-$who.txt"
        run_wrk "$wrk_out" "http://127.0.0.1:$port$path" "$c" "$duration" "$lua"
        out="$(cat "$wrk_out")"
        for w in "${servers[@]}"; do
          if ! server_alive "$w"; then
            if [[ $w == nginx ]]; then
              notes+=("$s, $c conns, round $r: nginx DIED (error log: $(tail -n 3 "$tmp/nginx/logs/error.log" 2>/dev/null | tr '\n' ' '))")
            else
              log="$tmp/sequencial.log"
              [[ $w == nolog ]] && log="$tmp/sequencial-nolog.log"
              notes+=("$s, $c conns, round $r: sequencial serve ($w) DIED (log tail: $(tail -n 3 "$log" | tr '\n' ' '))")
            fi
            failed=1
            break 4
          fi
        done
        if ! parsed="$(parse_wrk <<<"$out")"; then
          notes+=("$s, $c conns, round $r, $who: wrk produced no result: $(tr '\n' ' ' <<<"$out" | cut -c1-300)")
          failed=1
          continue
        fi
        read -r rps p50 p99 reqs non3xx errs touts <<<"$parsed"
        busy=""
        cpu_us=""
        dropped=""
        if [[ $who != nginx ]]; then
          busy="$(wait_idle "$pid")"
          after_ticks="$(cpu_ticks "$pid")"
          l_busy[$who]+=" $busy"
          after_dropped="$(metric sequencial_clicks_dropped_total "$port")"
          if [[ -n "$before_dropped" && -n "$after_dropped" ]]; then
            dropped=$((after_dropped - before_dropped))
            l_dropped[$who]=$((${l_dropped[$who]:-0} + dropped))
            if [[ $who == ours ]] && ((dropped > 0)); then
              notes+=("$s, $c conns, round $r: ours DROPPED $dropped click records (queue full: the writer fell behind)")
            fi
          fi
        fi
        case "$who" in
          nginx) rss="$(nginx_rss_kb)" ;;
          ours) rss="$(rss_kb "$ours_pid")" ;;
          nolog) rss="$(rss_kb "$nolog_pid")" ;;
        esac
        if ((rss > ${l_rss[$who]:-0})); then l_rss[$who]=$rss; fi
        l_rps[$who]+=" $rps"
        l_p50[$who]+=" $p50"
        l_p99[$who]+=" $p99"
        if ((non3xx > 0)); then
          notes+=("$s, $c conns, round $r: $who answered $non3xx non-2xx/3xx responses (of $reqs)")
          if [[ $who != nginx ]]; then failed=1; fi
        fi
        if [[ $who != nginx ]]; then
          after_redirects="$(metric sequencial_redirects_total "$port")"
          if [[ -n "$before_redirects" && -n "$after_redirects" ]]; then
            counted=$((after_redirects - before_redirects))
            # CPU time of the server process (every thread, including the
            # deferred work waited for above) per redirect it counted.
            if ((counted > 0)); then
              cpu_us="$(awk -v t="$((after_ticks - before_ticks))" -v hz="$clk_tck" -v n="$counted" \
                'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
              l_cpu[$who]+=" $cpu_us"
            fi
            # wrk counts only completed requests; the server may have answered
            # a few more that were in flight when wrk stopped.
            if ((counted < reqs)); then
              notes+=("$s, $c conns, round $r: $who counted $counted redirects in /metrics but wrk completed $reqs requests")
            fi
          fi
        fi
        if ((errs > 0 || touts > 0)); then
          notes+=("$s, $c conns, round $r, $who: wrk socket errors $errs (connect/read/write), timeouts $touts")
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
          "$s" "$c" "$r" "$who" "$rps" "$p50" "$p99" "$reqs" "$non3xx" "$errs" "$touts" "$rss" "$busy" "$cpu_us" "$dropped" >>"$raw_tsv"
        printf 'bench: [%s c=%s round %s] %-5s %10.0f req/s  p50 %.3f ms  p99 %.3f ms%s%s\n' \
          "$s" "$c" "$r" "$who" "$rps" "$p50" "$p99" \
          "$( ((non3xx + errs + touts > 0)) && echo "  non-3xx $non3xx, errors $errs, timeouts $touts")" \
          "${busy:+  (busy ${busy} s after the run; ${cpu_us:-?} CPU µs/redirect; ${dropped:-?} clicks dropped)}" >&2
      done
    done
    med() { # server figure -> median over rounds
      local -a v
      case "$2" in
        rps) read -ra v <<<"${l_rps[$1]:-}" ;;
        p50) read -ra v <<<"${l_p50[$1]:-}" ;;
        p99) read -ra v <<<"${l_p99[$1]:-}" ;;
        busy) read -ra v <<<"${l_busy[$1]:-}" ;;
        cpu) read -ra v <<<"${l_cpu[$1]:-}" ;;
      esac
      median "${v[@]}"
    }
    if [[ -n "${l_rps[ours]:-}" && -n "${l_rps[nginx]:-}" ]]; then
      mo_rps="$(med ours rps)"
      mn_rps="$(med nginx rps)"
      ratio="$(awk -v a="$mo_rps" -v b="$mn_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
      table_rows+=("$(printf '%s|%s|%.0f|%.0f|%s|%.3f ms|%.3f ms|%.3f ms|%.3f ms|%s' \
        "${scenario_title[$s]}" "$c" "$mo_rps" "$mn_rps" "$ratio" \
        "$(med ours p50)" "$(med ours p99)" \
        "$(med nginx p50)" "$(med nginx p99)" "$(fmt_rss "${l_rss[ours]:-0}")")")
      notes+=("$s, $c conns: nginx RSS (master + workers) $(fmt_rss "${l_rss[nginx]:-0}")")
    fi
    if [[ -n "${l_rps[ours]:-}" && -n "${l_rps[nolog]:-}" ]]; then
      mo_rps="$(med ours rps)"
      mf_rps="$(med nolog rps)"
      # on/off of the medians, and of each round's pair (ours then nolog, back to back).
      read -ra on_v <<<"${l_rps[ours]}"
      read -ra off_v <<<"${l_rps[nolog]}"
      pair_ratios=()
      for i in "${!on_v[@]}"; do
        [[ -n "${off_v[$i]:-}" ]] || continue
        pair_ratios+=("$(awk -v a="${on_v[$i]}" -v b="${off_v[$i]}" 'BEGIN { if (b > 0) printf "%.3f", a / b }')")
      done
      mo_cpu="$(med ours cpu)"
      mf_cpu="$(med nolog cpu)"
      log_rows+=("$(printf '%s|%s|%.0f|%.0f|%s|%s|%s|%.1f|%.1f|%s|%.3f ms|%.3f ms|%.3f ms|%.3f ms|%.1f s|%.1f s|%s' \
        "${scenario_title[$s]}" "$c" "$mo_rps" "$mf_rps" \
        "$(awk -v a="$mo_rps" -v b="$mf_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" \
        "$(awk -v a="$mo_rps" -v b="$mf_rps" 'BEGIN { if (b > 0) printf "%.0f%%", (1 - a / b) * 100; else print "n/a" }')" \
        "$(printf '%s ' "${pair_ratios[@]}" | sed 's/ $//')" \
        "$mo_cpu" "$mf_cpu" \
        "$(awk -v a="$mo_cpu" -v b="$mf_cpu" 'BEGIN { if (a > 0) printf "%.0f%%", (1 - b / a) * 100; else print "n/a" }')" \
        "$(med ours p50)" "$(med nolog p50)" "$(med ours p99)" "$(med nolog p99)" \
        "$(med ours busy)" "$(med nolog busy)" "${l_dropped[ours]:-?}")")
    fi
    unset l_rps l_p50 l_p99 l_rss l_busy l_cpu l_dropped
  done
done

# ------------------------------------------------------------------ report --
header="scenario|conns|ours req/s|nginx req/s|ratio|ours p50|ours p99|nginx p50|nginx p99|ours RSS"
log_header="scenario|conns|on req/s|off req/s|on/off|cost|on/off each round|on CPU µs/redirect|off CPU µs/redirect|CPU cost|on p50|off p50|on p99|off p99|on busy after|off busy after|on dropped"

# Plain-text table on stdout: header, then rows, each |-separated.
print_table() { # header rows...
  printf '%s\n' "$@" | awk -F'|' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NF; rows = NR }
  END {
    for (r = 1; r <= rows; r++) {
      line = ""
      for (i = 1; i <= n; i++) {
        fmt = (i == 1) ? "%-" w[i] "s" : "%" w[i] "s"
        line = line (i > 1 ? "  " : "") sprintf(fmt, cell[r, i])
      }
      print line
      if (r == 1) { sep = ""; for (i = 1; i <= n; i++) sep = sep (i > 1 ? "  " : "") sprintf("%" w[i] "s", "") ; gsub(/ /, "-", sep); print sep }
    }
  }'
}
md_table() { # header rows...
  local row
  echo "| ${1//|/ | } |"
  echo "|$(awk -F'|' '{ s = ""; for (i = 1; i <= NF; i++) s = s " --- |"; print s }' <<<"$1")"
  shift
  for row in "$@"; do echo "| ${row//|/ | } |"; done
}
print_table "$header" "${table_rows[@]}"
if [[ -n "$rows_out" ]]; then
  for row in "${table_rows[@]}"; do
    if [[ -n "$row_label" ]]; then row="$row_label|${row#*|}"; fi
    echo "$row" >>"$rows_out"
  done
fi

assignments="$(metric sequencial_assignments)"
new_visitors="$(metric sequencial_new_visitors_total)"
redirects="$(metric sequencial_redirects_total)"
final_rss="$(rss_kb "$ours_pid")"
clicks_line="ours clicks: $(metric sequencial_clicks_written_total) written, $(metric sequencial_clicks_dropped_total) dropped"
log_md=""
if [[ "$clicks_off" == 1 ]]; then
  clicks_line+="; logging off: $(metric sequencial_clicks_written_total "$nolog_port") written, $(metric sequencial_clicks_dropped_total "$nolog_port") dropped (by design)"
  log_md="$(
    echo "## Click logging on vs off"
    echo
    echo "Same binary, same data; \"off\" = \`serve ${nolog_flags[*]}\` (every click record is built, then dropped). on/off = ratio of the median req/s; cost = 1 − on/off (negative: noise in favour of logging on). CPU µs/redirect = CPU time of the server process (all threads, including work it finished after wrk stopped) per redirect, median over rounds; CPU cost = 1 − off/on: the less noisy figure on a shared machine. busy after = median seconds the server kept working after wrk stopped (the bench waits for it before the next run). on dropped = click records lost to a full queue during the row."
    echo
    md_table "$log_header" "${log_rows[@]}"
  )"
fi

echo
echo "Medians over $rounds round(s) of wrk -t$wrk_threads -d${duration}s; ratio = ours/nginx req/s."
echo "ours at the end: RSS $(fmt_rss "$final_rss"), ${redirects:-?} redirects, ${new_visitors:-?} new visitors, ${assignments:-?} assignments in memory."
echo "$clicks_line."
if [[ "$clicks_off" == 1 ]]; then
  echo
  echo "Click logging on (ours) vs off (${nolog_flags[*]}); medians; cost = 1 - on/off:"
  print_table "$log_header" "${log_rows[@]}"
fi
if ((${#notes[@]} > 0)); then
  echo "notes:"
  printf '  - %s\n' "${notes[@]}"
fi

# Markdown.
mkdir -p "$(dirname "$out_md")"
git_rev="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git_dirty=""
if git -C "$repo_root" status --porcelain -- src 2>/dev/null | grep -q .; then git_dirty=" (src/ modified)"; fi
{
  echo "# Sequencial vs nginx — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit: $git_rev$git_dirty; binary: \`$bin\`"
  echo "- machine: $nproc_count cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- wrk -t$wrk_threads -d${duration}s --latency, warm-up ${warmup}s, $rounds round(s) alternating ${servers[*]}; medians shown"
  echo "- nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') with $server_threads workers; sequencial serve --threads $server_threads"
  echo "- shared, noisy machine: compare the ratio, not absolute figures (±20% between runs)"
  echo
  md_table "$header" "${table_rows[@]}"
  echo
  echo "ours at the end: RSS $(fmt_rss "$final_rss"), ${redirects:-?} redirects, ${new_visitors:-?} new visitors, ${assignments:-?} assignments in memory (one server process for the whole run: RSS and assignments accumulate across scenarios). $clicks_line."
  echo
  if [[ -n "$log_md" ]]; then
    echo "$log_md"
    echo
  fi
  if ((${#notes[@]} > 0)); then
    echo "## Notes"
    echo
    printf -- '- %s\n' "${notes[@]}"
    echo
  fi
  echo "## Every run"
  echo
  echo "| $(head -n1 "$raw_tsv" | sed 's/\t/ | /g') |"
  echo "|$(head -n1 "$raw_tsv" | awk -F'\t' '{ s = ""; for (i = 1; i <= NF; i++) s = s " --- |"; print s }')"
  tail -n +2 "$raw_tsv" | sed 's/\t/ | /g; s/^/| /; s/$/ |/'
  echo
  echo "## Response headers (one request each)"
  echo "$headers_md"
  echo "## nginx.conf"
  echo
  echo '```nginx'
  cat "$tmp/nginx/nginx.conf"
  echo '```'
} >"$out_md"
echo "bench: wrote $out_md" >&2

exit "$failed"
