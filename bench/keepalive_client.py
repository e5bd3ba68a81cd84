#!/usr/bin/env python3
"""Send exactly N keep-alive GET requests over ONE connection and check the answers.

Used by bench/callgrind.sh, where the number of requests must be exact (wrk
runs for a duration). No cookie is ever sent, so on a fixed central every
request is a new visitor.

usage: keepalive_client.py HOST PORT PATH N [EXPECTED_STATUS]
Prints the number of requests answered with EXPECTED_STATUS (default 302);
exits 1 if any answer differs.
"""
import http.client
import sys


def main() -> int:
    if len(sys.argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    expected = int(sys.argv[5]) if len(sys.argv) == 6 else 302
    conn = http.client.HTTPConnection(host, port, timeout=600)
    ok = 0
    for i in range(n):
        conn.request("GET", path, headers={"User-Agent": "sequencial-bench/1"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != expected:
            print(f"request {i + 1}: status {resp.status}, expected {expected}", file=sys.stderr)
            return 1
        if resp.will_close:
            print(f"request {i + 1}: the server closed the keep-alive connection", file=sys.stderr)
            return 1
        ok += 1
    conn.close()
    print(ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
