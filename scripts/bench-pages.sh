#!/usr/bin/env bash
# Page throughput: starts the release server (built with the `bench-page` feature, which adds
# a minimal Leptos page as the yardstick) on a fresh seeded SQLite database on 127.0.0.1 and
# loads each page with wrk at 64 connections. Prints req/s, p50, p99 and errors per page and
# each page's throughput as a share of the minimal page's. Figures go to BENCHMARKS.md by
# hand; nothing here asserts a time.
#
#   scripts/bench-pages.sh [SECONDS]      (default 10 per page)
#   needs: cargo build --release -p server --features bench-page, and wrk (scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
DUR=${1:-10}
CONNS=${CONNS:-64}
B=$CARGO_TARGET_DIR/release/server
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/setup.sh (or apt-get install wrk)" >&2; exit 1; }
[ -x "$B" ] || { echo "build first: cargo build --release -p server --features bench-page" >&2; exit 1; }
W=$(mktemp -d /tmp/jiebang-bench-pages.XXXXXX)
PORT=${PORT:-3918}
U="http://127.0.0.1:$PORT"
export DATABASE_URL="sqlite://$W/db.sqlite" JIEBANG_INDEX_DIR="$W/index" JIEBANG_FILES_DIR="$W/files" JIEBANG_SEEDS_DIR=seeds
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn
unset MEILISEARCH_URL MEILISEARCH_KEY JIEBANG_PRODUCTION
trap '[ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT

"$B" migrate >/dev/null
"$B" seed >/dev/null
"$B" serve >"$W/serve.log" 2>&1 &
PID=$!
until curl -fsS "$U/api/v1/health" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { cat "$W/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "$U/__bench/minimal" || { echo "no minimal page: build with --features bench-page" >&2; exit 1; }

first_id() { curl -fsS "$U/api/v1/$1?per_page=1" | sed -E 's/^[^[]*\[\{"id":"([0-9a-f-]+)".*/\1/'; }
DEMAND=$(first_id demands)
ORG=$(curl -fsS "$U/api/v1/demands/$DEMAND" | sed -E 's/.*"org_id":"([0-9a-f-]+)".*/\1/')
TOKEN=$(curl -fsS -H 'content-type: application/json' \
  -d '{"email":"official@demo.jiebang.local","password":"Demo-2026-official"}' \
  "$U/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')

# One line per page: name, path, and whether it is read signed in as an official.
PAGES=(
  "minimal|/__bench/minimal|"
  "home|/|"
  "demand|/demands/$DEMAND|"
  "achievements|/achievements|"
  "experts|/experts|"
  "search|/search?q=%E6%A3%80%E6%B5%8B|"
  "org|/orgs/$ORG|"
  "privacy|/privacy|"
  "review-queue (official)|/review|signed"
)

# wrk's summary, as: req/s p50_ms p99_ms errors bytes_per_response
measure() {
  local path=$1 signed=$2 args=(-t2 -c"$CONNS" -d"${DUR}s" --latency)
  [ -n "$signed" ] && args+=(-H "Authorization: Bearer $TOKEN")
  curl -fsS -o /dev/null ${signed:+-H "Authorization: Bearer $TOKEN"} "$U$path" \
    || { echo "page $path does not answer 200" >&2; exit 1; }
  local size
  size=$(curl -fsS ${signed:+-H "Authorization: Bearer $TOKEN"} "$U$path" | wc -c)
  wrk "${args[@]}" "$U$path" | awk -v size="$size" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx/ { err += $NF } /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.1f %.1f %d %d\n", rps, p50, p99, err, size }'
}

echo "pages: ${DUR}s each, $CONNS connections, $(nproc) cores, release build, SQLite, seeded"
printf '%-24s %9s %9s %9s %7s %9s %8s\n' page req/s p50_ms p99_ms errors bytes vs_min
base=""
for line in "${PAGES[@]}"; do
  IFS='|' read -r name path signed <<<"$line"
  read -r rps p50 p99 err size < <(measure "$path" "$signed")
  [ -z "$base" ] && base=$rps
  printf '%-24s %9s %9s %9s %7s %9s %7.0f%%\n' "$name" "$rps" "$p50" "$p99" "$err" "$size" \
    "$(awk -v a="$rps" -v b="$base" 'BEGIN { print 100 * a / b }')"
done
grep -E 'VmHWM|VmRSS' "/proc/$PID/status" | tr -s ' \t' ' ' | paste -sd ';' | sed 's/^/server memory: /'
