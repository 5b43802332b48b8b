import type { Knex } from 'knex';
import { deadlineId, type DeadlineChange, type DeadlineKey, type DueDeadline } from './deadline.js';

const KEY = '(reservation_id, kind, schedule_id, seat_id)';
/** The one order every statement that may wait on a deadline row locks its rows in: the key's. */
const KEY_ORDER = 'h.reservation_id, h.kind, h.schedule_id, h.seat_id';
/** A locked row (`l`) matched back to the table (`d`). */
const SAME_ROW =
  '(d.reservation_id, d.kind, d.schedule_id, d.seat_id) = (l.reservation_id, l.kind, l.schedule_id, l.seat_id)';

/**
 * Applies a batch of changes in ONE statement. Changes to one deadline are merged first (a
 * settle wins over a set: the hold has ended), and rows go in key order (sorted by the server),
 * the order settleDeadlines and postponeDeadlines lock them in too: two recorders, or a recorder and a
 * timer, writing overlapping deadlines cannot deadlock.
 *
 * A set never touches an existing row: a redelivered hold is a no-op, and a settled row (a
 * tombstone) is never revived by a hold event that arrives after its end. A settle marks the
 * row settled, creating the tombstone if the hold has not been seen yet.
 */
export async function recordChanges(db: Knex | Knex.Transaction, changes: readonly DeadlineChange[]): Promise<void> {
  const merged = new Map<
    string,
    { key: DeadlineKey; dueAt?: Date; sourceEventId?: string; correlationId?: string; settledBy?: string }
  >();
  for (const change of changes) {
    const id = deadlineId(change.key);
    const row = merged.get(id) ?? { key: change.key };
    if (change.type === 'set')
      Object.assign(row, {
        dueAt: change.dueAt,
        sourceEventId: change.sourceEventId,
        correlationId: change.correlationId,
      });
    else row.settledBy ??= change.settledBy;
    merged.set(id, row);
  }
  if (merged.size === 0) return;
  // One JSON parameter rather than an array per column: a NULL inside a text[] binding is
  // beyond knex's types.
  const json = [...merged.values()].map((r) => ({
    r: r.key.reservationId,
    k: r.key.kind,
    sc: r.key.scheduleId,
    se: r.key.seatId,
    due: r.dueAt?.toISOString() ?? null,
    src: r.sourceEventId ?? null,
    corr: r.correlationId ?? null,
    sb: r.settledBy ?? null,
  }));
  await db.raw(
    `INSERT INTO hold_deadlines AS d
       (reservation_id, kind, schedule_id, seat_id, due_at, next_attempt_at, source_event_id, correlation_id, settled_at, settled_by)
     SELECT c.r, c.k, c.sc, c.se, c.due, c.due, c.src, c.corr, CASE WHEN c.sb IS NULL THEN NULL ELSE now() END, c.sb
     FROM jsonb_to_recordset(?::jsonb) AS c(r text, k text, sc text, se text, due timestamptz, src text, corr text, sb text)
     ORDER BY c.r, c.k, c.sc, c.se
     ON CONFLICT ${KEY} DO UPDATE SET settled_at = now(), settled_by = excluded.settled_by
       WHERE d.settled_at IS NULL AND excluded.settled_by IS NOT NULL`,
    [JSON.stringify(json)],
  );
}

interface DueRow {
  kind: 'reservation' | 'seat';
  reservation_id: string;
  schedule_id: string;
  seat_id: string;
  due_at: Date;
  source_event_id: string | null;
  correlation_id: string | null;
  attempts: number;
  /** Reservation deadlines only: the [schedule, seat] of each of its seat deadlines. */
  seats?: Array<[string, string]>;
}

/**
 * Claims up to `limit` deadlines due at `now` (the worker's clock, the one the commands decide
 * with), with a lease: one statement per kind, each committed at once, moves their next attempt
 * to `now + leaseMs`. No transaction stays open while their commands run (a long one would hold
 * back pg_snapshot_xmin and so stall the feed); other instances skip them until the lease
 * ends, and a crashed instance's deadlines come due again then (the commands are idempotent).
 * Returned earliest due first.
 *
 * Reservation deadlines first, then, if the batch has room, seat deadlines. A seat deadline
 * waits while its reservation's deadline is open: that one releases the seat (after
 * ReservationExpired), and running both would do the work twice under a backlog. The seat
 * path is for seats whose reservation has no deadline (never held: the crash case) or whose
 * reservation ended without releasing them (a crash between the two steps). Apart, each kind
 * is one walk of its own index (migration 010) in next-attempt order that stops once the batch
 * is full, leased and postponed rows being behind it; in one statement under a backlog, the
 * claim read every waiting seat deadline and probed its reservation: seconds per claim.
 * A reservation deadline comes with the seats of its seat deadlines (a primary-key probe each),
 * so that its expiry reads the reservation and seat streams in one query.
 */
