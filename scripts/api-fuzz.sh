#!/usr/bin/env bash
# Schemathesis against /api/v1/openapi.json of a fresh embedded server on 127.0.0.1: every
# route, anonymous and then with an official's token. Fails on any 5xx, any response that
# does not match the document (schema, status, content type), or a request that crashes it.
#   scripts/api-fuzz.sh [--release] [--examples N]     (make test: the debug build, N=25)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

profile=debug examples=25
while [ $# -gt 0 ]; do
  case "$1" in
    --release) profile=release ;;
    --examples) examples="$2"; shift ;;
    *) echo "usage: $0 [--release] [--examples N]"; exit 2 ;;
  esac
  shift
done

ST_VERSION=4.32.5
venv="$HOME/.cache/jiebang-tools/schemathesis-$ST_VERSION"
if [ ! -x "$venv/bin/st" ]; then
  echo "[api-fuzz] installing Schemathesis $ST_VERSION from PyPI into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

binary="$CARGO_TARGET_DIR/$profile/server"
[ -x "$binary" ] || { echo "[api-fuzz] build first: $binary is missing"; exit 1; }

port=${FUZZ_PORT:-3932}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
unset MEILISEARCH_URL MEILISEARCH_KEY JIEBANG_ENV TEST_DATABASE_URL
export DATABASE_URL="sqlite://$work/fuzz.db" JIEBANG_INDEX_DIR="$work/index" \
  JIEBANG_FILES_DIR="$work/files" JIEBANG_SEEDS_DIR=seeds LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  RUST_LOG=warn
"$binary" migrate > "$work/migrate.log" 2>&1
"$binary" seed > "$work/seed.log" 2>&1
"$binary" serve > "$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -fs "$base/api/v1/health" > /dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log"; echo "[api-fuzz] the server exited"; exit 1; }
  sleep 0.5
done
token=$(curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"official@demo.jiebang.local","password":"Demo-2026-official"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Bounded: N examples per route in each phase, one worker, a fixed seed so a failure repeats.
run() {
  local who=$1; shift
  echo "[api-fuzz] $who"
  "$venv/bin/st" run "$base/api/v1/openapi.json" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --phases examples,coverage,fuzzing --max-examples "$examples" --seed 20261204 \
    --workers 1 --request-timeout 60 --generation-database none --no-color \
    --suppress-health-check all --warnings off "$@"
}
status=0
run "anonymous" || status=1
run "as an official" -H "Authorization: Bearer $token" || status=1
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "[api-fuzz] the server died during the run:"; tail -50 "$work/serve.log"; status=1
fi
if grep -q "panicked" "$work/serve.log"; then
  echo "[api-fuzz] the server panicked:"; grep -A5 "panicked" "$work/serve.log" | head -40; status=1
fi
[ $status -eq 0 ] && echo "[api-fuzz] passed" || echo "[api-fuzz] FAILED"
exit $status
