#!/bin/bash
# A streaming read replica of the compose primary. On an empty data volume it clones the
# primary with pg_basebackup (-R writes standby.signal and primary_conninfo) through a
# physical replication slot, so the primary keeps the WAL the replica has not received yet.
# Runs as the postgres user; then it is a plain hot standby.
set -euo pipefail
: "${PRIMARY_HOST:?}" "${REPLICATION_USER:?}" "${REPLICATION_PASSWORD:?}"
SLOT=${REPLICATION_SLOT:-replica_1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
export PGPASSWORD=$REPLICATION_PASSWORD

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -q; do echo "waiting for $PRIMARY_HOST"; sleep 1; done
  psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -d postgres -Atc \
    "SELECT pg_create_physical_replication_slot('$SLOT') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT')" >/dev/null
  rm -rf "${PGDATA:?}"/*
  pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream -S "$SLOT"
  chmod 0700 "$PGDATA"
fi
# A standby needs max_connections (and the like) at least as high as the primary: compose passes
# the same -c settings as arguments.
exec postgres -c hot_standby=on -c hot_standby_feedback=on "$@"
