#!/usr/bin/env python3
"""Probe (issue 9, item 1): anonymous sign-ins carrying huge e-mails must not grow the server.

Sends N (default 3000) JSON logins to http://127.0.0.1:PORT/api/v1/auth/login, each with an
e-mail of about 1 MB (just under the body limit) and a wrong password, and reads the server's
resident memory (VmRSS of PID) before and after. Passes when it grew by less than 50 MB.
Aimed only at 127.0.0.1; bounded in count. By hand, against a running server:

    scripts/probe-login-memory.py PID [N] [PORT]
"""
import json
import sys
import time
import urllib.error
import urllib.request


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmRSS for {pid}")


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    pid = int(sys.argv[1])
    n = min(int(sys.argv[2]) if len(sys.argv) > 2 else 3000, 10000)
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    url = f"http://127.0.0.1:{port}/api/v1/auth/login"
    before = rss_mb(pid)
    statuses: dict[int, int] = {}
    start = time.time()
    for i in range(n):
        email = f"{i}" + "a" * (1000 * 1000) + "@example.cn"
        body = json.dumps({"email": email, "password": "wrong-password-1"}).encode()
        req = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
        statuses[code] = statuses.get(code, 0) + 1
    after = rss_mb(pid)
    grew = after - before
    print(f"{n} logins in {time.time() - start:.0f} s, statuses {statuses}")
    print(f"server RSS {before:.0f} MB -> {after:.0f} MB (grew {grew:.0f} MB)")
    if grew >= 50:
        raise SystemExit("FAIL: the server kept more than 50 MB")
    print("ok")


if __name__ == "__main__":
    main()
