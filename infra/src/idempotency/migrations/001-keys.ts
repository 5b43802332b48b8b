import type { Knex } from 'knex';

/**
 * The Idempotency DB: one row per (user, Idempotency-Key). It lives in its own schema with
 * its own migrations table so that IDEMPOTENCY_DATABASE_URL may name another database.
 *
 * - state 'in-flight': the first request runs; `lock_id` fences its completion, so a request
 *   that was taken over after the in-flight timeout cannot overwrite its successor's result.
 * - state 'completed': `response_*` hold what a repeat gets back.
 * Rows past `expires_at` are deleted by the gateways' cleanup job (index below).
 */
export const name = '001-keys';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE idempotency.keys (
      user_id text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      state text NOT NULL CHECK (state IN ('in-flight', 'completed')),
      lock_id uuid,
      locked_at timestamptz,
      response_status smallint,
      response_headers jsonb,
      response_body bytea,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, key),
      CHECK (state = 'completed' OR (lock_id IS NOT NULL AND locked_at IS NOT NULL)),
      CHECK (state = 'in-flight' OR (response_status IS NOT NULL AND response_body IS NOT NULL))
    );
    CREATE INDEX keys_expires_at ON idempotency.keys (expires_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS idempotency.keys');
}
