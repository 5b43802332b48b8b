#!/bin/bash
# Runs once, when the primary's data volume is first initialised (docker-entrypoint-initdb.d):
# a role for streaming replication and a pg_hba rule letting the replica connect with it.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE ${REPLICATION_USER} WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication ${REPLICATION_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
