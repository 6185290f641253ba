#!/usr/bin/env bash
# Every test: migration drift, unit and domain tests, the store contract on SQLite AND
# PostgreSQL, service and router tests, then the end-to-end suite in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh --test

# A test run gains nothing from incremental compilation, and its files are the bulk of what
# fills the disk; free space first if the build directory's disk is getting full.
export CARGO_INCREMENTAL=0
mkdir -p "$CARGO_TARGET_DIR"
avail_kb=$(df --output=avail -k "$CARGO_TARGET_DIR" | tail -1)
if [ "${avail_kb:-0}" -lt 15000000 ]; then
  echo "== less than 15 GB free: removing incremental build caches"
  rm -rf "$CARGO_TARGET_DIR"/debug/incremental "$CARGO_TARGET_DIR"/front/*/debug/incremental
  # Test executables of earlier builds (about 1.6 GB each) are the rest; they are rebuilt.
  find "$CARGO_TARGET_DIR"/debug/deps -maxdepth 1 -type f -executable -mmin +120 -delete 2>/dev/null || true
fi

echo "== migrations: both engines carry the same versions"
a=$(ls migrations/sqlite | sed 's/_.*//' | sort -u); b=$(ls migrations/postgres | sed 's/_.*//' | sort -u)
if [ "$a" != "$b" ]; then echo "migrations/sqlite and migrations/postgres differ:"; diff <(echo "$a") <(echo "$b"); exit 1; fi

echo "== formatting and lints (cargo fmt, clippy -D warnings for server, ssr and wasm builds)"
cargo fmt --all --check
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings

echo "== PostgreSQL"
export TEST_DATABASE_URL=$(scripts/pg.sh | tail -1)
export REQUIRE_POSTGRES=1

echo "== unit, contract, service and router tests"
cargo test -p app --features ssr
# One test at a time. In parallel, a test that renders pages hangs now and then on a loaded
# machine (4 in 25 runs of tests/router.rs beside three busy loops on 2 cores; never one at a
# time, and never in the real server). Its stacks show a lost wake-up inside Leptos's server
# rendering when several tokio runtimes render in one process: the hung runtime waits with no
# I/O, timer or database work pending. Reproduce it and see the stacks: scripts/hang-probe.sh.
cargo test -p server -- --test-threads=1
echo "== crash test (SIGKILL mid-import and mid-outbox, on SQLite and PostgreSQL)"
# The debug server the tests above built; scripts/crash-test.sh --release by hand.
scripts/crash-test.sh
echo "== API fuzz (Schemathesis against /api/v1/openapi.json, anonymous and as an official)"
# 50 examples per route and phase here; scripts/api-fuzz.sh --examples 1000 by hand.
scripts/api-fuzz.sh --examples 50
# The Meilisearch suites are ignored (and counted so) unless a server is named.
if [ -n "${MEILISEARCH_URL:-}" ]; then
  cargo test -p server --test search -- --ignored --test-threads=1
fi

echo "== end-to-end (Chromium via Playwright, fresh embedded database)"
E2E_DIR=$(mktemp -d)
trap 'rm -rf "$E2E_DIR"' EXIT
export DATABASE_URL="sqlite://$E2E_DIR/e2e.db"
export JIEBANG_INDEX_DIR="$E2E_DIR/index" JIEBANG_FILES_DIR="$E2E_DIR/files"
unset TEST_DATABASE_URL
rm -f end2end/results.json
cargo leptos end-to-end
# cargo-leptos has been seen to exit 0 when its build failed (a full disk), before any browser
# test ran: the suite passes only if Playwright reports tests run and none failed.
python3 - <<'EOF'
import json, sys
try:
    stats = json.load(open("end2end/results.json"))["stats"]
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"end-to-end: no Playwright report ({e}); the browser tests did not run")
print(f"end-to-end: {stats.get('expected', 0)} passed, {stats.get('unexpected', 0)} failed, "
      f"{stats.get('flaky', 0)} flaky, {stats.get('skipped', 0)} skipped")
if stats.get("unexpected", 0) or stats.get("flaky", 0) or not stats.get("expected", 0):
    sys.exit("end-to-end: failed")
EOF
