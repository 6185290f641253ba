#!/usr/bin/env bash
# Loads N synthetic records into a fresh SQLite database through the real import path, starts
# the real server on it (which builds its embedded index from the database), sends the 200
# benchmark queries to GET /api/v1/search and prints the server's memory. Figures go to
# BENCHMARKS.md by hand; nothing here asserts a time.
#
#   scripts/bench-server.sh [N]        (default 100000; needs `cargo build --release -p server`)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
B=${CARGO_TARGET_DIR:-$HOME/.cache/jiebang-target}/release/server
[ -x "$B" ] || { echo "build first: cargo build --release -p server" >&2; exit 1; }
W=$(mktemp -d /tmp/jiebang-bench-server.XXXXXX)
PORT=${PORT:-3917}
export DATABASE_URL="sqlite://$W/db.sqlite" JIEBANG_INDEX_DIR="$W/index" JIEBANG_FILES_DIR="$W/files" JIEBANG_SEEDS_DIR=seeds
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn
unset MEILISEARCH_URL MEILISEARCH_KEY
# KEEP=1 keeps the database and index for a closer look.
trap '[ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"' EXIT

"$B" migrate >/dev/null
"$B" seed >/dev/null
"$B" bench-data --n "$N" --out "$W/docs.jsonl" --import-dir "$W/import" >"$W/files.txt"
sed -n 1,2p "$W/files.txt"
start=$(date +%s.%N)
rows=0
while read -r kind path; do
  out=$("$B" import --kind "$kind" --file "$path" 2>&1) || { echo "$out" | head -20 >&2; exit 1; }
  rows=$((rows + $(echo "$out" | awk '/^imported/ {print $2}')))
done < <(tail -n +3 "$W/files.txt")
end=$(date +%s.%N)
awk -v r="$rows" -v s="$start" -v e="$end" 'BEGIN { printf "import: %d rows in %.1f s, %.0f rows/s\n", r, e - s, r / (e - s) }'

start=$(date +%s.%N)
"$B" serve >"$W/serve.log" 2>&1 &
PID=$!
until curl -fsS "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { cat "$W/serve.log" >&2; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "server start-up (index rebuilt from the database): %.1f s\n", e - s }'
total=$(curl -fsS "http://127.0.0.1:$PORT/api/v1/search?per_page=1" | sed -E 's/.*"total":([0-9]+).*/\1/')
echo "documents searchable through the server: $total"
grep -E 'VmHWM|VmRSS|RssAnon|RssFile' "/proc/$PID/status" | tr -s ' \t' ' ' | paste -sd ';' | sed 's/^/after start-up: /'
echo "index on disk: $(du -sh "$W/index" | cut -f1)"
"$B" bench-search --url "http://127.0.0.1:$PORT" --pid "$PID"
