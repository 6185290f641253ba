#!/usr/bin/env bash
# The contracts benchmark on both engines (see BENCHMARKS.md): for each size, a fresh SQLite
# file and a fresh PostgreSQL database, `server bench-contracts` generates the registry sheet,
# imports it, re-imports it, and times the dashboard and the turnover figures.
# Usage: scripts/bench-contracts.sh [sizes…]   (default: 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
B="$CARGO_TARGET_DIR/release/server"
[ -x "$B" ] || cargo build --release -p server
dir=${BENCH_DIR:-/tmp/jiebang-bench-contracts}
mkdir -p "$dir"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
pg=$(scripts/pg.sh | tail -1)
base=${pg%/*}
for n in "${sizes[@]}"; do
  echo "== $n contracts, SQLite"
  rm -f "$dir/bench.db" "$dir/bench.db-wal" "$dir/bench.db-shm"
  DATABASE_URL="sqlite://$dir/bench.db" "$B" bench-contracts --n "$n" --dir "$dir"
  echo "== $n contracts, PostgreSQL"
  port=${base##*:}
  su postgres -c "psql -p $port -qc 'DROP DATABASE IF EXISTS jiebang_bench'" >/dev/null
  su postgres -c "psql -p $port -qc 'CREATE DATABASE jiebang_bench OWNER jiebang_test'" >/dev/null
  DATABASE_URL="$base/jiebang_bench" "$B" bench-contracts --n "$n" --dir "$dir"
  echo "== $n contracts, the import command on a fresh SQLite file (memory)"
  rm -f "$dir/import.db" "$dir/import.db-wal" "$dir/import.db-shm"
  DATABASE_URL="sqlite://$dir/import.db" "$B" seed >/dev/null 2>&1
  DATABASE_URL="sqlite://$dir/import.db" /usr/bin/time -f "import command: %e s wall, peak RSS %M KiB" \
    "$B" import --kind contracts --file "$dir/contracts-$n.csv" 2>&1 | grep -v "^\s*$" | tail -3
done
