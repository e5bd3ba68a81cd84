#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Every scenario of issue 7 in one command, one table: ours vs nginx
# `return 302`, same wrk settings, alternating runs (bench/run.sh does each
# series). Large data is seeded with seed_bench_db (direct SQLite inserts),
# never through HTTP. See bench/README.md and BENCHMARKS.md.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"

build_dir="${BENCH_BUILD_DIR:-$repo_root/build-bench}"
duration="${BENCH_DURATION:-10}"
rounds="${BENCH_ROUNDS:-2}"
links="${BENCH_LINKS:-1000000}"
members="${BENCH_MEMBERS:-1000}"
clicks="${BENCH_CLICKS:-10000000}"
assignments="${BENCH_ASSIGNMENTS:-10000000}"
cache_size="${BENCH_ASSIGNMENT_CACHE:-}"
out_md="${BENCH_OUT:-$script_dir/results/all.md}"
do_build=0
only="${BENCH_ONLY:-throughput latency flat clicks memory sticky geo}"

usage() {
  cat <<EOF
Usage: bench/all.sh [options]

Runs every scenario of issue 7 and prints one table (scenario, ours req/s,
nginx req/s, ratio, p50, p99, RSS), also written to bench/results/all.md:
  throughput  plain link; central of 10, fixed, new visitor each request (64, 1000 conns)
  latency     both at half of our peak rate (paced wrk: see run.sh --rate)
  flat        1,000,000 links + a central of 1,000 members vs the rows above
  clicks      a plain link with N stored clicks vs none
  memory      cold start and RSS with 1,000,000 links (3 starts, median)
  sticky      N stored assignments: returning visitors' lookups, RSS, start
  geo         a Geolocalizado central (37 regions, a city client named by a
              trusted proxy, a GeoIP file) vs the central of 10 in the same run
About 10 minutes with the defaults, plus seeding (about 2-4 min).

Options (environment variable in brackets):
      --build             configure and build $build_dir (Release, no tests)
      --build-dir DIR     where sequencial and seed_bench_db are built [BENCH_BUILD_DIR]
  -d, --duration SECS     per wrk run [BENCH_DURATION] (default 10; e.g. 30 for a long run)
  -r, --rounds N          A/B rounds per series [BENCH_ROUNDS] (default 2)
      --links N           [BENCH_LINKS] (default 1000000)
      --members M         members of the big central [BENCH_MEMBERS] (default 1000)
      --clicks N          stored clicks [BENCH_CLICKS] (default 10000000)
      --assignments N     stored assignments [BENCH_ASSIGNMENTS] (default 10000000)
      --assignment-cache N  sequencial --assignment-cache-size for the sticky
                          series [BENCH_ASSIGNMENT_CACHE] (default: the server's)
      --only "LIST"       a subset of: $only [BENCH_ONLY]
  -o, --out FILE          [BENCH_OUT] (default bench/results/all.md)
EOF
}

while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --build) do_build=1; shift ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    -d | --duration) duration="$2"; shift 2 ;;
    -r | --rounds) rounds="$2"; shift 2 ;;
    --links) links="$2"; shift 2 ;;
    --members) members="$2"; shift 2 ;;
    --clicks) clicks="$2"; shift 2 ;;
    --assignments) assignments="$2"; shift 2 ;;
    --assignment-cache) cache_size="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    -o | --out) out_md="$2"; shift 2 ;;
    *) echo "all: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
die() { echo "all: $*" >&2; exit 2; }
for v in "$duration" "$rounds" "$links" "$members" "$clicks" "$assignments"; do
  [[ "$v" =~ ^[0-9]+$ ]] || die "numeric options must be non-negative integers"
done
((members <= links)) || die "--members must be <= --links"
wants() { [[ " $only " == *" $1 "* ]]; }

if ((do_build)); then
  echo "all: building $build_dir (Release)..." >&2
  # The packages and npm's node_modules (the admin UI's embedded assets).
  "$repo_root/scripts/install-deps.sh" --test >&2
  cmake -S "$repo_root" -B "$build_dir" -DSEQUENCIAL_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
    -DSEQUENCIAL_BUILD_BENCH=ON >/dev/null
  cmake --build "$build_dir" --target sequencial seed_bench_db -j"$(nproc)" >&2
