#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Instructions and system calls per redirect, ours vs nginx (PERFORMANCE.md,
# instrument 2). Deterministic, so immune to the noise of a shared machine.
#
# For each server: run it under `valgrind --tool=callgrind` (every thread is
# counted, so the click/assignment writer is included), send exactly N
# keep-alive requests over one connection, stop it (SIGTERM for ours, SIGQUIT
# for nginx) so callgrind writes its total; again with a larger N;
#   (total_large - total_small) / (N_large - N_small)
# is the cost of one redirect without start-up and shutdown. The same is done
# under `strace -f -c` for system calls per request.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"

bin="${BENCH_BIN:-$repo_root/build/src/app/sequencial}"
n_small="${BENCH_N_SMALL:-1000}"
n_large="${BENCH_N_LARGE:-11000}"
server_threads="${BENCH_SERVER_THREADS:-1}"
scenarios="${BENCH_SCENARIOS:-plain central}"
do_strace="${BENCH_STRACE:-1}"
out_md="${BENCH_OUT:-$script_dir/results/callgrind.md}"

# shellcheck source=scenarios.sh
source "$script_dir/scenarios.sh"

usage() {
  cat <<EOF
Usage: bench/callgrind.sh [options] [SEQUENCIAL_BINARY]

Instructions (valgrind callgrind, user space, all threads) and system calls
(strace -f -c) per redirect, for sequencial and for nginx \`return 302\`,
from the difference between a run of N_SMALL and one of N_LARGE keep-alive
requests over one connection. Writes bench/results/callgrind.md too.

Options (environment variable in brackets):
  -b, --bin PATH          sequencial binary [BENCH_BIN] (default build/src/app/sequencial)
      --small N           requests of the small run [BENCH_N_SMALL] (default 1000)
      --large N           requests of the large run [BENCH_N_LARGE] (default 11000)
      --server-threads N  sequencial --threads; nginx always runs one process
                          [BENCH_SERVER_THREADS] (default 1)
  -s, --scenarios LIST    [BENCH_SCENARIOS] (default "plain central"; known: ${scenario_ids[*]})
      --no-strace         skip the system-call count [BENCH_STRACE=0]
  -o, --out FILE          markdown output [BENCH_OUT] (default bench/results/callgrind.md)
  -h, --help              this help
EOF
}

positional_bin=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -b | --bin) bin="$2"; shift 2 ;;
    --small) n_small="$2"; shift 2 ;;
    --large) n_large="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    -s | --scenarios) scenarios="$2"; shift 2 ;;
    --no-strace) do_strace=0; shift ;;
    -o | --out) out_md="$2"; shift 2 ;;
    -*) echo "callgrind: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional_bin="$1"; shift ;;
  esac
done
[[ -n "$positional_bin" ]] && bin="$positional_bin"
scenarios="${scenarios//,/ }"

die() { echo "callgrind: $*" >&2; exit 2; }
if ! [[ "$n_small" =~ ^[0-9]+$ && "$n_large" =~ ^[0-9]+$ ]] || ((n_large <= n_small)); then
  die "--small and --large must be integers with large > small"
fi
for s in $scenarios; do
  [[ -n "${scenario_title[$s]:-}" ]] || die "unknown scenario '$s' (known: ${scenario_ids[*]})"
done
for tool in valgrind curl python3 awk; do command -v "$tool" >/dev/null || die "$tool not found"; done
if [[ "$do_strace" == 1 ]] && ! { command -v strace >/dev/null && strace -f -c -o /dev/null true 2>/dev/null; }; then
  echo "callgrind: strace missing or not permitted here; skipping system calls" >&2
  do_strace=0
fi
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
[[ -n "$nginx_bin" ]] || die "nginx not found (apt-get install nginx-light)"
[[ -x "$bin" ]] || die "sequencial binary not found: $bin (pass --bin)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sequencial-callgrind.XXXXXX")"
server_pid=""   # the process we signal (the server itself)
wrapper_pid=""  # strace, when the server runs under it
client_pid=""   # the keep-alive client
stop_server() { # signal
  local i
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "-$1" "$server_pid" 2>/dev/null || true
    for i in $(seq 1 600); do # valgrind can take a while to write its output
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  fi
  if [[ -n "$server_pid" ]]; then wait "$server_pid" 2>/dev/null || true; fi
  if [[ -n "$wrapper_pid" ]]; then wait "$wrapper_pid" 2>/dev/null || true; fi
  server_pid=""
  wrapper_pid=""
}
# shellcheck disable=SC2317  # run by the traps
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n "$client_pid" ]]; then kill "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null; fi
  stop_server KILL
  if [[ "${BENCH_KEEP_TMP:-0}" == 1 ]]; then echo "callgrind: kept $tmp" >&2; else rm -rf "$tmp"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo "callgrind: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_log() { # file regex seconds
  local i
  for i in $(seq 1 $(($3 * 10))); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The server is started in the background, possibly under a wrapper
# (valgrind execs in place; strace forks the server as its child).
start_under() { # mode(callgrind|strace) out log cmd...
  local mode="$1" out="$2" log="$3"
  shift 3
  case "$mode" in
    callgrind)
      valgrind --tool=callgrind --callgrind-out-file="$out" --log-file="$out.valgrind.log" \
        "$@" >"$log" 2>&1 &
      server_pid=$!
      wrapper_pid=""
      ;;
    strace)
      strace -f -c -o "$out" "$@" >"$log" 2>&1 &
      wrapper_pid=$!
      server_pid=""
      for _ in $(seq 1 100); do
        server_pid="$(pgrep -P "$wrapper_pid" 2>/dev/null | head -n1 || true)"
        [[ -n "$server_pid" ]] && break
        sleep 0.05
      done
      [[ -n "$server_pid" ]] || die "strace did not start the server"
      ;;
  esac
}

# The client runs in the background and the shell waits for it, so that a
# Ctrl-C reaches the INT trap at once.
client_pid=""
send_requests() { # port path n
  python3 "$script_dir/keepalive_client.py" 127.0.0.1 "$1" "$2" "$3" >/dev/null &
  client_pid=$!
  local status=0
  wait "$client_pid" || status=$?
  client_pid=""
  return "$status"
}

callgrind_total() { # callgrind out file -> total instructions
  awk '/^(totals|summary):/ { print $2; exit }' "$1"
}

strace_counts() { # strace -c file -> "name calls" lines
  awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print $NF, $4 }' "$1"
}

# ------------------------------------------------ a template database --
# Created once by a normal (unmeasured) server, then copied for every run.
template="$tmp/template"
mkdir -p "$template"
token="$("$bin" token create --db "$template/bench.db" --name bench 2>"$tmp/token.err" | tail -n 1)" ||
  { cat "$tmp/token.err" >&2; die "token create failed"; }
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SEQUENCIAL_' || true)
"$bin" serve --listen 127.0.0.1:0 --db "$template/bench.db" --threads 1 >"$tmp/setup.log" 2>&1 &
server_pid=$!
wait_for_log "$tmp/setup.log" 'event=listening' 30 || { cat "$tmp/setup.log" >&2; die "server did not start"; }
ours_port="$(grep -m1 'event=listening' "$tmp/setup.log" | sed -E 's/.*[[:space:]]port=([0-9]+).*/\1/')"
for s in $scenarios; do
  if declare -F "setup_$s" >/dev/null; then "setup_$s"; fi
done
stop_server TERM

# run_ours / run_nginx leave the measurement file in $last_out (not printed:
# a command substitution would run them in a subshell, out of reach of the
# cleanup trap).
last_out=""
run_ours() { # mode scenario n
  local mode="$1" s="$2" n="$3" dir="$tmp/ours-$1-$2-$3" port
  mkdir -p "$dir"
  cp "$template"/bench.db* "$dir/"
  start_under "$mode" "$dir/out" "$dir/server.log" \
    "$bin" serve --listen 127.0.0.1:0 --db "$dir/bench.db" --threads "$server_threads"
  wait_for_log "$dir/server.log" 'event=listening' 300 ||
    { cat "$dir/server.log" >&2; die "sequencial did not start under $mode"; }
  port="$(grep -m1 'event=listening' "$dir/server.log" | sed -E 's/.*[[:space:]]port=([0-9]+).*/\1/')"
  send_requests "$port" "${scenario_path[$s]}" "$n" || die "ours: the client failed on ${scenario_path[$s]} under $mode"
  stop_server TERM
  last_out="$dir/out"
}

run_nginx() { # mode n
  local mode="$1" n="$2" dir="$tmp/nginx-$1-$2" port
  port="$(free_port)"
  mkdir -p "$dir/logs" "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
master_process off;
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  server {
    listen 127.0.0.1:$port reuseport backlog=4096;
    location / {
      add_header Cache-Control no-store always;
      return 302 https://wa.me/5511999990001?text=Ol%C3%A1;
    }
  }
}
EOF
  start_under "$mode" "$dir/out" "$dir/server.log" \
    "$nginx_bin" -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf"
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/logs/"* >&2; die "nginx did not start under $mode"; }
    sleep 0.2
  done
  # The readiness probe above is one extra request in both runs: it cancels out.
  send_requests "$port" /plain "$n" || die "nginx: the client failed under $mode"
  stop_server QUIT
  last_out="$dir/out"
}

per_request_ir() { # small_file large_file
  local a b
  a="$(callgrind_total "$1")"
  b="$(callgrind_total "$2")"
  [[ -n "$a" && -n "$b" ]] || die "no callgrind total in $1 / $2"
  awk -v a="$a" -v b="$b" -v n="$((n_large - n_small))" 'BEGIN { printf "%.0f\n", (b - a) / n }'
}

per_request_syscalls() { # small_file large_file -> "total|breakdown"
  awk -v n="$((n_large - n_small))" '
    FNR == 1 { file++ }
    $1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {
      sign = (file == 1 ? -1 : 1)
      c[$NF] += sign * $4
      if (NF == 6) e[$NF] += sign * $5   # calls that failed (EAGAIN on a read, ...)
    }
    END {
      for (k in c) {
        t += c[k]
        if (c[k] / n < 0.005) continue
        list = list sprintf("%s %.2f", k, c[k] / n)
        if (e[k] / n >= 0.005) list = list sprintf(" (%.2f failed)", e[k] / n)
        list = list ", "
      }
      sub(/, $/, "", list)
      printf "%.2f|%s\n", t / n, list
    }' "$1" "$2"
}

# The large runs' profiles are kept for `callgrind_annotate` (where the time goes).
results_dir="$(dirname "$out_md")"
mkdir -p "$results_dir"

echo "callgrind: N small $n_small, N large $n_large; sequencial --threads $server_threads; nginx master_process off" >&2

echo "callgrind: nginx under callgrind..." >&2
run_nginx callgrind "$n_small"; small="$last_out"
run_nginx callgrind "$n_large"; large="$last_out"
nginx_ir="$(per_request_ir "$small" "$large")"
cp "$large" "$results_dir/callgrind.nginx.out"
nginx_sys="n/a|"
if [[ "$do_strace" == 1 ]]; then
  echo "callgrind: nginx under strace..." >&2
  run_nginx strace "$n_small"; small="$last_out"
  run_nginx strace "$n_large"; large="$last_out"
  nginx_sys="$(per_request_syscalls "$small" "$large")"
fi

declare -a rows=()
for s in $scenarios; do
  echo "callgrind: ours, $s, under callgrind..." >&2
  run_ours callgrind "$s" "$n_small"; small="$last_out"
  run_ours callgrind "$s" "$n_large"; large="$last_out"
  ours_ir="$(per_request_ir "$small" "$large")"
  cp "$large" "$results_dir/callgrind.ours-$s.out"
  ours_sys="n/a|"
  if [[ "$do_strace" == 1 ]]; then
    echo "callgrind: ours, $s, under strace..." >&2
    run_ours strace "$s" "$n_small"; small="$last_out"
    run_ours strace "$s" "$n_large"; large="$last_out"
    ours_sys="$(per_request_syscalls "$small" "$large")"
  fi
  ratio="$(awk -v a="$ours_ir" -v b="$nginx_ir" 'BEGIN { printf "%.2f", a / b }')"
  rows+=("${scenario_title[$s]}|$ours_ir|$nginx_ir|$ratio|${ours_sys%%|*}|${nginx_sys%%|*}|${ours_sys#*|}|${nginx_sys#*|}")
done

header="scenario|ours instr/req|nginx instr/req|ratio|ours syscalls/req|nginx syscalls/req|ours syscalls|nginx syscalls"
{
  echo "$header"
  printf '%s\n' "${rows[@]}"
} | awk -F'|' '{ for (i = 1; i <= NF; i++) printf "%s%s", (i > 1 ? "  |  " : ""), $i; print "" }'

mkdir -p "$(dirname "$out_md")"
{
  echo "# Instructions and system calls per redirect — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit: $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown); binary: \`$bin\`"
  echo "- (run(N=$n_large) − run(N=$n_small)) / $((n_large - n_small)); one keep-alive connection, python http.client, no cookies (every central request is a new visitor)"
  echo "- instructions: valgrind callgrind, user space, all threads; sequencial --threads $server_threads; nginx 1 process, master_process off"
  echo "- system calls: strace -f -c over the same runs (all threads)"
  echo "- profiles of the N=$n_large runs: \`callgrind.nginx.out\`, \`callgrind.ours-<scenario>.out\` next to this file (\`callgrind_annotate\`)"
  echo
  echo "| ${header//|/ | } |"
  echo "|$(awk -F'|' '{ s = ""; for (i = 1; i <= NF; i++) s = s " --- |"; print s }' <<<"$header")"
  for row in "${rows[@]}"; do echo "| ${row//|/ | } |"; done
} >"$out_md"
echo "callgrind: wrote $out_md; profiles of the large runs: $results_dir/callgrind.*.out" >&2
echo "callgrind: where the instructions go: callgrind_annotate --inclusive=yes $results_dir/callgrind.ours-<scenario>.out | head -40" >&2
