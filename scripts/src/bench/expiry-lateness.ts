import type pg from 'pg';

export interface Lateness {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * How long after its deadline each hold was timed out, in seconds, from the event store itself:
 * ReservationExpired against its ReservationHeld's expiresAt, and the `expired` SeatReleased
 * against its SeatHeld's holdExpiresAt (when the seat was back on sale on the write side).
 */
export async function expiryLateness(client: pg.Client): Promise<{ reservations: Lateness; seats: Lateness }> {
  const summary = `count(*)::int AS count,
    coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY late), 0) AS p50,
    coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY late), 0) AS p99,
    coalesce(max(late), 0) AS max`;
  const reservations = await client.query<Lateness>(
    `SELECT ${summary} FROM (
       SELECT extract(epoch FROM x.recorded_at - (h.data->>'expiresAt')::timestamptz) AS late
       FROM es_events h JOIN es_events x ON x.stream_id = h.stream_id AND x.event_type = 'ReservationExpired'
       WHERE h.event_type = 'ReservationHeld') t`,
  );
  const seats = await client.query<Lateness>(
    `SELECT ${summary} FROM (
       SELECT extract(epoch FROM r.recorded_at - (h.data->>'holdExpiresAt')::timestamptz) AS late
       FROM es_events h JOIN es_events r ON r.stream_id = h.stream_id AND r.event_type = 'SeatReleased'
         AND r.data->>'reservationId' = h.data->>'reservationId' AND r.data->>'reason' = 'expired'
       WHERE h.event_type = 'SeatHeld') t`,
  );
  return { reservations: numbers(reservations.rows[0]), seats: numbers(seats.rows[0]) };
}

/** ReservationExpired events in the busiest second, and the span from the first to the last one. */
export async function expiryRate(
  client: pg.Client,
): Promise<{ peakPerSecond: number; first: Date | undefined; last: Date | undefined }> {
  const { rows } = await client.query<{ peak: number | null; first: Date | null; last: Date | null }>(
    `SELECT max(n)::int AS peak, min(first) AS first, max(last) AS last FROM (
       SELECT count(*) AS n, min(recorded_at) AS first, max(recorded_at) AS last
       FROM es_events WHERE event_type = 'ReservationExpired' GROUP BY date_trunc('second', recorded_at)) t`,
  );
  const row = rows[0];
  return { peakPerSecond: row?.peak ?? 0, first: row?.first ?? undefined, last: row?.last ?? undefined };
}

function numbers(row: Lateness | undefined): Lateness {
  return {
    count: Number(row?.count ?? 0),
    p50: Number(row?.p50 ?? 0),
    p99: Number(row?.p99 ?? 0),
    max: Number(row?.max ?? 0),
  };
}