fi
bin="$build_dir/src/app/sequencial"
seed="$build_dir/bench/seed_bench_db"
[[ -x "$bin" && -x "$seed" ]] || die "$bin or $seed missing (use --build or --build-dir)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sequencial-all.XXXXXX")"
server_pid=""
# shellcheck disable=SC2317  # run by the traps
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'echo "all: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

rows="$tmp/rows"
: >"$rows"
declare -a extra_rows=() notes=()

run() { # label run.sh-args...
  local label="$1"
  shift
  echo "all: == $label" >&2
  BENCH_ROWS_OUT="$rows" BENCH_LABEL="$label" "$script_dir/run.sh" --bin "$bin" -d "$duration" \
    -r "$rounds" -o "$tmp/run.md" "$@" >&2 || notes+=("$label: run.sh reported a failure (see stderr)")
}
# Median ours req/s of the row whose label and conns match.
ours_rps() { awk -F'|' -v l="$1" -v c="$2" '$1 == l && $2 == c { print $3; exit }' "$rows"; }

seed_db() { # file seed-args...
  local file="$1" t0
  shift
  t0="$(date +%s.%N)"
  "$seed" --db "$file" "$@" >&2
  notes+=("seeded $(basename "$file") ($*) in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s, $(du -m "$file" | cut -f1) MB")
}

# Starts serve on a copy of db three times; cold start = launch to
# event=listening; RSS right after and after 2 s. Adds a row.
cold_start() { # label db serve-args...
  local label="$1" db="$2" t0 t port secs=() cpus=() rss0=() rss2=() log="$tmp/cold.log"
  shift 2
  for _ in 1 2 3; do
    rm -f "$tmp/cold.db"*
    cp "$db" "$tmp/cold.db"
    sync "$tmp/cold.db" 2>/dev/null || true
    t0="$(date +%s.%N)"
    "$bin" serve --listen 127.0.0.1:0 --db "$tmp/cold.db" --threads "$(nproc)" "$@" >"$log" 2>&1 &
    server_pid=$!
    port=""
    for _ in $(seq 1 6000); do
      kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "server died at start ($label)"; }
      port="$(grep -m1 'event=listening' "$log" 2>/dev/null | sed -E 's/.*[[:space:]]port=([0-9]+).*/\1/' || true)"
      [[ -n "$port" ]] && break
      sleep 0.01
    done
    t="$(date +%s.%N)"
    [[ -n "$port" ]] || die "server did not start in 60 s ($label)"
    secs+=("$(awk -v a="$t0" -v b="$t" 'BEGIN { printf "%.2f", b - a }')")
    # CPU time (user + system, all threads) to get there: on a loaded
    # machine the wall time mostly measures waiting for a core.
    cpus+=("$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server_pid/stat")")
    rss0+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")")
    sleep 2
    rss2+=("$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")")
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  done
  local med_s med_c med_r0 med_r2
  med_s="$(printf '%s\n' "${secs[@]}" | sort -g | sed -n 2p)"
  med_c="$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)"
  med_r0="$(printf '%s\n' "${rss0[@]}" | sort -g | sed -n 2p)"
  med_r2="$(printf '%s\n' "${rss2[@]}" | sort -g | sed -n 2p)"
  extra_rows+=("$label|${med_s} s (runs: ${secs[*]})|${med_c} s (runs: ${cpus[*]})|$(awk -v k="$med_r0" 'BEGIN { printf "%.1f MB", k / 1024 }')|$(awk -v k="$med_r2" 'BEGIN { printf "%.1f MB", k / 1024 }')")
}

if wants throughput || wants latency; then
  run "plain link" -s plain -c "64 1000"
  run "central 10, fixed, new visitor" -s central -c "64 1000"
fi
if wants geo; then
  # The GeoIP file the integration tests use (libmaxmind-db-writer-perl).
  perl "$repo_root/tests/integration/support/make_geoip.pl" "$tmp/geo.mmdb" v1
  wants throughput || run "central 10, fixed, new visitor" -s central -c 64
  run "geo central 37 regions, city match" -s geo -c 64 \
    --serve-args "--geoip-db $tmp/geo.mmdb --trusted-proxies 127.0.0.1/32"
