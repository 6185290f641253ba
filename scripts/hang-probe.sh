#!/usr/bin/env bash
# Reproduces the in-process page-render hang that keeps `--test-threads=1` in scripts/test.sh,
# and saves every thread's stack when it happens. By hand only (not in CI); about 10 minutes.
#
#   scripts/hang-probe.sh [runs]      # default 40 runs of the router suite, 3 busy loops beside it
#
# Seen on 2 cores (session 4): 4 hangs in 25 parallel runs of tests/router.rs with three busy
# loops, none in 40 one-test-at-a-time runs. The stacks (kept in $OUT/gdb.txt) always show the
# hung test's current-thread runtime parked in epoll with only sqlx's pool-reaper timer pending,
# every SQLite worker thread idle waiting for a command and the search writer idle: nothing is
# left to wake the page render. It is a lost wake-up inside Leptos's server rendering (the test
# is always one that renders pages: public_pages_render_…, import_form_without_javascript_…),
# happening only when several tokio runtimes render in one process at once. Leptos 0.8.23 and
# reactive_graph 0.2.16 already carry the upstream fixes for the known Suspense races
# (leptos-rs/leptos#4851, #4853), so this is a further one. Building the tests with
# reactive_graph's `sandboxed-arenas` (one reactive arena per request) does not help: 2 hangs
# in about 10 runs.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
RUNS="${1:-40}"
OUT="${OUT:-$(mktemp -d)}"
cargo test -p server --test router --no-run 2>&1 | tail -1
BIN=$(ls -t "$CARGO_TARGET_DIR"/debug/deps/router-* | grep -v '\.d$' | head -1)
for _ in 1 2 3; do (timeout 3600 sh -c 'while :; do :; done') & done
trap 'pkill -f "while :; do :; done"' EXIT
hangs=0
for i in $(seq 1 "$RUNS"); do
  "$BIN" > "$OUT/run-$i.log" 2>&1 &
  P=$!
  for _ in $(seq 1 60); do sleep 1; kill -0 $P 2>/dev/null || break; done
  if kill -0 $P 2>/dev/null; then
    hangs=$((hangs + 1))
    echo "run $i hung: $(grep -h 'running for over' "$OUT/run-$i.log" | head -1)"
    command -v gdb >/dev/null && gdb -p $P -batch -ex "thread apply all bt 40" > "$OUT/gdb-$i.txt" 2>&1
    kill $P
  fi
done
echo "$hangs hangs in $RUNS runs; logs and stacks in $OUT"
