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
  libqrencode-dev libpng-dev libpq-dev libmaxminddb-dev ccache
  libphonenumber8 libprotobuf-dev libabsl-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang-format clang-tidy-16 nginx-light wrk curl
    postgresql-15)
  # fuzz/ (libFuzzer needs clang's runtime; clang 16, see fuzz/CMakeLists.txt) and
  # tests/attack/ (slowloris, slow body and slow read).
  packages+=(clang-16 libclang-rt-16-dev slowhttptest)
  # The Debian package (scripts/package.sh, scripts/test-package.sh): the man
  # page from --help, dpkg-shlibdeps for Depends.
  packages+=(help2man dpkg-dev)
  # The admin UI's browser tests: headless Debian Chromium (no browser download).
  packages+=(chromium)
  # Geolocalizado integration tests write a tiny GeoIP (MaxMind DB) file.
  packages+=(libmaxmind-db-writer-perl)
fi
# npm fetches the admin UI's chart library (embedded at build time) and the
# browser-test tooling; Debian's nodejs/npm only when no npm is on PATH.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

# `npm ci` at the repository root (pinned by package-lock.json; installs no
# browser), skipped while node_modules matches the lockfile it was made from.
npm_ci() {
  local root stamp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  stamp="$root/node_modules/.sequencial-package-lock.json"
  [[ -f "$root/package-lock.json" ]] || return 0
  if cmp -s "$root/package-lock.json" "$stamp"; then
    echo "install-deps: node_modules up to date"
    return 0
  fi
  echo "install-deps: npm ci"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$root/package-lock.json" "$stamp"
}

# Google's libphonenumber (phone validation, src/core/phone.cpp): Debian's
# libphonenumber-dev depends on Boost 1.74's dev packages, which conflict
# with libboost1.81-dev (installing it removes 1.81's headers). So the
# runtime library comes from its package (libphonenumber8, also the
# package's Depends) and the headers from libphonenumber-dev's .deb,
# unpacked into /usr/local (outside dpkg's files), with the linker's
# libphonenumber.so symlink beside them.
phonenumber_headers() {
  local include=/usr/local/include/phonenumbers/phonenumberutil.h
  [[ -f /usr/include/phonenumbers/phonenumberutil.h || -f "$include" ]] && return 0
  local tmp
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  echo "install-deps: libphonenumber headers into /usr/local"
  (cd "$tmp" && apt-get download -q libphonenumber-dev >/dev/null 2>&1 ||
    { "${sudo[@]}" apt-get update -q && apt-get download -q libphonenumber-dev; })
  dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$tmp/root"
  "${sudo[@]}" mkdir -p /usr/local/include /usr/local/lib
  "${sudo[@]}" cp -r "$tmp/root/usr/include/phonenumbers" /usr/local/include/
  "${sudo[@]}" ln -sf "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
    echo x86_64-linux-gnu)/libphonenumber.so.8" /usr/local/lib/libphonenumber.so
  rm -rf "$tmp"
}

sudo=()
if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  phonenumber_headers
  npm_ci
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
phonenumber_headers
npm_ci
