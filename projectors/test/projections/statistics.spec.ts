import { expect } from 'chai';
import type { Knex } from 'knex';
import { applyBatch } from '../../src/runner/apply-batch.js';
import { statisticsProjection } from '../../src/projections/statistics.js';
import type { StatsMinuteRow } from '../../src/projections/statistics-minutes.js';
import type { StatsReservationRow } from '../../src/projections/statistics-reservations.js';
import { openDatabase } from './database.js';
import { events, newId, seatMap } from './fixtures.js';
import { applyRecorded, project, recordEvents, type Given } from './given-events.js';

const USER = 'user-stats';

/** A schedule's minute rows, the minute as ISO and only the counters that are not zero. */
async function minutesOf(db: Knex, scheduleId: string): Promise<Record<string, Record<string, number>>> {
  const rows = await db<StatsMinuteRow>('rm_stats_by_minute').where({ schedule_id: scheduleId }).orderBy('minute');
  return Object.fromEntries(
    rows.map(({ schedule_id: _, minute, ...counters }) => [
      minute.toISOString(),
      Object.fromEntries(
        Object.entries(counters)
          .filter(([, value]) => Number(value) !== 0)
          .map(([name, value]) => [name, Number(value)]),
      ),
    ]),
  );
}

async function reservationsOf(
  db: Knex,
  scheduleId: string,
): Promise<Record<string, Pick<StatsReservationRow, 'status' | 'hold_to_confirm_ms'>>> {
  const rows = await db<StatsReservationRow>('rm_stats_reservations').where({ schedule_id: scheduleId });
  return Object.fromEntries(
    rows.map((row) => [row.reservation_id, { status: row.status, hold_to_confirm_ms: row.hold_to_confirm_ms }]),
  );
}

const held = (reservationId: string, scheduleId: string, seatIds: string[], at: string): Given => ({
  event: events.reservationHeld(reservationId, USER, scheduleId, seatIds, seatIds.length * 100),
  at,
});
const confirmed = (
  reservationId: string,
  scheduleId: string,
  seatIds: string[],
  amount: number,
  at: string,
): Given => ({
  event: events.reservationConfirmed(reservationId, newId(), at, { scheduleId, seatIds, amount }),
  at,
});
const cancelled = (reservationId: string, scheduleId: string, seatIds: string[], at: string): Given => ({
  event: events.reservationCancelled(reservationId, USER, scheduleId, seatIds, at),
  at,
});
const expired = (reservationId: string, scheduleId: string | null, seatIds: string[], at: string): Given => ({
  event: events.reservationExpired(reservationId, scheduleId, seatIds, at),
  at,
});

