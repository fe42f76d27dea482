#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the test suite: Debian's server binaries, run as the `postgres` user,
# data in a temporary folder, listening on 127.0.0.1 only. Prints the connection URL of a superuser-owned database
# on stdout (`export PALIMPSEST_TEST_PG="$(bash scripts/pg-test-cluster.sh)"`); `stop` as the first argument stops
# the cluster started before and removes its folder.
set -euo pipefail
port="${PALIMPSEST_TEST_PG_PORT:-54329}"
state="${TMPDIR:-/tmp}/palimpsest-pg-$port"

bindir=""
for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && bindir="$d"; done
if [[ -z "$bindir" ]]; then
  echo "pg-test-cluster: no PostgreSQL server found (Debian: apt-get install postgresql)" >&2
  exit 1
fi
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [[ "${1:-}" == stop ]]; then
  if [[ -d "$state/data" ]]; then as_pg "$bindir/pg_ctl" -D "$state/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$state"
  exit 0
fi

if [[ -d "$state/data" ]] && as_pg "$bindir/pg_ctl" -D "$state/data" status >/dev/null 2>&1; then
  echo "postgres://palimpsest:palimpsest@127.0.0.1:$port/palimpsest"
  exit 0
fi
rm -rf "$state"
mkdir -p "$state"
if [[ "$(id -u)" == 0 ]]; then chown postgres "$state"; fi
pwfile="$state/pw"
echo palimpsest > "$pwfile"
if [[ "$(id -u)" == 0 ]]; then chown postgres "$pwfile"; fi
as_pg "$bindir/initdb" -D "$state/data" -U palimpsest --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 \
  || { cat "$state/initdb.log" >&2; exit 1; }
# Durability is not what the tests measure: fsync off keeps the many throw-away databases quick.
as_pg "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $port -k $state -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
  || { cat "$state/server.log" >&2; exit 1; }
PGPASSWORD=palimpsest "$bindir/psql" -h 127.0.0.1 -p "$port" -U palimpsest -d postgres -qc 'CREATE DATABASE palimpsest' >/dev/null
echo "postgres://palimpsest:palimpsest@127.0.0.1:$port/palimpsest"