fi
if wants latency; then
  for pair in "plain link:plain" "central 10, fixed, new visitor:central"; do
    label="${pair%%:*}"
    peak="$(ours_rps "$label" 64)"
    if [[ -z "$peak" ]]; then notes+=("latency: no peak for $label"); continue; fi
    half="$(awk -v p="$peak" 'BEGIN { printf "%d", p / 2 }')"
    run "$label @ half peak ($half req/s paced)" -s "${pair##*:}" --rate "$half"
  done
fi
if wants flat || wants memory; then
  seed_db "$tmp/big.db" --links "$links" --central-members "$members"
fi
if wants flat; then
  BENCH_BIG_SLUG="$(printf 'l%07d' $((links / 2)))"  # a plain link in the middle
  export BENCH_BIG_SLUG
  run "plain link, $links links" --db-template "$tmp/big.db" -s big_plain -c 64
  run "central $members, fixed, new visitor, $links links" --db-template "$tmp/big.db" -s big_central -c 64
fi
if wants memory; then
  cold_start "$links links + central of $members" "$tmp/big.db"
fi
if wants clicks; then
  seed_db "$tmp/clicks.db" --links 10 --clicks "$clicks"
  seed_db "$tmp/noclicks.db" --links 10
  run "plain link, 0 stored clicks" --db-template "$tmp/noclicks.db" -s seeded_plain -c 64
  run "plain link, $clicks stored clicks" --db-template "$tmp/clicks.db" -s seeded_plain -c 64
fi
if wants sticky; then
  seed_db "$tmp/assign.db" --links 10 --central-members 10 --assignments "$assignments"
  sticky_args=()
  [[ -n "$cache_size" ]] && sticky_args=(--serve-args "--assignment-cache-size $cache_size")
  cold_start "$assignments stored assignments" "$tmp/assign.db" ${cache_size:+--assignment-cache-size "$cache_size"}
  BENCH_VISITORS="$assignments" run "returning visitor of $assignments stored" \
    --db-template "$tmp/assign.db" -s returning -c 64 "${sticky_args[@]}"
fi

header="scenario|conns|ours req/s|nginx req/s|ratio|ours p50|ours p99|nginx p50|nginx p99|ours RSS"
start_header="start-up|cold start, wall (launch to listening, median of 3)|CPU time to listening|RSS at listening|RSS 2 s later"
print_table() { # header rows...
  printf '%s\n' "$@" | awk -F'|' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } if (NF > n) n = NF }
    END { for (r = 1; r <= NR; r++) { line = ""; for (i = 1; i <= n; i++)
            line = line (i > 1 ? "  " : "") sprintf(i == 1 ? "%-" w[i] "s" : "%" w[i] "s", cell[r, i])
          print line } }'
}
md_table() { # header rows...
  local row
  echo "| ${1//|/ | } |"
  echo "|$(awk -F'|' '{ s = ""; for (i = 1; i <= NF; i++) s = s " --- |"; print s }' <<<"$1")"
  shift
  for row in "$@"; do echo "| ${row//|/ | } |"; done
}
mapfile -t table_rows <"$rows"
echo
print_table "$header" "${table_rows[@]}"
if ((${#extra_rows[@]})); then echo; print_table "$start_header" "${extra_rows[@]}"; fi
if ((${#notes[@]})); then echo; printf -- '- %s\n' "${notes[@]}"; fi

mkdir -p "$(dirname "$out_md")"
{
  echo "# bench/all.sh — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo_root" diff --quiet 2>/dev/null || echo ' + uncommitted changes'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- wrk -t1 -d${duration}s, $rounds rounds alternating nginx/ours, medians; nginx: \`return 302\`"
  echo "- paced rows: each connection sends one request per 2 ms + response time (wrk Lua delay(); wrk2 is not in Debian 12)"
  echo
  md_table "$header" "${table_rows[@]}"
  if ((${#extra_rows[@]})); then echo; md_table "$start_header" "${extra_rows[@]}"; fi
  if ((${#notes[@]})); then echo; printf -- '- %s\n' "${notes[@]}"; fi
} >"$out_md"
echo "all: wrote $out_md" >&2
