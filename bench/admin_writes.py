#!/usr/bin/env python3
"""Admin writes as the number of links grows (issue 13): creates N links
through the admin API with C concurrent keep-alive clients against a running
server, and prints the overall rate and the rate of each tenth of the run, so
a write whose cost grows with the links shows as a falling rate.

usage: admin_writes.py HOST PORT TOKEN N [CLIENTS] [PREFIX]
Prints one line per tenth ("links 10000-20000: 1234/s") and a total; exits 1
on any answer other than 201.
"""
import http.client
import json
import sys
import threading
import time


def main() -> int:
    if len(sys.argv) not in (5, 6, 7):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, token, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    clients = int(sys.argv[5]) if len(sys.argv) >= 6 else 8
    prefix = sys.argv[6] if len(sys.argv) == 7 else "w"
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "failed": None}
    marks = []  # time at which each tenth was completed
    tenth = max(1, n // 10)
    start = time.monotonic()

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while True:
            with lock:
                if state["next"] >= n or state["failed"]:
                    break
                i = state["next"]
                state["next"] += 1
            body = json.dumps({"slug": f"{prefix}{i}", "phone": f"55119{10000000 + i % 90000000}",
                               "message": "Olá, vim pelo site"})
            conn.request("POST", "/api/v1/links", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            with lock:
                if resp.status != 201:
                    state["failed"] = f"link {i}: status {resp.status}: {data[:200]!r}"
                    break
                state["done"] += 1
                if state["done"] % tenth == 0:
                    marks.append(time.monotonic())
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = time.monotonic() - start
    if state["failed"]:
        print(state["failed"], file=sys.stderr)
        return 1
    previous = start
    for k, mark in enumerate(marks):
        print(f"links {k * tenth}-{(k + 1) * tenth}: {tenth / (mark - previous):.0f}/s")
        previous = mark
    print(f"total: {n} links in {total:.1f} s ({n / total:.0f}/s) with {clients} clients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
