#!/usr/bin/env bash
# The Debian package, end to end on this machine (issue 17): builds it from
# an already-built tree (scripts/package.sh BUILD_DIR), installs it with
# dpkg -i, checks its files, verifies the systemd unit, runs the installed
# binary the way the unit does (as user sequencial, with the package's
# config and database paths; port 0) until it answers /healthz, then
# purges the package and checks that /var/lib/sequencial was left untouched.
# Needs root. Refuses to run where a sequencial package is already installed
# or /var/lib/sequencial exists (a real installation is never touched).
# Usage: scripts/test-package.sh [BUILD_DIR]   (default build-test)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-test}"
start=$(date +%s)
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
step() { echo "test-package: $*"; }

[[ $(id -u) -eq 0 ]] || fail "needs root (dpkg -i)"
if dpkg-query -W -f='${Status}' sequencial 2>/dev/null | grep -q "ok installed"; then
  fail "a sequencial package is already installed here; not touching it"
fi
[[ ! -e /var/lib/sequencial ]] || fail "/var/lib/sequencial exists; not touching it"

deb=$(scripts/package.sh "$build" | tail -n 1)
step "built $deb in $(( $(date +%s) - start )) s"

workdir=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  dpkg --purge sequencial >/dev/null 2>&1 || true
  rm -rf /var/lib/sequencial "$workdir"
}
trap cleanup EXIT

DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$workdir/dpkg.log" 2>&1 || { cat "$workdir/dpkg.log"; fail "dpkg -i"; }
step "installed"

# Files, conffile, user, version, man page.
unit=$(dpkg -L sequencial | grep '/systemd/system/sequencial.service$') || fail "no unit installed"
for f in /usr/bin/sequencial /etc/sequencial/sequencial.toml /usr/share/man/man1/sequencial.1.gz \
  /usr/share/doc/sequencial/copyright /usr/share/doc/sequencial/reverse-proxy.md "$unit"; do
  [[ -f "$f" ]] || fail "missing $f"
done
dpkg-query -W -f='${Conffiles}\n' sequencial | grep -q '^ /etc/sequencial/sequencial.toml ' ||
  fail "/etc/sequencial/sequencial.toml is not a conffile"
getent passwd sequencial >/dev/null || fail "no user sequencial"
[[ $(stat -c '%U:%G %a' /etc/sequencial/sequencial.toml) == "root:sequencial 640" ]] ||
  fail "config file owner/mode: $(stat -c '%U:%G %a' /etc/sequencial/sequencial.toml)"
version=$(sed -n 's/^project(sequencial VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ $(/usr/bin/sequencial --version) == "$version" ]] || fail "--version is not $version"
# Every key of the config file is commented out, and every serve option is there.
if grep -vE '^\s*(#|$)' /etc/sequencial/sequencial.toml; then fail "uncommented keys above"; fi
for key in $(/usr/bin/sequencial serve --help | grep -oE '^ +--[a-z][a-z-]*' | sed 's/^ *--//'); do
  case "$key" in help | config | db) continue ;; esac
  grep -qE "^# $key = " /etc/sequencial/sequencial.toml || fail "key $key missing from the config file"
done
for option in 'User=sequencial' 'StateDirectory=sequencial' 'ConfigurationDirectory=sequencial' \
  'NoNewPrivileges=yes' 'ProtectSystem=strict' 'PrivateTmp=yes' 'LimitNOFILE=65536' 'Restart=on-failure'; do
  grep -qx "$option" "$unit" || fail "unit lacks $option"
done
step "files, conffile, user, version, config keys and unit options checked"

# The unit, as systemd reads it (skipped only when systemd-analyze cannot run here).
if ! command -v systemd-analyze >/dev/null; then
  step "SKIP systemd-analyze verify: systemd-analyze is not installed"
elif systemd-analyze verify "$unit" >"$workdir/verify.log" 2>&1; then
  step "systemd-analyze verify: ok"
elif grep -qiE 'Failed to (connect|initialize)|not booted|Operation not permitted' "$workdir/verify.log"; then
  step "SKIP systemd-analyze verify cannot run in this container: $(head -n 1 "$workdir/verify.log")"
else
  cat "$workdir/verify.log"
  fail "systemd-analyze verify"
fi

# Run it as the unit does: its user, its ExecStart (plus port 0), the state
# directory systemd would create (StateDirectory=, mode 0750).
install -d -o sequencial -g sequencial -m 0750 /var/lib/sequencial
read -r -a exec_start <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
setpriv --reuid=sequencial --regid=sequencial --init-groups --no-new-privs \
  "${exec_start[@]}" --listen 127.0.0.1:0 >"$workdir/serve.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*event=listening .* port=\([0-9]*\) .*/\1/p' "$workdir/serve.log" | head -n 1)
  [[ -n "$port" ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$workdir/serve.log"; fail "the installed server did not start"; }
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || fail "/healthz"
kill -TERM "$pid"
wait "$pid" || { cat "$workdir/serve.log"; fail "the server did not stop cleanly"; }
pid=""
[[ $(stat -c '%U' /var/lib/sequencial/sequencial.db) == sequencial ]] || fail "database not owned by sequencial"
grep -q 'event=setting key=listen source=flag' "$workdir/serve.log" || fail "no setting sources in the log"
step "the installed binary served /healthz on port $port as user sequencial"

# Purge: the program goes, the data stays.
before=$(sha256sum /var/lib/sequencial/sequencial.db)
dpkg --purge sequencial >"$workdir/purge.log" 2>&1 || { cat "$workdir/purge.log"; fail "dpkg --purge"; }
[[ ! -e /usr/bin/sequencial ]] || fail "/usr/bin/sequencial left after purge"
[[ ! -e /etc/sequencial ]] || fail "/etc/sequencial left after purge"
[[ "$(sha256sum /var/lib/sequencial/sequencial.db)" == "$before" ]] || fail "purge touched the database"
step "purged; /var/lib/sequencial untouched"
echo "test-package: ok in $(( $(date +%s) - start )) s"
