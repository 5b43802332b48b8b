import type { Knex } from 'knex';

/**
 * es_append_batch: the group commit of the PostgreSQL event store. Several independent appends
 * (each one stream, or several streams all or nothing, as es_append_many) in one transaction and
 * one round trip, so concurrent appends share one commit and one WAL flush instead of waiting on
 * each other's (WALWrite was the wait a profile of 16 writers showed most).
 *
 * Unlike es_append/es_append_many it does not raise on a wrong expected revision: a unit whose
 * streams are not all at the revision expected is left out and reported, and the other units are
 * written. The caller passes each stream once per batch.
 *
 * Feed rules as in 001-event-store: every stream lock is taken first, in one global order (by lock
 * key), before the transaction writes anything and so before it has a transaction id; the events
 * are inserted in the order given, so global positions follow it.
 */
export const name = '007-es-append-batch';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION es_append_batch(
      p_units int[],          -- per stream write: the all-or-nothing unit it belongs to
      p_stream_ids text[],    -- per stream write, each stream once
      p_expected text[],      -- per stream write: 'no-stream' | 'exists' | 'any' | a revision
      p_event_writes int[],   -- per event: the index of its stream write (writes' events in order)
      p_event_ids uuid[],
      p_types text[],
      p_data jsonb[],
      p_metadata jsonb[]
    ) RETURNS TABLE (out_index int, out_ok boolean, out_current bigint, out_transaction_id xid8, out_position bigint)
    -- Generic plans, as es_append (006): the plans do not depend on the values.
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
    DECLARE
      v_current bigint[];
      v_ok boolean[];
      v_last_positions bigint[];
    BEGIN
      -- Must stay the first statement: see the header of 001-event-store.
      PERFORM pg_advisory_xact_lock(k)
      FROM (SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(p_stream_ids) AS s) AS keys
      ORDER BY k;

      -- Under the locks no stream can move: one backward index probe per stream. A unit is
      -- written only when every one of its streams is at the revision it expects.
      SELECT array_agg(c.current ORDER BY c.i), array_agg(c.ok ORDER BY c.i) INTO v_current, v_ok
      FROM (
        SELECT r.i, r.current,
               bool_and(CASE p_expected[r.i]
                          WHEN 'any' THEN true
                          WHEN 'no-stream' THEN r.current IS NULL
                          WHEN 'exists' THEN r.current IS NOT NULL
                          ELSE r.current IS NOT DISTINCT FROM p_expected[r.i]::bigint
                        END) OVER (PARTITION BY p_units[r.i]) AS ok
        FROM (
          SELECT w.i,
                 (SELECT max(e.stream_revision) FROM es_events e WHERE e.stream_id = p_stream_ids[w.i]) AS current
          FROM generate_subscripts(p_stream_ids, 1) AS w(i)
          OFFSET 0 -- one probe per stream: keeps the planner from copying it into each use below
        ) AS r
      ) AS c;

      WITH inserted AS (
        INSERT INTO es_events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
        SELECT p_stream_ids[ev.w],
               coalesce(v_current[ev.w], -1) + row_number() OVER (PARTITION BY ev.w ORDER BY ev.k),
               split_part(p_stream_ids[ev.w], '-', 1),
               p_event_ids[ev.k], p_types[ev.k], p_data[ev.k], p_metadata[ev.k]
        FROM (SELECT k, p_event_writes[k] AS w FROM generate_subscripts(p_event_ids, 1) AS k) AS ev
        WHERE v_ok[ev.w]
        ORDER BY ev.k
        RETURNING stream_id, global_position
      )
      SELECT array_agg((SELECT max(x.global_position) FROM inserted x WHERE x.stream_id = p_stream_ids[w.i]) ORDER BY w.i)
      INTO v_last_positions
      FROM generate_subscripts(p_stream_ids, 1) AS w(i);

      RETURN QUERY
        SELECT w.i, v_ok[w.i], v_current[w.i],
               CASE WHEN v_ok[w.i] THEN pg_current_xact_id_if_assigned() END,
               v_last_positions[w.i]
        FROM generate_subscripts(p_stream_ids, 1) AS w(i)
        ORDER BY w.i;
    END
    $fn$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP FUNCTION IF EXISTS es_append_batch(int[], text[], text[], int[], uuid[], text[], jsonb[], jsonb[])',
  );
}
