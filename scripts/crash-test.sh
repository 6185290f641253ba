#!/usr/bin/env bash
# SIGKILL the server mid-import and mid-outbox, restart it, check nothing is lost or half-written
# and the audit chain holds; SQLite, then PostgreSQL when TEST_DATABASE_URL is set.
#   scripts/crash-test.sh [--release] [--rows N]     (see scripts/crash-test.py)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec python3 scripts/crash-test.py "$@"
