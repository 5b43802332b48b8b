import type { Knex } from 'knex';

/**
 * The PostgreSQL event store.
 *
 * Feed order is (transaction_id, global_position): a reader only takes events whose transaction id
 * is below the oldest transaction still running, so an event whose sequence number was drawn early
 * but committed late is never skipped (docs/architecture.md, 'The gap-safe PostgreSQL feed').
 *
 * es_append takes a per-stream advisory lock BEFORE the transaction writes anything, i.e.
 * before it is given a transaction id. Two appends to the same stream therefore get
 * transaction ids in the order they hold the stream, which makes the feed order agree
 * with stream revision order even for appends that use `any`/`exists`.
 */
export const name = '001-event-store';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE es_events (
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
      global_position bigint GENERATED ALWAYS AS IDENTITY,
      stream_id text NOT NULL,
      stream_revision bigint NOT NULL,
      category text NOT NULL,
      event_id uuid NOT NULL,
      event_type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT es_events_stream_revision UNIQUE (stream_id, stream_revision),
      CONSTRAINT es_events_event_id UNIQUE (event_id)
    );

    CREATE INDEX es_events_feed ON es_events (transaction_id, global_position);

    CREATE FUNCTION es_append(
      p_stream_id text,
      p_expected text,
      p_event_ids uuid[],
      p_types text[],
      p_data jsonb[],
      p_metadata jsonb[]
    ) RETURNS TABLE (out_revision bigint, out_transaction_id xid8, out_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_current bigint;
      v_count int := cardinality(p_event_ids);
      v_category text := split_part(p_stream_id, '-', 1);
      v_position bigint;
    BEGIN
      -- Must stay the first statement: see the header of this migration.
      PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));

      -- Under the lock, the stream's last revision cannot move: one backward index probe.
      SELECT max(e.stream_revision) INTO v_current FROM es_events e WHERE e.stream_id = p_stream_id;

      IF (p_expected = 'no-stream' AND v_current IS NOT NULL)
         OR (p_expected = 'exists' AND v_current IS NULL)
         OR (p_expected NOT IN ('no-stream', 'exists', 'any') AND v_current IS DISTINCT FROM p_expected::bigint)
      THEN
        RAISE EXCEPTION 'wrong expected version'
          USING ERRCODE = 'ES409', DETAIL = coalesce(v_current::text, 'no-stream'), HINT = p_stream_id;
      END IF;

      WITH inserted AS (
        INSERT INTO es_events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
        SELECT p_stream_id, coalesce(v_current, -1) + i, v_category,
               p_event_ids[i], p_types[i], p_data[i], p_metadata[i]
        FROM generate_series(1, v_count) AS i
        ORDER BY i
        RETURNING global_position
      )
      SELECT max(inserted.global_position) INTO v_position FROM inserted;

      RETURN QUERY SELECT coalesce(v_current, -1) + v_count, pg_current_xact_id(), v_position;
    END
    $fn$;

    -- Several streams in one transaction, all or nothing (a hold: its seats and the
    -- reservation). Every stream lock is taken first, in one global order (by lock key, so
    -- two writers never wait on each other crosswise), before the transaction has an id.
    CREATE FUNCTION es_append_many(
      p_stream_ids text[],
      p_expected text[],
      p_counts int[],
      p_event_ids uuid[],
      p_types text[],
      p_data jsonb[],
      p_metadata jsonb[]
    ) RETURNS TABLE (out_stream_id text, out_revision bigint, out_transaction_id xid8, out_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_first int := 1;
      v_last int;
    BEGIN
      PERFORM pg_advisory_xact_lock(k)
      FROM (SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(p_stream_ids) AS s) AS keys
      ORDER BY k;

      FOR i IN 1 .. cardinality(p_stream_ids) LOOP
        v_last := v_first + p_counts[i] - 1;
        RETURN QUERY
          SELECT p_stream_ids[i], a.out_revision, a.out_transaction_id, a.out_position
          FROM es_append(p_stream_ids[i], p_expected[i], p_event_ids[v_first:v_last], p_types[v_first:v_last],
                         p_data[v_first:v_last], p_metadata[v_first:v_last]) AS a;
        v_first := v_last + 1;
      END LOOP;
    END
    $fn$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP FUNCTION IF EXISTS es_append_many(text[], text[], int[], uuid[], text[], jsonb[], jsonb[]);
    DROP FUNCTION IF EXISTS es_append(text, text, uuid[], text[], jsonb[], jsonb[]);
    DROP TABLE IF EXISTS es_events;
  `);
}