describe('statistics projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  it('Given holds, a payment, a cancellation and an expiry, When projected, Then each is counted in the minute it happened', async () => {
    const [concertId, scheduleId, paid, dropped, lapsed] = [newId(), newId(), newId(), newId(), newId()];
    await project(db, statisticsProjection, [
      events.concertCreated(concertId),
      events.scheduleAdded(concertId, scheduleId, seatMap(6)),
      held(paid, scheduleId, ['A-1', 'A-2'], '2026-03-01T10:00:05.000Z'),
      held(dropped, scheduleId, ['A-3'], '2026-03-01T10:00:40.000Z'),
      held(lapsed, scheduleId, ['A-4'], '2026-03-01T10:01:10.000Z'),
      confirmed(paid, scheduleId, ['A-1', 'A-2'], 250_000, '2026-03-01T10:01:35.000Z'),
      cancelled(dropped, scheduleId, ['A-3'], '2026-03-01T10:02:00.000Z'),
      expired(lapsed, scheduleId, ['A-4'], '2026-03-01T10:06:10.000Z'),
    ]);
    expect(await minutesOf(db, scheduleId)).to.deep.equal({
      // The payment is counted when it happened (10:01) and, for the conversion, under its hold's minute.
      '2026-03-01T10:00:00.000Z': { holds: 2, seats_held: 3, holds_confirmed: 1 },
      '2026-03-01T10:01:00.000Z': { holds: 1, seats_held: 1, confirmations: 1, seats_sold: 2, revenue: 250_000 },
      '2026-03-01T10:02:00.000Z': { cancellations: 1 },
      '2026-03-01T10:06:00.000Z': { expiries: 1 },
    });
    expect(await db('rm_stats_schedules').where({ schedule_id: scheduleId })).to.deep.equal([
      { schedule_id: scheduleId, concert_id: concertId },
    ]);
    expect(await db('rm_stats_concerts').where({ concert_id: concertId })).to.deep.equal([{ concert_id: concertId }]);
  });

  it('Given confirmed reservations, When projected, Then each keeps its time from hold to confirmation, in milliseconds', async () => {
    const [scheduleId, fast, slow, open] = [newId(), newId(), newId(), newId()];
    await project(db, statisticsProjection, [
      events.scheduleAdded(newId(), scheduleId, seatMap(4)),
      held(fast, scheduleId, ['A-1'], '2026-03-01T10:00:00.000Z'),
      held(slow, scheduleId, ['A-2'], '2026-03-01T10:00:00.250Z'),
      held(open, scheduleId, ['A-3'], '2026-03-01T10:00:01.000Z'),
      confirmed(fast, scheduleId, ['A-1'], 100, '2026-03-01T10:00:12.500Z'),
      confirmed(slow, scheduleId, ['A-2'], 100, '2026-03-01T10:03:00.250Z'),
    ]);
    expect(await reservationsOf(db, scheduleId)).to.deep.equal({
      [fast]: { status: 'CONFIRMED', hold_to_confirm_ms: '12500' },
      [slow]: { status: 'CONFIRMED', hold_to_confirm_ms: '180000' },
      [open]: { status: 'HELD', hold_to_confirm_ms: null },
    });
  });

  it('Given events either side of a minute boundary, When projected, Then the decision time (not the store time) picks the UTC minute', async () => {
    const [scheduleId, early, onTheDot] = [newId(), newId(), newId()];
    // The store records each event 5 ms after its decision (given-events.ts): 10:00:59.998
    // would move to 10:01 if the store's time were used.
    await project(db, statisticsProjection, [
      events.scheduleAdded(newId(), scheduleId, seatMap(2)),
      held(early, scheduleId, ['A-1'], '2026-03-01T10:00:59.998Z'),
      held(onTheDot, scheduleId, ['A-2'], '2026-03-01T10:01:00.000Z'),
    ]);
    expect(await minutesOf(db, scheduleId)).to.deep.equal({
      '2026-03-01T10:00:00.000Z': { holds: 1, seats_held: 1 },
      '2026-03-01T10:01:00.000Z': { holds: 1, seats_held: 1 },
    });
  });

  it('Given every event applied twice, When projected, Then the rows are those of applying each once', async () => {
    const scenario = (scheduleId: string, paid: string, lapsed: string): Given[] => [
      { event: events.scheduleAdded(newId(), scheduleId, seatMap(2)) },
      held(paid, scheduleId, ['A-1'], '2026-03-01T10:00:00.000Z'),
      held(lapsed, scheduleId, ['A-2'], '2026-03-01T10:00:30.000Z'),
      confirmed(paid, scheduleId, ['A-1'], 100, '2026-03-01T10:00:45.000Z'),
      expired(lapsed, scheduleId, ['A-2'], '2026-03-01T10:05:30.000Z'),
    ];
    const once = newId();
    const twice = newId();
    await project(db, statisticsProjection, scenario(once, newId(), newId()));
    const recorded = recordEvents(scenario(twice, newId(), newId()));
    await applyRecorded(
      db,
      statisticsProjection,
      recorded.flatMap((event) => [event, event]),
    );
    const onceRows = await minutesOf(db, once);
    expect(onceRows).to.not.deep.equal({});
    expect(await minutesOf(db, twice)).to.deep.equal(onceRows);
  });

  it('Given a batch delivered again, When the runner applies it, Then the duplicates are skipped and nothing is counted twice', async () => {
    const projection = { ...statisticsProjection, name: `test_statistics_${newId()}` };
    const [scheduleId, reservationId] = [newId(), newId()];
    const batch = recordEvents([
      events.scheduleAdded(newId(), scheduleId, seatMap(2)),
      held(reservationId, scheduleId, ['A-1', 'A-2'], '2026-03-01T10:00:00.000Z'),
      confirmed(reservationId, scheduleId, ['A-1', 'A-2'], 200, '2026-03-01T10:00:20.000Z'),
    ]).map(({ recorded }) => recorded);
    await applyBatch(db, projection, batch, { streamSequences: [1, 2, 3] });
    const again = await applyBatch(db, projection, batch, { streamSequences: [1, 2, 3] });
    expect(again.outcomes).to.deep.equal(['duplicate', 'duplicate', 'duplicate']);
    expect(await minutesOf(db, scheduleId)).to.deep.equal({
      '2026-03-01T10:00:00.000Z': {
        holds: 1,
        seats_held: 2,
        confirmations: 1,
        seats_sold: 2,
        revenue: 200,
        holds_confirmed: 1,
      },
    });
  });

  it('Given terminal events for holds it never saw, When projected, Then nothing is counted', async () => {
    const [scheduleId, unseen, orphan] = [newId(), newId(), newId()];
    await project(db, statisticsProjection, [
      events.scheduleAdded(newId(), scheduleId, seatMap(2)),
      confirmed(unseen, scheduleId, ['A-1'], 100, '2026-03-01T10:00:00.000Z'),
      // The saga expiring a reservation that was never held (a crash between SeatHeld and ReservationHeld).
      expired(orphan, null, [], '2026-03-01T10:05:00.000Z'),
    ]);
    expect(await minutesOf(db, scheduleId)).to.deep.equal({});
    expect(await db('rm_stats_reservations').whereIn('reservation_id', [unseen, orphan])).to.deep.equal([]);
  });

  it('Given a reservation ended, When a later terminal event arrives, Then only the first ending counts', async () => {
    const [scheduleId, reservationId] = [newId(), newId()];
    await project(db, statisticsProjection, [
      events.scheduleAdded(newId(), scheduleId, seatMap(2)),
      held(reservationId, scheduleId, ['A-1'], '2026-03-01T10:00:00.000Z'),
      cancelled(reservationId, scheduleId, ['A-1'], '2026-03-01T10:01:00.000Z'),
      expired(reservationId, scheduleId, ['A-1'], '2026-03-01T10:05:00.000Z'),
    ]);
    expect(await minutesOf(db, scheduleId)).to.deep.equal({
      '2026-03-01T10:00:00.000Z': { holds: 1, seats_held: 1 },
      '2026-03-01T10:01:00.000Z': { cancellations: 1 },
    });
  });
});
