#!/usr/bin/env python3
"""Crash test: nothing committed is lost and nothing half-written survives a SIGKILL.

On a fresh database (SQLite, then PostgreSQL when TEST_DATABASE_URL names a server) it:
  1. starts the server and kills it with SIGKILL in the middle of a 20,000-row import sent to
     POST /api/v1/import/demands, restarts it, and checks that either the whole file is there or
     none of it;
  2. imports the file whole, kills the server with SIGKILL while its search outbox is still
     draining, restarts it, and checks that once the outbox has drained every published demand
     is searchable and nothing else is (the search total equals the public list's total);
  3. runs `server verify-audit` (the audit hash chain is whole).

Aimed only at 127.0.0.1, bounded in time. Usage:
  scripts/crash-test.sh [--release] [--rows N]
(`make test` runs the debug build with the default 20,000 rows.)
"""
import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/jiebang-target"))
PORT = int(os.environ.get("CRASH_PORT", "3931"))
BASE = f"http://127.0.0.1:{PORT}"
OFFICIAL = ("official@demo.jiebang.local", "Demo-2026-official")


def log(*a):
    print("[crash-test]", *a, flush=True)


def fail(msg):
    print(f"[crash-test] FAILED: {msg}", flush=True)
    sys.exit(1)


class Db:
    """Counts rows in the test database, SQLite or PostgreSQL."""

    def __init__(self, url):
        self.url = url

    def count(self, sql):
        if self.url.startswith("postgres"):
            out = subprocess.run(
                ["psql", self.url, "-tAc", sql], check=True, capture_output=True, text=True
            )
            return int(out.stdout.strip())
        path = self.url.split("sqlite://", 1)[1].split("?")[0]
        con = sqlite3.connect(path, timeout=30)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()