export async function claimDue(
  db: Knex | Knex.Transaction,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<DueDeadline[]> {
  const reservations = await claimKind(db, 'reservation', now, limit, leaseMs);
  const seats =
    reservations.length < limit ? await claimKind(db, 'seat', now, limit - reservations.length, leaseMs) : [];
  return [...reservations, ...seats]
    .sort((a, b) => a.due_at.getTime() - b.due_at.getTime())
    .map((row) => ({
      kind: row.kind,
      reservationId: row.reservation_id,
      scheduleId: row.schedule_id,
      seatId: row.seat_id,
      dueAt: row.due_at,
      sourceEventId:
        row.source_event_id ??
        deadlineId({
          kind: row.kind,
          reservationId: row.reservation_id,
          scheduleId: row.schedule_id,
          seatId: row.seat_id,
        }),
      correlationId: row.correlation_id ?? row.source_event_id ?? row.reservation_id,
      attempts: row.attempts,
      ...(row.seats ? { knownSeats: row.seats.map(([scheduleId, seatId]) => ({ scheduleId, seatId })) } : {}),
    }));
}

/** The [schedule, seat] pairs of a reservation deadline's seat deadlines (the primary key's prefix). */
const SEATS_OF_RESERVATION = `(
  SELECT json_agg(json_build_array(s.schedule_id, s.seat_id))
  FROM hold_deadlines s WHERE s.reservation_id = d.reservation_id AND s.kind = 'seat')`;

/**
 * A seat deadline whose reservation's deadline is still open waits for that one. OFFSET 0 keeps
 * it a probe of the primary key per seat row: turned into an anti-join, with the statistics of
 * a young table it was a scan of every open reservation deadline per seat row (111 s, EXPLAIN
 * ANALYZE of 30,000 waiting seats), and hashed, a scan of the whole table per claim.
 */
const RESERVATION_OPEN = `EXISTS (
  SELECT 1 FROM hold_deadlines r
  WHERE r.reservation_id = d.reservation_id AND r.kind = 'reservation' AND r.schedule_id = '' AND r.seat_id = ''
    AND r.settled_at IS NULL
  OFFSET 0)`;

async function claimKind(
  db: Knex | Knex.Transaction,
  kind: DueRow['kind'],
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<DueRow[]> {
  const { rows } = (await db.raw(
    `UPDATE hold_deadlines AS d SET next_attempt_at = ?::timestamptz + make_interval(secs => ?)
     FROM (
       SELECT reservation_id, kind, schedule_id, seat_id
       FROM hold_deadlines d
       WHERE settled_at IS NULL AND kind = '${kind}' AND next_attempt_at <= ? AND due_at <= ?
         ${kind === 'seat' ? `AND NOT ${RESERVATION_OPEN}` : ''}
       ORDER BY next_attempt_at
       LIMIT ?
       FOR UPDATE SKIP LOCKED
     ) AS c
     WHERE (d.reservation_id, d.kind, d.schedule_id, d.seat_id) = (c.reservation_id, c.kind, c.schedule_id, c.seat_id)
     RETURNING d.kind, d.reservation_id, d.schedule_id, d.seat_id, d.due_at, d.source_event_id, d.correlation_id, d.attempts
       ${kind === 'reservation' ? `, ${SEATS_OF_RESERVATION} AS seats` : ''}`,
    [now, leaseMs / 1000, now, now, limit],
  )) as { rows: DueRow[] };
  return rows;
}

/**
 * Marks deadlines done (their timeout ran, or there was nothing left to do), each with why, in
 * one statement and no transaction. `seatsOf`: reservations whose expiry committed, so every
 * seat deadline of theirs is done too (the expiry released those seats in the same commit, or
 * they were free or someone else's already); settled here, they never come due behind a
 * recorder that has not yet seen the SeatReleased.
 * Rows are locked in key order, as recordChanges writes them, so the two never deadlock.
 * Settled rows are locked with the open ones and left as they are: with `h.settled_at IS NULL`
 * in the join, PostgreSQL read every open deadline through a partial index and hashed them
 * (0.5 s per settle of 256 reservations with 60,000 open, on a table filled within minutes)
 * instead of probing the primary key per row. The rows are also found by their reservations
 * (`= ANY`, whose length the planner knows): joined only to the JSON rows, which it takes for
 * 100 whatever they hold, it hashed those and read the whole table (12 ms per settle in
 * bench:onsale, with 20,000 deadlines).
 */
export async function settleDeadlines(
  db: Knex | Knex.Transaction,
  settled: ReadonlyArray<{ key: DeadlineKey; settledBy: string }>,
  seatsOf: ReadonlyArray<{ reservationId: string; settledBy: string }> = [],
): Promise<void> {
  if (settled.length === 0 && seatsOf.length === 0) return;
  // A row with no schedule and seat stands for every seat deadline of its reservation.
  const json = [
    ...settled.map((s) => ({
      r: s.key.reservationId,
      k: s.key.kind,
      sc: s.key.scheduleId,
      se: s.key.seatId,
      sb: s.settledBy,
    })),
    ...seatsOf.map((s) => ({ r: s.reservationId, k: 'seat', sc: null, se: null, sb: s.settledBy })),
  ];
  await db.raw(
    `UPDATE hold_deadlines AS d SET settled_at = now(), settled_by = l.sb, last_error = NULL
     FROM (
       SELECT h.reservation_id, h.kind, h.schedule_id, h.seat_id, s.sb
       FROM jsonb_to_recordset(?::jsonb) AS s(r text, k text, sc text, se text, sb text)
       JOIN hold_deadlines h ON h.reservation_id = s.r AND h.kind = s.k
         AND (s.sc IS NULL OR (h.schedule_id, h.seat_id) = (s.sc, s.se))
       WHERE h.reservation_id = ANY(?::text[])
       ORDER BY ${KEY_ORDER}
       FOR UPDATE OF h
     ) AS l
     WHERE ${SAME_ROW} AND d.settled_at IS NULL`,
    [JSON.stringify(json), reservationsOf(json)],
  );
}

/** Failed runs: counted, their errors kept for ops, each tried again at its `retryAt`; one statement. */
export async function postponeDeadlines(
  db: Knex | Knex.Transaction,
  postponed: ReadonlyArray<{ key: DeadlineKey; error: string; retryAt: Date }>,
): Promise<void> {
  if (postponed.length === 0) return;
  const json = postponed.map((p) => ({
    r: p.key.reservationId,
    k: p.key.kind,
    sc: p.key.scheduleId,
    se: p.key.seatId,
    err: p.error,
    at: p.retryAt.toISOString(),
  }));
  await db.raw(
    `UPDATE hold_deadlines AS d SET attempts = d.attempts + 1, last_error = l.err, next_attempt_at = l.at
     FROM (
       SELECT h.reservation_id, h.kind, h.schedule_id, h.seat_id, p.err, p.at
       FROM jsonb_to_recordset(?::jsonb) AS p(r text, k text, sc text, se text, err text, at timestamptz)
       JOIN hold_deadlines h ON (h.reservation_id, h.kind, h.schedule_id, h.seat_id) = (p.r, p.k, p.sc, p.se)
       WHERE h.reservation_id = ANY(?::text[])
       ORDER BY ${KEY_ORDER}
       FOR UPDATE OF h
     ) AS l
     WHERE ${SAME_ROW}`,
    [JSON.stringify(json), reservationsOf(json)],
  );
}

/** The distinct reservations of JSON key rows: what lets the planner probe the primary key (settleDeadlines). */
function reservationsOf(rows: ReadonlyArray<{ r: string }>): string[] {
  return [...new Set(rows.map((row) => row.r))];
}

/** Drops tombstones older than `retentionMs`: by then no redelivery of their hold can come. */
export async function purgeSettled(db: Knex, retentionMs: number): Promise<number> {
  return db('hold_deadlines')
    .where('settled_at', '<', db.raw(`now() - make_interval(secs => ?)`, [retentionMs / 1000]))
    .delete();
}

export interface DeadlineCounts {
  kind: 'reservation' | 'seat';
  pending: number;
  overdue: number;
}

/** Open deadlines by kind, and those still open `overdueAfterMs` past their due time. */
export async function countDeadlines(db: Knex, now: Date, overdueAfterMs: number): Promise<DeadlineCounts[]> {
  const { rows } = (await db.raw(
    `SELECT kind, count(*)::int AS pending, (count(*) FILTER (WHERE due_at < ?))::int AS overdue
     FROM hold_deadlines WHERE settled_at IS NULL GROUP BY kind`,
    [new Date(now.getTime() - overdueAfterMs)],
  )) as { rows: DeadlineCounts[] };
  return rows;
}
