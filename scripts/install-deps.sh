#!/usr/bin/env bash
# Installs the Debian 12 packages Sequencial needs to build, test and
# benchmark. Idempotent: does nothing when every package is present.
# Usage: scripts/install-deps.sh            (build + run)
#        scripts/install-deps.sh --test     (also test and benchmark tools)
set -euo pipefail

packages=(
  g++ cmake make pkg-config tzdata ca-certificates
  libboost1.81-dev libsqlite3-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libcli11-dev libtomlplusplus-dev libsodium-dev libhowardhinnant-date-dev
  libqrencode-dev libpng-dev libpq-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang-format clang-tidy-16 nginx-light wrk curl
    postgresql-15)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
