# shellcheck shell=bash disable=SC2034,SC2154  # maps read, and $tmp $token $ours_port set, by the scripts that source this file
# Bench scenarios, sourced by run.sh and callgrind.sh.
#
# A scenario is an id, a title, a request path, and optionally:
#   setup_<id>          bash function run once against a fresh server (API calls
#                       through api_post); it may create data for several runs
#   scenario_lua[<id>]  a wrk Lua script (run.sh only), e.g. to spread requests
#                       over many slugs
# nginx answers the same `return 302` for any path, so the same request is
# sent to both servers. To add a scenario (issue 7: 1M links, a central of
# 1,000 members, hours...), append its id to scenario_ids and fill the maps.
#
# The caller provides: $token (admin API token), $ours_port, $tmp (a temp dir).
# To set up another server (run.sh --clicks-off starts a second one), set
# $api_port and $api_token for the duration of the setup_<id> calls.

#
# Seeded scenarios (big_*, returning, seeded_plain) have no setup_<id>: they
# run on a database made by seed_bench_db (run.sh --db-template; see all.sh),
# whose slugs are l0000000.. and whose central of M members is "bigc".
scenario_ids=(plain central big_plain big_central returning seeded_plain geo)
declare -A scenario_title=(
  [plain]="plain link"
  [central]="central 10 members, fixed, new visitor each request"
  [big_plain]="plain link among seeded links"
  [big_central]="seeded central, fixed, new visitor each request"
  [returning]="seeded central, returning visitor (stored assignment)"
  [seeded_plain]="plain link l0000001 of a seeded database"
  [geo]="geo central, 27 states + 10 cities, city match via X-Forwarded-For"
)
declare -A scenario_path=(
  [plain]="/plain"
  [central]="/central"
  [big_plain]="/${BENCH_BIG_SLUG:-l0500000}"
  [big_central]="/bigc"
  [returning]="/bigc"
  [seeded_plain]="/l0000001"
  [geo]="/geo"
)
_scenarios_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
declare -A scenario_lua=(
  # A random one of the first $BENCH_VISITORS seeded visitors per request.
  [returning]="$_scenarios_dir/returning.lua"
  # A client in Campinas named by a trusted proxy (needs --geoip-db and
  # --trusted-proxies 127.0.0.1/32: see bench/all.sh, series geo).
  [geo]="$_scenarios_dir/geo.lua"
)

setup_plain() {
  api_post /api/v1/links '{"slug":"plain","phone":"5511999990001","message":"Olá","label":"bench plain"}'
}

setup_central() {
  local i members=""
  for i in $(seq -w 1 10); do
    api_post /api/v1/links \
      "{\"slug\":\"member$i\",\"phone\":\"55119999900$i\",\"message\":\"Olá\",\"label\":\"bench member $i\"}"
    members+="${members:+,}\"member$i\""
  done
  api_post /api/v1/links '{"slug":"central","phone":"5511999990000","message":"Olá","label":"bench anchor"}'
  api_post /api/v1/centrals "{\"anchor\":\"central\",\"members\":[$members],\"fixed\":true}"
}

# A Geolocalizado central: one member per Brazilian state, then ten São
# Paulo cities (the city member of Campinas wins for the bench's client).
setup_geo() {
  local i=0 region members=""
  for region in AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO \
    SP/Campinas SP/Santos SP/Sorocaba SP/Osasco SP/Guarulhos SP/Bauru SP/Franca SP/Limeira \
    SP/Jundiaí "SP/São Carlos"; do
    i=$((i + 1))
    api_post /api/v1/links \
      "{\"slug\":\"geo$i\",\"phone\":\"55119999$((10000 + i))\",\"message\":\"Olá\",\"label\":\"bench geo $i\"}"
    members+="${members:+,}{\"link\":\"geo$i\",\"regions\":[\"BR-$region\"]}"
  done
  api_post /api/v1/links '{"slug":"geo","phone":"5511999980000","message":"Olá","label":"bench geo anchor"}'
  api_post /api/v1/centrals "{\"anchor\":\"geo\",\"mode\":\"geo\",\"members\":[$members]}"
}

api_post() { # path json
  local code
  code="$(curl -sS -o "$tmp/api-response" -w '%{http_code}' \
    -H "Authorization: Bearer ${api_token:-$token}" -H 'Content-Type: application/json' \
    --data-binary "$2" "http://127.0.0.1:${api_port:-$ours_port}$1")"
  if [[ "$code" != 201 ]]; then
    echo "bench: POST $1 answered $code: $(cat "$tmp/api-response")" >&2
    exit 1
  fi
}
