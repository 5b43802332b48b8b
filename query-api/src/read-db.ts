import knexFactory, { type Knex } from 'knex';

export interface ReadDbOptions {
  maxConnections?: number;
  /** A query slower than this fails (503) instead of holding a pool connection. */
  statementTimeoutMs?: number;
}

const DEFAULT_MAX_CONNECTIONS = 20;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
// A full pool under a spike should shed load quickly rather than queue requests for long.
const ACQUIRE_TIMEOUT_MS = 3000;

/** The pool on READ_DATABASE_URL (a replica in production): every read and every checkpoint poll goes through it. */
export function createReadDb(url: string, options: ReadDbOptions = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      application_name: 'query-api',
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    },
    pool: { min: 0, max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS },
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
  });
}
