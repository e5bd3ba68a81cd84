#!/usr/bin/env python3
"""Replays the attack table of issue 14 against a running Sequencial binary.

Started by tests/attack/attack.sh (see tests/attack/README.md), which owns
the temporary directory and the optional private PostgreSQL server. Python 3
standard library only. Every connection goes to 127.0.0.1 (sources
127.0.x.y); every load loop is bounded in count and in time; memory attacks
stop early once the server's RSS has grown by --rss-stop-mb.

Prints one line per attack: "HELD" or "NOT HELD" with the figure that
decided it. Exit status: 0 when every attack held, 1 when one did not, 2 when
the set-up failed.
"""
import argparse
import csv
import http.client
import io
import json
import os
import random
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

EMAIL = "admin@localhost"
PASSWORD = "attack-Password-1"
HOST = "127.0.0.1"
SERVER_FD_SOFT_LIMIT = 1024  # the usual soft limit of a service (attack 5)


def log(msg):
    print(f"attack: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the server


class Server:
    """One `sequencial serve` process on 127.0.0.1:<free port>."""

    def __init__(self, binary, db, workdir, extra=()):
        self.binary, self.db, self.workdir, self.extra = binary, db, workdir, list(extra)
        self.proc = None
        self.port = None
        self.logfile = None
        self.starts = 0

    def start(self, extra=()):
        self.starts += 1
        path = os.path.join(self.workdir, f"server-{self.starts}.log")
        self.logfile = path
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]

        def limits():
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(SERVER_FD_SOFT_LIMIT, hard), hard))

        cmd = [self.binary, "serve", "--listen", f"{HOST}:0", "--db", self.db,
               "--admin-email", EMAIL, "--admin-password", PASSWORD, "--threads", "2",
               "--log-level", "info", *self.extra, *extra]
        with open(path, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                         preexec_fn=limits, cwd=self.workdir)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(path, "rb") as f:
                m = re.search(rb"event=listening .*?port=(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"the server did not start; see {path}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_mb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def restart(self, extra=()):
        self.stop()
        self.start(extra)


# ------------------------------------------------------------------ clients


def request(port, method, path, body=None, headers=None, source=None, timeout=10):
    """(status, headers dict lower-case, body bytes); status 0 on a network error."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        hdrs = dict(headers or {})
        if data is not None:
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        payload = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
    except (OSError, http.client.HTTPException):
        return 0, {}, b""
    finally:
        conn.close()


def raw_exchange(port, data, timeout=5, source=None):
    """Sends raw bytes, half-closes, returns what came back until close/timeout."""
    s = socket.create_connection((HOST, port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    except OSError:
        return b""
    finally:
        s.close()


def pipelined_gets(port, paths, headers_of, connections=4, batch=200, deadline=30.0):
    """Sends GET requests pipelined in batches over a few keep-alive
    connections; returns how many got an answer (counted by status lines)."""
    answered = 0
    chunks = [paths[i::connections] for i in range(connections)]
    stop_at = time.monotonic() + deadline

    def run(mine):
        nonlocal answered
        s = socket.create_connection((HOST, port), timeout=10)
        try:
            for i in range(0, len(mine), batch):
                if time.monotonic() > stop_at:
                    return
                part = mine[i:i + batch]
                req = b"".join(
                    f"GET {p} HTTP/1.1\r\nHost: x\r\n{headers_of(p)}\r\n".encode() for p in part)
                s.sendall(req)
                got, buf = 0, b""
                while got < len(part):
                    chunk = s.recv(1 << 16)
                    if not chunk:
                        return
                    buf += chunk
                    got = buf.count(b"HTTP/1.1 ")
                answered_local = got
                with lock:
                    answered += answered_local
        except OSError:
            return
        finally:
            s.close()

    lock = threading.Lock()
    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answered


class Api:
    def __init__(self, server, token):
        self.server, self.token = server, token

    def call(self, method, path, body=None, headers=None):
        hdrs = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        status, h, payload = request(self.server.port, method, "/api/v1" + path, body, hdrs)
        try:
            doc = json.loads(payload) if payload and "json" in h.get("content-type", "") else None
        except ValueError:
            doc = None
        return status, doc, payload

    def create_link(self, slug, message="Oi {utm_source}"):
        status, doc, payload = self.call("POST", "/links", {
            "slug": slug, "phone": "5511999990001", "message": message, "label": slug})
        if status != 201 or not doc:
            raise RuntimeError(f"creating link {slug}: {status} {payload[:200]!r}")
        return doc["id"]

    def link_total(self, link_id):
        status, doc, _ = self.call("GET", f"/links/{link_id}/stats?by=day")
        return doc.get("total", 0) if status == 200 and doc else -1

    def wait_total(self, link_id, expected, timeout=15.0):
        """Polls the link's report until `expected` clicks are counted or
        nothing changes for `timeout` seconds; returns the last total."""
        deadline = time.monotonic() + timeout
        total = self.link_total(link_id)
        while total < expected and time.monotonic() < deadline:
            time.sleep(0.2)
            total = self.link_total(link_id)
        return total


# ------------------------------------------------------------ latency probe


def probe_main(port, path):
    """Child process: a customer opening a new connection per redirect every
    2 ms until SIGTERM; prints JSON {n, errors, p50_ms, p99_ms, max_ms}."""
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    lat, errors = [], 0
    while not stop:
        t0 = time.perf_counter()
        status, _, _ = request(port, "GET", path, headers={"User-Agent": "attack-probe/1"},
                               timeout=3)
        dt = (time.perf_counter() - t0) * 1000
        if status == 302:
            lat.append(dt)
        else:
            errors += 1
        time.sleep(0.002)
    lat.sort()

    def pct(p):
        return round(lat[min(len(lat) - 1, int(len(lat) * p))], 1) if lat else None

    print(json.dumps({"n": len(lat), "errors": errors, "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                      "max_ms": round(lat[-1], 1) if lat else None}), flush=True)


class Probe:
    """Measures redirect latency in a separate process while a block runs."""

    def __init__(self, port, path):
        self.port, self.path, self.result = port, path, None

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, __file__, "--probe", str(self.port),
                                      self.path], stdout=subprocess.PIPE, text=True)
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        try:
            self.result = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.result = {"n": 0, "errors": -1, "p50_ms": None, "p99_ms": None, "max_ms": None}
        return False

    def text(self):
        r = self.result
        return f"probe p99 {r['p99_ms']} ms ({r['n']} redirects, {r['errors']} failed)"


# ------------------------------------------------------------------ attacks


class Attacks:
    def __init__(self, args, server, api, backend):
        self.args, self.server, self.api, self.backend = args, server, api, backend
        self.results = []
        self.baseline_p99 = None

    def report(self, row, name, held, figure):
        verdict = "SKIPPED" if held is None else ("HELD" if held else "NOT HELD")
        line = f"{row:>3}  {name:<44} {verdict:<9} {figure}"
        print(line, flush=True)
        self.results.append((row, name, held, figure))

    @property
    def port(self):
        return self.server.port

    def fresh_login_state(self):
        """Login limits live in memory: a restart gives each login attack a clean slate."""
        self.server.restart()

    def login(self, email, password, source):
        status, h, body = request(self.port, "POST", "/api/v1/session",
                                  {"email": email, "password": password}, source=source)
        return status

    # 1
    def nul_email_login(self):
        self.fresh_login_state()
        guesses = {}
        for _ in range(30):
            variant = EMAIL + "\u0000" + os.urandom(4).hex()
            st = self.login(variant, "wrong-" + os.urandom(4).hex(), "127.0.0.1")
            guesses[st] = guesses.get(st, 0) + 1
        plain = [self.login(EMAIL, "wrong-password", "127.0.2.1") for _ in range(6)]
        right = self.login(EMAIL + "\u0000x", PASSWORD, "127.0.2.2")
        locked = plain[-1] == 429
        held = right != 200 and set(guesses) != {401}
        self.report(1, f"NUL e-mail login lockout bypass ({self.backend})", held,
                    f"30 NUL-variant guesses -> {fmt_counts(guesses)}; plain e-mail "
                    f"{'locked (429)' if locked else f'not locked ({plain[-1]})'}; right password "
                    f"with a NUL variant -> {right}")

    # 2
    def nul_utm_click(self):
        link = self.api.create_link("nul2")
        first, _, _ = request(self.port, "GET", "/nul2?utm_source=%00")
        n = 50
        ok = sum(request(self.port, "GET", f"/nul2?utm_source=ok{i}")[0] == 302 for i in range(n))
        total = self.api.wait_total(link, n + (1 if first == 302 else 0), timeout=10)
        later = total - (1 if first == 302 and total > n else 0)
        held = ok == n and later >= n
        self.report(2, f"utm_source=%00 then {n} clicks ({self.backend})", held,
                    f"%00 click -> {first}; later clicks stored {max(later, 0)}/{n}")
        # A poisoned click batch would keep failing and hide the clicks of the
        # attacks after this one: they start from a fresh process.
        self.server.restart()

    # 3
    def asset_flood(self):
        self.server.restart()  # a clean baseline: RSS, fds, connections
        status, _, page = request(self.port, "GET", "/admin")
        m = re.search(rb'/admin/assets/chart[^"\']*', page)
        if status != 200 or not m:
            self.report(3, "pipelined asset flood, responses unread", None,
                        "no chart asset on /admin")
            return
        asset = m.group(0).decode()
        sockets, per_socket = self.args.flood_sockets, 400
        req = f"GET {asset} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * per_socket
        base = self.server.rss_mb()
        peak, stopped, conns = base, False, []
        deadline = time.monotonic() + 8
        with Probe(self.port, "/probe") as probe:
            for _ in range(sockets):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.setblocking(False)
                try:
                    s.connect((HOST, self.port))
                except BlockingIOError:
                    pass
                conns.append([s, 0])
            while time.monotonic() < deadline:
                for c in conns:
                    if c[1] < len(req):
                        try:
                            c[1] += c[0].send(req[c[1]:c[1] + 65536])
                        except (BlockingIOError, InterruptedError):
                            pass
                        except OSError:
                            c[1] = len(req)
                peak = max(peak, self.server.rss_mb())
                if peak - base > self.args.rss_stop_mb:
                    stopped = True
                    break
                time.sleep(0.05)
            for c in conns:
                c[0].close()
        delta = peak - base
        held = delta < self.args.rss_held_mb and probe.result["errors"] == 0
        self.report(3, f"{sockets} sockets pipelining the chart asset, unread", held,
                    f"RSS +{delta:.0f} MB{' (stopped early)' if stopped else ''}; {probe.text()}")

    # 4
    def body_flood(self):
        self.server.restart()  # a clean baseline: RSS, fds, connections
        sockets, size = self.args.body_sockets, 1_000_000
        head = (f"POST /api/v1/links HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {size}\r\n\r\n").encode()
        body = b"x" * (size - 1)  # the last byte never comes: the server must hold or drop it
        base = self.server.rss_mb()
        peak, stopped, conns = base, False, []
        sel = selectors.DefaultSelector()
        deadline = time.monotonic() + 15
        with Probe(self.port, "/probe") as probe:
            for _ in range(sockets):
                s = socket.socket()
                # Small kernel buffers: the memory measured is the server's.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
                s.setblocking(False)
                try:
                    s.connect((HOST, self.port))
                except BlockingIOError:
                    pass
                conns.append(s)
                sel.register(s, selectors.EVENT_WRITE, [memoryview(head + body), 0])
            pending, early = sockets, 0
            last_rss = 0.0
            while pending and time.monotonic() < deadline:
                for key, _ in sel.select(timeout=0.1):
                    state = key.data
                    try:
                        state[1] += key.fileobj.send(state[0][state[1]:state[1] + 262144])
                        done = state[1] >= len(state[0])
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        done, early = True, early + 1
                    if done:
                        sel.unregister(key.fileobj)
                        pending -= 1
                if time.monotonic() - last_rss > 0.05:
                    last_rss = time.monotonic()
                    peak = max(peak, self.server.rss_mb())
                    if peak - base > self.args.rss_stop_mb:
                        stopped = True
                        break
            hold_until = time.monotonic() + 2
            while not stopped and time.monotonic() < hold_until:
                peak = max(peak, self.server.rss_mb())
                time.sleep(0.05)
            for s in conns:
                s.close()
            sel.close()
        delta = peak - base
        held = delta < self.args.rss_held_mb and probe.result["errors"] == 0
        self.report(4, f"{sockets} unauthenticated 1 MB POST bodies", held,
                    f"RSS +{delta:.0f} MB{' (stopped early)' if stopped else ''}; "
                    f"{early} refused early; {probe.text()}")

    # 5
    def idle_sockets(self):
        self.server.restart()  # a clean baseline: RSS, fds, connections
        count, customers = self.args.idle_sockets, 20
        conns = []
        for i in range(count):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect((HOST, self.port))
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                break
            conns.append(s)
        time.sleep(1.0)  # let the server accept what it can
        statuses = []
        threads = [threading.Thread(
            target=lambda: statuses.append(request(self.port, "GET", "/probe", timeout=3)[0]))
            for _ in range(customers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        answered = statuses.count(302)
        for s in conns:
            s.close()
        self.report(5, f"{len(conns)} idle sockets, server soft fd limit {SERVER_FD_SOFT_LIMIT}",
                    answered == customers, f"{answered} of {customers} customers answered")

    # 6
    def login_flood(self):
        self.fresh_login_state()
        clients, per_client = 16, self.args.logins_per_client
        statuses, lock = {}, threading.Lock()
        deadline = time.monotonic() + 12

        def run(i):
            src = f"127.0.{1 + i // 250}.{1 + i % 250}"
            for _ in range(per_client):
                if time.monotonic() > deadline:
                    return
                st = self.login(f"bot{os.urandom(4).hex()}@example.com", "guess", src)
                with lock:
                    statuses[st] = statuses.get(st, 0) + 1

        with Probe(self.port, "/probe") as probe:
            threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        p99 = probe.result["p99_ms"] or 1e9
        limit = max(100.0, 5 * (self.baseline_p99 or 0))
        held = p99 <= limit and probe.result["errors"] == 0
        self.report(6, f"login flood from {clients} addresses", held,
                    f"redirect p99 {p99} ms (baseline {self.baseline_p99} ms, held if <= "
                    f"{limit:.0f}); logins {fmt_counts(statuses)}; {probe.text()}")

    # 7
    def owner_lockout(self):
        self.fresh_login_state()
        wrong = [self.login(EMAIL, f"bot-guess-{i}", "127.0.3.1") for i in range(5)]
        right = self.login(EMAIL, PASSWORD, "127.0.3.2")
        self.report(7, "5 wrong passwords, then the owner elsewhere", right == 200,
                    f"bot: {fmt_counts(dict((s, wrong.count(s)) for s in set(wrong)))}; owner "
                    f"from another address -> {right}")

    # 8
    def cardinality(self):
        self.server.restart()  # a clean baseline: RSS, fds, connections
        link = self.api.create_link("card8")
        n = self.args.cardinality_requests
        rnd = random.Random(8)
        paths = [f"/card8?utm_source=s{rnd.getrandbits(40):x}&utm_campaign=c{rnd.getrandbits(40):x}"
                 for _ in range(n)]

        def referer(path):
            return f"Referer: https://h{abs(hash(path)) % (1 << 40):x}.example.com/x\r\n"

        t0 = time.monotonic()
        sent = pipelined_gets(self.port, paths, referer, deadline=30)
        send_s = time.monotonic() - t0
        stored = self.api.wait_total(link, sent, timeout=20)
        t0 = time.monotonic()
        status, doc, payload = self.api.call("GET", f"/links/{link}/stats?by=referrer")
        ms = (time.monotonic() - t0) * 1000
        rows = len(doc.get("rows", [])) if doc else -1
        with Probe(self.port, "/probe") as probe:
            threads = [threading.Thread(target=self.api.call,
                                        args=("GET", f"/links/{link}/stats?by=referrer"))
                       for _ in range(12)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        rollups = rollup_rows(self.args.db) if self.backend == "sqlite" else None
        held = 0 <= rows <= sent // 2 and probe.result["errors"] == 0
        self.report(8, f"{sent} clicks with random utm and Referer", held,
                    f"sent in {send_s:.1f} s, {stored} stored; stats?by=referrer {status}: {rows} rows, "
                    f"{len(payload) / 1e6:.2f} MB, {ms:.0f} ms"
                    f"{f'; {rollups} rollup rows' if rollups is not None else ''}; "
                    f"during 12 reports {probe.text()}")

    # 9
    def token_reuse(self):
        st, doc, _ = self.api.call("POST", "/tokens", {"name": "t9a"})
        if st != 201 or not doc:
            self.report(9, "token id reuse", None, f"creating a token -> {st}")
            return
        first_id = doc.get("id")
        self.api.call("DELETE", f"/tokens/{first_id}")
        st, doc, _ = self.api.call("POST", "/tokens", {"name": "t9b"})
        second_id, secret = (doc or {}).get("id"), (doc or {}).get("token")
        status, _, _ = request(self.port, "GET", "/api/v1/links",
                               headers={"Authorization": f"Bearer {secret}"})
        self.report(9, f"revoke the newest token, create another ({self.backend})",
                    status == 200 and second_id != first_id,
                    f"ids {first_id} -> {second_id}; new token -> {status}")

    # 10
    def link_reuse(self):
        old = self.api.create_link("reuse10")
        n = 10
        for i in range(n):
            request(self.port, "GET", "/reuse10")
        before = self.api.wait_total(old, n, timeout=10)
        self.api.call("DELETE", f"/links/{old}")
        new = self.api.create_link("fresh10")
        time.sleep(0.5)
        inherited = self.api.link_total(new)
        self.report(10, f"delete a link, create another ({self.backend})",
                    new != old and inherited == 0,
                    f"ids {old} -> {new}; old had {before} clicks, new one shows {inherited}")

    # 11
    def csv_injection(self):
        link = self.api.create_link("csv11")
        values = ['=HYPERLINK("https://e.x","x")', "+cmd|calc", "@SUM(1)", "-1+1"]
        for v in values:
            request(self.port, "GET", "/csv11?utm_source=" + urlquote(v))
        self.api.wait_total(link, len(values), timeout=10)
        live = 0
        for path in (f"/links/{link}/stats?by=utm_source&format=csv", f"/links/{link}/clicks"):
            _, _, payload = self.api.call("GET", path)
            for row in csv.reader(io.StringIO(payload.decode("utf-8", "replace"))):
                live += sum(1 for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r"))
        self.report(11, "CSV formula injection via utm_source", live == 0,
                    f"{live} live formula cells in stats and clicks CSV")

    # 12
    def sighup(self):
        n = 500
        link = self.api.create_link("hup12")
        self.server.restart(["--click-flush-interval-ms", "60000", "--click-flush-batch", "100000"])
        ok = sum(request(self.port, "GET", f"/hup12?i={i}")[0] == 302 for i in range(n))
        self.server.proc.send_signal(signal.SIGHUP)
        try:
            code = self.server.proc.wait(3)
            what = f"the process exited ({describe_exit(code)})"
        except subprocess.TimeoutExpired:
            what = "the process kept running"
            self.server.stop()
        self.server.start()
        stored = self.api.wait_total(link, n, timeout=5)
        self.report(12, "SIGHUP with recent clicks queued", stored >= ok == n,
                    f"{what}; {stored} of {n} clicks stored")

    # 13
    def bad_target(self):
        auth = f"Authorization: Bearer {self.api.token}\r\n".encode()
        answer = raw_exchange(self.port, b"GET /api/v1/links\xff HTTP/1.1\r\nHost: x\r\n" + auth +
                              b"Connection: close\r\n\r\n")
        first = status_of(answer)
        rnd = random.Random(13)
        base = b"/api/v1/links"
        statuses = {}
        for _ in range(self.args.mutations):
            target = bytearray(base + rnd.choice([b"", b"/1", b"?x=1", b"/1/stats"]))
            for _ in range(rnd.randint(1, 3)):
                pos = rnd.randrange(len(target))
                op = rnd.random()
                if op < 0.4:
                    target[pos] = rnd.randrange(256)
                elif op < 0.7:
                    target.insert(pos, rnd.randrange(256))
                else:
                    del target[pos]
            target = bytes(target).replace(b" ", b"%20").replace(b"\r", b"").replace(b"\n", b"")
            st = status_of(raw_exchange(self.port, b"GET " + bytes(target) + b" HTTP/1.1\r\nHost: x\r\n"
                                        + auth + b"Connection: close\r\n\r\n"))
            statuses[st] = statuses.get(st, 0) + 1
        fives = sum(v for k, v in statuses.items() if k >= 500) + (first >= 500)
        held = fives == 0 and self.server.alive() and first != 0
        self.report(13, "GET /api/v1/links\\xff and mutated targets", held,
                    f"\\xff -> {first}; {self.args.mutations} mutations -> {fmt_counts(statuses)}; "
                    f"{fives} answered 5xx")

    # slowhttptest
    def slow(self, row, mode, name):
        if not shutil_which("slowhttptest"):
            self.report(row, name, None, "slowhttptest not installed")
            return
        url = f"http://{HOST}:{self.port}/probe"
        extra = []
        if mode == "-B":
            url = f"http://{HOST}:{self.port}/api/v1/links"
            extra = ["-t", "POST", "-s", "1000000"]
        elif mode == "-X":
            status, _, page = request(self.port, "GET", "/admin")
            m = re.search(rb'/admin/assets/chart[^"\']*', page)
            url = f"http://{HOST}:{self.port}{m.group(0).decode() if m else '/admin'}"
            extra = ["-k", "3", "-n", "5", "-z", "32", "-w", "512", "-y", "1024"]
        prefix = os.path.join(self.args.workdir, f"slow{mode[1:]}")
        cmd = ["slowhttptest", mode, "-c", str(self.args.slow_connections), "-r", "500", "-i", "5",
               "-l", str(self.args.slow_seconds), "-p", "3", "-u", url, "-g", "-o", prefix, *extra]
        base = self.server.rss_mb()
        peak = base
        with Probe(self.port, "/probe") as probe:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + self.args.slow_seconds + 20
            while proc.poll() is None and time.monotonic() < deadline:
                peak = max(peak, self.server.rss_mb())
                time.sleep(0.2)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        connected, unavailable = slow_csv(prefix + ".csv")
        held = probe.result["errors"] == 0 and unavailable == 0 and self.server.alive()
        self.report(row, name, held,
                    f"up to {connected} slow connections held open; service unavailable in "
                    f"{unavailable} samples; RSS +{peak - base:.0f} MB; {probe.text()}")


# ----------------------------------------------------------------- helpers


def fmt_counts(d):
    return ", ".join(f"{k}x{v}" for k, v in sorted(d.items())) or "none"


def status_of(answer):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    return int(m.group(1)) if m else 0


def describe_exit(code):
    return f"signal {-code}" if code is not None and code < 0 else f"status {code}"


def urlquote(text):
    from urllib.parse import quote
    return quote(text, safe="")


def shutil_which(name):
    from shutil import which
    return which(name)


def rollup_rows(db):
    import sqlite3
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM click_rollups").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def slow_csv(path):
    """(max connected, samples with service unavailable) from slowhttptest -g."""
    connected, unavailable = 0, 0
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError:
        return 0, -1
    if not rows:
        return 0, -1
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    col_conn = header.index("connected") if "connected" in header else None
    col_avail = header.index("service_available") if "service_available" in header else None
    for row in rows[1:]:
        try:
            if col_conn is not None:
                connected = max(connected, int(row[col_conn]))
            if col_avail is not None and int(row[col_avail]) == 0:
                unavailable += 1
        except (ValueError, IndexError):
            continue
    return connected, unavailable


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--probe":
        probe_main(int(sys.argv[2]), sys.argv[3])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--db", required=True, help="SQLite file or postgres:// URL")
    p.add_argument("--workdir", required=True)
    p.add_argument("--only", default="", help="comma-separated attack numbers (e.g. 3,4,slow)")
    p.add_argument("--rss-stop-mb", type=float, default=1024)
    p.add_argument("--rss-held-mb", type=float, default=256)
    p.add_argument("--flood-sockets", type=int, default=200)
    p.add_argument("--body-sockets", type=int, default=2000)
    p.add_argument("--idle-sockets", type=int, default=3000)
    p.add_argument("--logins-per-client", type=int, default=6)
    p.add_argument("--cardinality-requests", type=int, default=20000)
    p.add_argument("--mutations", type=int, default=2000)
    p.add_argument("--slow-connections", type=int, default=1500)
    p.add_argument("--slow-seconds", type=int, default=10)
    args = p.parse_args()
    backend = "postgresql" if args.db.startswith("postgres") else "sqlite"

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.idle_sockets + 200:
        args.idle_sockets = max(0, hard - 200)

    started = time.monotonic()
    token = subprocess.run([args.binary, "token", "create", "--db", args.db, "--name", "attack"],
                           check=True, capture_output=True, text=True).stdout.strip()
    server = Server(args.binary, args.db, args.workdir)
    try:
        server.start()
        api = Api(server, token)
        api.create_link("probe", message="")
        for slug in ("m1", "m2"):
            api.create_link(slug)
        api.create_link("c1")
        st, _, payload = api.call("POST", "/centrals", {"anchor": "c1", "members": ["m1", "m2"]})
        if st != 201:
            raise RuntimeError(f"creating the central: {st} {payload[:200]!r}")
        attacks = Attacks(args, server, api, backend)
        with Probe(server.port, "/probe") as probe:
            time.sleep(2)
        attacks.baseline_p99 = probe.result["p99_ms"]
        log(f"{backend}, port {server.port}, baseline {probe.text()}")
        print(f"Sequencial attack table (issue 14), {backend}, {os.path.basename(args.binary)}; "
              f"baseline redirect {probe.text()}", flush=True)

        plan = [
            ("1", attacks.nul_email_login), ("2", attacks.nul_utm_click),
            ("9", attacks.token_reuse), ("10", attacks.link_reuse), ("11", attacks.csv_injection),
            ("13", attacks.bad_target), ("7", attacks.owner_lockout), ("6", attacks.login_flood),
            ("3", attacks.asset_flood), ("4", attacks.body_flood), ("5", attacks.idle_sockets),
            ("8", attacks.cardinality),
            ("slow", lambda: attacks.slow(15, "-H", "slowloris (slowhttptest -H)")),
            ("slow", lambda: attacks.slow(16, "-B", "slow body (slowhttptest -B)")),
            ("slow", lambda: attacks.slow(17, "-X", "slow read (slowhttptest -X)")),
            ("12", attacks.sighup),
        ]
        only = {x.strip() for x in args.only.split(",") if x.strip()}
        for key, run in plan:
            if only and key not in only:
                continue
            if not server.alive():
                log(f"the server died ({describe_exit(server.proc.returncode)}); restarting")
                server.start()
            try:
                run()
            except Exception as e:  # one broken attack must not hide the others
                attacks.report(key, run.__name__ if hasattr(run, "__name__") else key, False,
                               f"the attack itself failed: {type(e).__name__}: {e}")
        if not only or "14" in only:
            attacks.report(14, "SQLITE_BUSY, password change, e-mail length", None,
                           "code reading, not replayable from outside")
    finally:
        server.stop()
    held = sum(1 for r in attacks.results if r[2])
    not_held = sum(1 for r in attacks.results if r[2] is False)
    print(f"attack: {held} held, {not_held} not held, "
          f"{sum(1 for r in attacks.results if r[2] is None)} skipped in "
          f"{time.monotonic() - started:.0f} s", flush=True)
    return 1 if not_held else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        log(f"set-up failed: {e}")
        sys.exit(2)
