#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433, for the
# query API's replica tests (READ_DATABASE_URL). Idempotent: does nothing when the replica
# answers and streams; starts it when stopped; creates it when missing (docs/operations.md, 'The read replica').
# Needs root (or postgres) on a Debian machine with postgresql-common (pg_createcluster).
# Exit 0: the replica is streaming. Exit 2: it cannot be made here (the reason is printed).
set -uo pipefail

PORT=${REPLICA_PORT:-5433}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
CLUSTER=replica
SLOT=replica_${PORT}

say() { printf '[replica] %s\n' "$*"; }
cannot() { say "cannot create the replica: $*"; exit 2; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
streaming() {
  [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atqc \
    "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')" postgres 2>/dev/null)" = t ]
}
wait_streaming() {
  for _ in $(seq 1 60); do streaming && return 0; sleep 0.5; done
  return 1
}

command -v pg_createcluster >/dev/null || cannot "pg_createcluster not found (not a Debian PostgreSQL)"
VERSION=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$VERSION" ] || cannot "no /etc/postgresql/<version>"
if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != postgres ]; then cannot "run as root or postgres (now $(id -un))"; fi

if streaming; then say "streaming replica answers on $PORT"; exit 0; fi

data_dir() { # where pg_createcluster put the cluster's data (createcluster.conf may move it)
  sed -n "s/^data_directory *= *'\(.*\)'.*/\1/p" "/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf" 2>/dev/null
}
DATA=$(data_dir)
if [ -n "$DATA" ] && [ -f "$DATA/standby.signal" ]; then
  say "replica exists but is not answering: starting it"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start 2>&1 | sed 's/^/[replica] /'
  if wait_streaming; then say "streaming replica answers on $PORT"; exit 0; fi
  say "it did not come up: recreating it"
fi

# The primary must accept replication connections without a password, like everything else here.
HBA=/etc/postgresql/$VERSION/main/pg_hba.conf
if ! grep -Eq '^local[[:space:]]+replication' "$HBA"; then
  say "allowing local replication connections on the primary ($HBA)"
  printf 'local replication all trust\nhost replication all 127.0.0.1/32 trust\n' >>"$HBA"
  psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atqc 'SELECT pg_reload_conf()' postgres >/dev/null || cannot "could not reload the primary"
fi

if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" stop -m immediate >/dev/null 2>&1 || true
  pg_dropcluster "$VERSION" "$CLUSTER" >/dev/null 2>&1 || cannot "could not drop the broken cluster $VERSION/$CLUSTER"
fi
psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atqc \
  "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" postgres >/dev/null || true

say "creating cluster $VERSION/$CLUSTER on port $PORT"
pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" >/dev/null || cannot "pg_createcluster failed"
cp "$HBA" "/etc/postgresql/$VERSION/$CLUSTER/pg_hba.conf"
DATA=$(data_dir)
[ -n "$DATA" ] && [ -d "$DATA" ] || cannot "no data directory for $VERSION/$CLUSTER"
# Listen on the same addresses as the primary (127.0.0.1), and never compete for a port with it.
grep -E "^listen_addresses" "/etc/postgresql/$VERSION/main/postgresql.conf" >>"/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf" || true
rm -rf "${DATA:?}"/*
say "pg_basebackup from port $PRIMARY_PORT (slot $SLOT)"
as_postgres pg_basebackup -p "$PRIMARY_PORT" -D "$DATA" -R -X stream -C -S "$SLOT" || cannot "pg_basebackup failed"
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start || cannot "the replica did not start"
wait_streaming || cannot "the replica did not answer on $PORT"
say "streaming replica answers on $PORT"
