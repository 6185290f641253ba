#!/usr/bin/env bash
# Starts the local PostgreSQL (installed by setup.sh --test) and makes sure the test role
# exists with CREATEDB. Prints the URL the tests use.
set -euo pipefail
ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
if [ -z "$ver" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$ver" main >/dev/null
fi
status=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main"{print $4}')
if [ "$status" != "online" ]; then
  pg_ctlcluster "$ver" main start
fi
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main"{print $3}')
for i in $(seq 1 30); do
  su postgres -c "psql -p $port -Atqc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jiebang_test') THEN CREATE ROLE jiebang_test LOGIN PASSWORD 'jiebang_test' CREATEDB; END IF; END\\\$\\\$;\"" >/dev/null
su postgres -c "psql -p $port -Atqc \"SELECT 1 FROM pg_database WHERE datname = 'jiebang_test'\"" | grep -q 1 \
  || su postgres -c "psql -p $port -qc 'CREATE DATABASE jiebang_test OWNER jiebang_test'" >/dev/null
echo "postgres://jiebang_test:jiebang_test@127.0.0.1:$port/jiebang_test"
