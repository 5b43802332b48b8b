import type { Knex } from 'knex';

/**
 * Read models (docs/architecture.md, 'Projectors'), built by the projectors from the event feed and
 * served by the query API. Every table belongs to exactly one projection (see each
 * projection's `tables`), which alone writes it, together with its checkpoint.
 */
export const name = '002-read-models';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE rm_concerts (
      concert_id text PRIMARY KEY,
      title text NOT NULL,
      venue text NOT NULL,
      sales_opened_at timestamptz,
      created_at timestamptz NOT NULL
    );

    CREATE TABLE rm_schedules (
      schedule_id text PRIMARY KEY,
      concert_id text NOT NULL,
      starts_at timestamptz NOT NULL,
      total_seats integer NOT NULL,
      available_seats integer NOT NULL,
      held_seats integer NOT NULL DEFAULT 0,
      sold_seats integer NOT NULL DEFAULT 0
    );
    CREATE INDEX rm_schedules_by_concert ON rm_schedules (concert_id, starts_at);

    CREATE TABLE rm_seats (
      schedule_id text NOT NULL,
      seat_id text NOT NULL,
      grade text NOT NULL,
      price bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('AVAILABLE', 'HELD', 'SOLD')),
      reservation_id text,
      hold_expires_at timestamptz,
      PRIMARY KEY (schedule_id, seat_id)
    );

    CREATE TABLE rm_reservations (
      reservation_id text PRIMARY KEY,
      user_id text NOT NULL,
      schedule_id text,
      seat_ids text[] NOT NULL,
      amount bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
      expires_at timestamptz,
      payment_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX rm_reservations_by_user ON rm_reservations (user_id, created_at DESC, reservation_id);

    CREATE TABLE rm_payments (
      payment_id text PRIMARY KEY,
      reservation_id text NOT NULL,
      user_id text NOT NULL,
      amount bigint NOT NULL,
      status text NOT NULL CHECK (status IN ('REQUESTED', 'COMPLETED', 'FAILED', 'REFUNDED')),
      failure_reason text,
      requested_at timestamptz NOT NULL,
      completed_at timestamptz,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX rm_payments_by_reservation ON rm_payments (reservation_id);
    CREATE INDEX rm_payments_by_user ON rm_payments (user_id, requested_at DESC);

    CREATE TABLE rm_wallets (
      user_id text PRIMARY KEY,
      balance bigint NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE rm_sales_by_schedule (
      schedule_id text PRIMARY KEY,
      concert_id text NOT NULL,
      sold_seats integer NOT NULL,
      revenue bigint NOT NULL
    );

    CREATE TABLE rm_sales_by_minute (
      schedule_id text NOT NULL,
      minute timestamptz NOT NULL,
      sold_seats integer NOT NULL,
      revenue bigint NOT NULL,
      PRIMARY KEY (schedule_id, minute)
    );

    -- Where each projection (and the relay) has got to in the global feed, plus the JetStream
    -- sequence of the last message it took, to notice a gap in delivery.
    CREATE TABLE projection_checkpoints (
      projection text PRIMARY KEY,
      commit_position numeric(20, 0) NOT NULL,
      prepare_position numeric(20, 0) NOT NULL,
      stream_sequence bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Events a projection failed to apply after its retries: skipped, kept for ops to retry.
    CREATE TABLE parked_events (
      id bigserial PRIMARY KEY,
      projection text NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      stream_id text NOT NULL,
      commit_position numeric(20, 0) NOT NULL,
      prepare_position numeric(20, 0) NOT NULL,
      event jsonb NOT NULL,
      error text NOT NULL,
      attempts integer NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      retried_at timestamptz,
      UNIQUE (projection, event_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS parked_events, projection_checkpoints, rm_sales_by_minute, rm_sales_by_schedule,
      rm_wallets, rm_payments, rm_reservations, rm_seats, rm_schedules, rm_concerts;
  `);
}
