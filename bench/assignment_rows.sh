#!/usr/bin/env bash
# What PostgreSQL spends to store one new visitor's assignment (atendimento
# fixo): the CPU time of every PostgreSQL process per row written, with
# pgbench inserting rows the way the routing lanes do (50 per statement,
# several clients at once, into the real schema), in five variants:
#
#   random in second  ids as minted before 2026-12-03: 32 bits of seconds,
#                     then random, so each row lands on a random page of
#                     the second's part of the primary key
#   rising            ids as minted now (app/visitor.h): seconds, a count
#                     within the second, then random; modelled here by the
#                     microsecond within the second
#   rising, no index  the same without assignments_by_last_seen (the index
#                     the hourly purge and the start-up load use)
#   lane, random /    what a lane sends for a group of new visitors:
#   lane, rising      tickets drawn into a session setting under shared
#                     bucket locks, the rows (route_store_claimed's
#                     statement), the release
#
# It answers "what does a new visitor's row cost, and what would a cheaper
# one buy" in CPU, which the redirect benchmark (never_wait.sh) cannot
# resolve in its noise. Each variant writes the same number of rows (-n,
# default 600,000) into an empty table; the rounds alternate the variants.
#
# Usage: bench/assignment_rows.sh [--bin PATH] [-n ROWS] [-c CLIENTS] [-r ROUNDS]
# Needs: postgresql-15 (pgbench). Unix socket only; writes only to a temp
# dir; stops the database it started on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin="${BENCH_BIN:-$root/build-release/src/app/sequencial}"
rows=600000
clients=3
rounds=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    -n) rows="$2"; shift 2 ;;
    -c) clients="$2"; shift 2 ;;
    -r) rounds="$2"; shift 2 ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "assignment_rows: unknown argument $1" >&2; exit 2 ;;
  esac
done
pgbench=/usr/lib/postgresql/15/bin/pgbench
[[ -x "$bin" ]] || { echo "assignment_rows: no server binary at $bin (build-release first)" >&2; exit 2; }
[[ -x "$pgbench" ]] || { echo "assignment_rows: needs postgresql-15 (pgbench)" >&2; exit 2; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() { "$root/scripts/pg-test-server.sh" stop "$tmp/pg" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
url=$("$root/scripts/pg-test-server.sh" start "$tmp/pg")
"$bin" token create --db "$url" --name bench >/dev/null  # the schema, as a node creates it
sql() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }
sql -c "INSERT INTO links (slug, phone, created_at)
          SELECT 'm' || g, '551199999000' || g, 0 FROM generate_series(1, 4) g" \
    -c "INSERT INTO centrals (anchor_id, fixed, created_at) VALUES (4, true, 0)" \
    -c "CREATE SEQUENCE bench_tickets"

random_hi="(extract(epoch from clock_timestamp())::bigint << 32) + (random() * 4294967295)::bigint"
rising_hi="(extract(epoch from clock_timestamp())::bigint << 32)
  + ((extract(microseconds from clock_timestamp())::bigint % 1000000) << 12)
  + (random() * 4095)::bigint"
random_lo="(random() * 4611686018427387903)::bigint"
now_ms="(extract(epoch from now()) * 1000)::bigint"

# $1: the expression of a visitor's hi.
rows_sql() {
  echo "INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)
    SELECT 1, $1, $random_lo, 1 + g % 3, $now_ms FROM generate_series(1, 50) g;"
}
lane_sql() {
  echo '\set nonce random(1, 1000000000)'
  echo "SELECT set_config('sequencial.claimed_tickets_0', :nonce || ',' || array_to_string(ARRAY(
      SELECT nextval('bench_tickets'::regclass) FROM generate_series(1, 50)), ','), false),
    (SELECT count(pg_advisory_lock_shared(21329, b)) FROM generate_series(0, 15) AS b);"
  echo "WITH got AS (
      SELECT string_to_array(current_setting('sequencial.claimed_tickets_0', true), ',')::bigint[] AS a),
    chosen AS (
      SELECT f.hi, f.lo, ('{1,2,3}'::bigint[])[(f.t % 3)::int + 1] AS link
      FROM got, unnest(ARRAY(SELECT $1 FROM generate_series(1, 50)),
                       ARRAY(SELECT $random_lo FROM generate_series(1, 50)), got.a[2:]) AS f(hi, lo, t)
      WHERE got.a[1] = :nonce)
    INSERT INTO assignments (central_id, visitor_hi, visitor_lo, link_id, last_seen)
    SELECT 1, c.hi, c.lo, c.link, $now_ms FROM chosen c
    WHERE EXISTS (SELECT 1 FROM centrals WHERE id = 1)
      AND c.link = ANY (ARRAY(SELECT id FROM links WHERE id = ANY ('{1,2,3}'::bigint[])));"
  echo "SELECT pg_advisory_unlock_all();"
}
rows_sql "$random_hi" | tr '\n' ' ' > "$tmp/random.sql"
rows_sql "$rising_hi" | tr '\n' ' ' > "$tmp/rising.sql"
# pgbench reads one statement per line: each echo above is one.
lane_sql "$random_hi" | awk '/^\\/ {print; next} {printf "%s ", $0} /;$/ {print ""}' > "$tmp/lane_random.sql"
lane_sql "$rising_hi" | awk '/^\\/ {print; next} {printf "%s ", $0} /;$/ {print ""}' > "$tmp/lane_rising.sql"

# CPU ticks of every PostgreSQL process, the backends that already exited
# included (the postmaster has reaped them: its children's times).
pg_ticks() {
  local total=0 pid fields
  for pid in $(pgrep -x postgres); do
    read -r -a fields 2>/dev/null < "/proc/$pid/stat" || continue
    total=$((total + fields[13] + fields[14] + fields[15] + fields[16]))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)

per_client=$((rows / 50 / clients))
# One variant: an empty table, $rows rows, CPU µs per row.
measure() {
  local label="$1" script="$2" before after tx started ended
  sql -c "TRUNCATE assignments"
  before=$(pg_ticks)
  started=$(date +%s.%N)
  tx=$("$pgbench" -n -M prepared -c "$clients" -j "$clients" -t "$per_client" -f "$script" "$url" 2>&1 |
    sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  ended=$(date +%s.%N)
  sleep 0.5  # the postmaster reaps the exited backends (their CPU counts)
  after=$(pg_ticks)
  [[ -n "$tx" && "$tx" -gt 0 ]] || { echo "assignment_rows: pgbench failed ($label)" >&2; exit 1; }
  python3 -c "import sys; t, rows, hz, t0, t1 = map(float, sys.argv[2:]);
print(f'| {sys.argv[1]} | {t * 1e6 / hz / rows:.2f} | {rows / (t1 - t0):,.0f} |')" \
    "$label" "$((after - before))" "$((tx * 50))" "$hz" "$started" "$ended"
}

echo "# PostgreSQL CPU per stored assignment ($(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "pgbench -c $clients, $((per_client * clients * 50)) rows per variant, 50 per statement, each into an"
echo "empty table; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| variant | PostgreSQL CPU µs per row | rows/s |"
echo "| --- | ---: | ---: |"
for _ in $(seq 1 "$rounds"); do
  measure "random in second" "$tmp/random.sql"
  measure "rising" "$tmp/rising.sql"
  sql -c "DROP INDEX assignments_by_last_seen"
  measure "rising, no index on last_seen" "$tmp/rising.sql"
  sql -c "CREATE INDEX assignments_by_last_seen ON assignments (last_seen)"
  measure "lane, random in second" "$tmp/lane_random.sql"
  measure "lane, rising" "$tmp/lane_rising.sql"
done