class Server:
    def __init__(self, binary, env, workdir):
        self.binary, self.env, self.workdir = binary, env, workdir
        self.proc = None
        self.runs = 0

    def start(self):
        self.runs += 1
        out = open(os.path.join(self.workdir, f"serve-{self.runs}.log"), "w")
        self.proc = subprocess.Popen(
            [self.binary, "serve"], env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 300
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"server exited with {self.proc.returncode}; see {out.name}")
            try:
                with urllib.request.urlopen(f"{BASE}/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        fail("server did not start within 300 s")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


def call(method, path, token=None, body=None, timeout=600, ctype="application/json"):
    req = urllib.request.Request(f"{BASE}{path}", method=method, data=body)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def token():
    body = json.dumps({"email": OFFICIAL[0], "password": OFFICIAL[1]}).encode()
    status, out = call("POST", "/api/v1/auth/login", body=body)
    if status != 200:
        fail(f"official sign-in: {status} {out[:200]!r}")
    return json.loads(out)["token"]


def total(path):
    status, out = call("GET", path)
    if status != 200:
        fail(f"GET {path}: {status} {out[:200]!r}")
    return json.loads(out)["total"]


def import_file(tok, path, name):
    with open(path, "rb") as f:
        data = f.read()
    return call("POST", f"/api/v1/import/demands?file_name={name}", tok, data, ctype="text/csv")


def wait_outbox(db, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if db.count("SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL") == 0:
            return True
        time.sleep(0.5)
    return False


def run(engine, db_url, binary, rows, attempt):
    work = tempfile.mkdtemp(prefix=f"jiebang-crash-{engine}-")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        JIEBANG_INDEX_DIR=os.path.join(work, "index"),
        JIEBANG_FILES_DIR=os.path.join(work, "files"),
        JIEBANG_SEEDS_DIR="seeds",
        LEPTOS_SITE_ADDR=f"127.0.0.1:{PORT}",
        RUST_LOG="warn",
    )
    for k in ("MEILISEARCH_URL", "MEILISEARCH_KEY", "JIEBANG_ENV"):
        env.pop(k, None)
    db = Db(db_url)
    srv = Server(binary, env, work)
    try:
        # The organizations the demands belong to, and the file of demands.
        subprocess.run([binary, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([binary, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
        listing = subprocess.run(
            [binary, "bench-data", "--n", str(rows * 4), "--out", os.path.join(work, "docs.jsonl"),
             "--import-dir", os.path.join(work, "import")],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.splitlines()
        files = [l.split(" ", 1) for l in listing[2:]]
        orgs = [p for k, p in files if k == "organizations"]
        demands = [p for k, p in files if k == "demands"]
        if not orgs or not demands:
            fail(f"bench-data wrote no organizations or demands: {listing[:4]}")
        for p in orgs:
            subprocess.run([binary, "import", "--kind", "organizations", "--file", p],
                           env=env, cwd=ROOT, check=True, capture_output=True)
        demand_file = demands[0]
        with open(demand_file, "rb") as f:
            lines = sum(1 for l in f if l.strip())
        n = lines - 1 if demand_file.endswith(".csv") else lines
        name = os.path.basename(demand_file)
        before = db.count("SELECT COUNT(*) FROM demands")
        log(f"{engine}: {n} demands in {name}; {before} demands before")

        # 1. SIGKILL in the middle of the import. How long reading and checking the file takes
        # is measured first, with a copy whose last row is bad (refused whole, nothing
        # written); the kill then lands just after that, while the rows are being written.
        srv.start()
        tok = token()
        bad = os.path.join(work, "bad-" + name)
        with open(demand_file, "rb") as f, open(bad, "wb") as g:
            body = f.read().rstrip(b"\n")
            g.write(body + b"\n" + b",".join([b"x"] * body.split(b"\n", 1)[0].count(b",")) + b",\n")
        t0 = time.time()
        status, _ = import_file(tok, bad, name)
        checking = time.time() - t0
        if status != 422:
            fail(f"{engine}: the copy with a bad last row was not refused ({status})")
        delay = checking * 1.05 + 0.05 + 0.3 * attempt
        done = threading.Event()

        def send():
            try:
                import_file(tok, demand_file, name)
            except Exception:  # the connection dies with the server
                pass
            done.set()

        wal = db.url.split("sqlite://", 1)[-1].split("?")[0] + "-wal"
        wal_size = lambda: os.path.getsize(wal) if db.url.startswith("sqlite") and os.path.exists(wal) else 0
        wal_before = wal_size()
        t = threading.Thread(target=send, daemon=True)
        t.start()
        time.sleep(delay)
        finished_first = done.is_set()
        # On SQLite the write-ahead log shows whether the rows were being written at the kill.
        wal_grew = wal_size() - wal_before
        srv.kill9()
        t.join(30)
        srv.start()
        after = db.count("SELECT COUNT(*) FROM demands") - before
        if after not in (0, n):
            fail(f"{engine}: after a SIGKILL mid-import {after} of {n} rows are there")
        if finished_first:
            log(f"{engine}: the import answered before the kill at {delay:.1f} s; again on a fresh database")
            return "too late"
        writing = f"; the write-ahead log had grown by {wal_grew / 1e6:.1f} MB" if db.url.startswith("sqlite") else ""
        log(f"{engine}: checking the file takes {checking:.1f} s; killed at {delay:.1f} s{writing}: {after} of {n} rows there (all or none)")

        # 2. The whole file, then SIGKILL while the search outbox drains.
        tok = token()
        if db.count("SELECT COUNT(*) FROM demands") - before == 0:
            status, out = import_file(tok, demand_file, name)
            if status != 200:
                fail(f"{engine}: import after restart: {status} {out[:300]!r}")
        # The burst of changes is the import's: one search-outbox row per demand.
        pending = db.count("SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL")
        srv.kill9()
        log(f"{engine}: killed with {pending} search-outbox rows pending")
        srv.start()
        if not wait_outbox(db, 600):
            fail(f"{engine}: the search outbox did not drain within 600 s of the restart")
        searchable = total("/api/v1/search?kind=demand&per_page=1")
        public = total("/api/v1/demands?per_page=1")
        if searchable != public:
            fail(f"{engine}: {searchable} demands searchable but {public} published")
        if db.count("SELECT COUNT(*) FROM demands") - before != n:
            fail(f"{engine}: the imported file is not all there")
        log(f"{engine}: after the restart {searchable} demands searchable = {public} published")
        srv.stop()

        # 3. The audit chain.
        out = subprocess.run([binary, "verify-audit"], env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            fail(f"{engine}: verify-audit: {out.stdout}{out.stderr}")
        log(f"{engine}: verify-audit: {out.stdout.strip().splitlines()[-1] if out.stdout.strip() else 'ok'}")
        return "ok"
    finally:
        srv.kill9()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--release", action="store_true")
    ap.add_argument("--rows", type=int, default=20_000)
    a = ap.parse_args()
    binary = os.path.join(TARGET, "release" if a.release else "debug", "server")
    if not os.access(binary, os.X_OK):
        fail(f"build first: {binary} is missing")
    def sqlite(attempt):
        d = tempfile.mkdtemp(prefix="jiebang-crash-db-")
        try:
            return run("sqlite", f"sqlite://{d}/crash.db", binary, a.rows, attempt)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def postgres(attempt):
        base = os.environ["TEST_DATABASE_URL"]
        name = "jb_crash_" + uuid.uuid4().hex[:12]
        subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True)
        try:
            return run("postgres", base.rsplit("/", 1)[0] + "/" + name, binary, a.rows, attempt)
        finally:
            subprocess.run(["psql", base, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])

    engines = [sqlite]
    if os.environ.get("TEST_DATABASE_URL"):
        engines.append(postgres)
    elif os.environ.get("REQUIRE_POSTGRES"):
        fail("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
    else:
        log("PostgreSQL skipped (TEST_DATABASE_URL unset)")
    for engine in engines:
        for attempt in range(3):
            if engine(attempt) == "ok":
                break
        else:
            fail("the import answered before every kill")
    log("passed")


if __name__ == "__main__":
    main()
