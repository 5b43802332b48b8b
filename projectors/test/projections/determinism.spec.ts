import { expect } from 'chai';
import type { Knex } from 'knex';
import { allProjections } from '../../src/projections/index.js';
import { openDatabase } from './database.js';
import { events, newId, seatMap } from './fixtures.js';
import { applyRecorded, recordEvents } from './given-events.js';

/** Ids of one run of the scenario; a second run gets fresh ones. */
interface Ids {
  concert: string;
  schedule: string;
  paid: string;
  cancelled: string;
  expired: string;
  payment: string;
  user: string;
}

const freshIds = (): Ids => ({
  concert: newId(),
  schedule: newId(),
  paid: newId(),
  cancelled: newId(),
  expired: newId(),
  payment: newId(),
  user: `user-${newId()}`,
});

/** A day of a small concert: one reservation paid, one cancelled, one expired. */
function scenario(ids: Ids) {
  const { concert, schedule, paid, cancelled, expired, payment, user } = ids;
  return [
    events.concertCreated(concert),
    events.scheduleAdded(concert, schedule, seatMap(6)),
    events.salesOpened(concert, '2026-03-01T09:59:00.000Z'),
    events.walletCharged(user, 500_000, '2026-03-01T10:00:00.000Z'),
    events.seatHeld(schedule, 'A-1', paid),
    events.seatHeld(schedule, 'A-3', paid),
    events.reservationHeld(paid, user, schedule, ['A-1', 'A-3'], 250_000),
    events.seatHeld(schedule, 'A-4', cancelled),
    events.reservationHeld(cancelled, user, schedule, ['A-4'], 100_000),
    events.seatHeld(schedule, 'A-5', expired),
    events.reservationHeld(expired, user, schedule, ['A-5'], 100_000),
    events.paymentRequested(paid, payment, user, 250_000, '2026-03-01T10:01:00.000Z'),
    events.walletDebited(user, payment, 250_000, '2026-03-01T10:01:00.000Z'),
    events.reservationConfirmed(paid, payment, '2026-03-01T10:01:01.000Z', {
      scheduleId: schedule,
      seatIds: ['A-1', 'A-3'],
      amount: 250_000,
    }),
    events.seatSold(schedule, 'A-1', paid, payment),
    events.seatSold(schedule, 'A-3', paid, payment),
    events.paymentCompleted(paid, payment, '2026-03-01T10:01:02.000Z'),
    events.reservationCancelled(cancelled, user, schedule, ['A-4'], '2026-03-01T10:02:00.000Z'),
    events.seatReleased(schedule, 'A-4', cancelled, 'cancelled'),
    events.reservationExpired(expired, schedule, ['A-5'], '2026-03-01T10:05:00.000Z'),
    events.seatReleased(schedule, 'A-5', expired, 'expired'),
  ];
}

/** Where each run's rows are, by the column that carries one of its ids. */
const tables: ReadonlyArray<{ table: string; by: string; ids: (ids: Ids) => string[]; order: string[] }> = [
  { table: 'rm_concerts', by: 'concert_id', ids: (i) => [i.concert], order: ['concert_id'] },
  { table: 'rm_schedules', by: 'schedule_id', ids: (i) => [i.schedule], order: ['schedule_id'] },
  { table: 'rm_seats', by: 'schedule_id', ids: (i) => [i.schedule], order: ['seat_id'] },
  { table: 'rm_reservations', by: 'user_id', ids: (i) => [i.user], order: ['created_at'] },
  { table: 'rm_payments', by: 'user_id', ids: (i) => [i.user], order: ['requested_at'] },
  { table: 'rm_wallets', by: 'user_id', ids: (i) => [i.user], order: ['user_id'] },
  { table: 'rm_sales_by_schedule', by: 'schedule_id', ids: (i) => [i.schedule], order: ['schedule_id'] },
  { table: 'rm_sales_by_minute', by: 'schedule_id', ids: (i) => [i.schedule], order: ['minute'] },
  { table: 'rm_stats_concerts', by: 'concert_id', ids: (i) => [i.concert], order: ['concert_id'] },
  { table: 'rm_stats_schedules', by: 'schedule_id', ids: (i) => [i.schedule], order: ['schedule_id'] },
  { table: 'rm_stats_by_minute', by: 'schedule_id', ids: (i) => [i.schedule], order: ['minute'] },
  { table: 'rm_stats_reservations', by: 'schedule_id', ids: (i) => [i.schedule], order: ['held_at'] },
];

/** Every row of a run, with its ids replaced by their role so two runs can be compared. */
async function rowsOf(db: Knex, ids: Ids): Promise<unknown> {
  const roles = new Map<string, string>(Object.entries(ids).map(([role, id]) => [id, `<${role}>`]));
  const anonymise = (value: unknown): unknown => {
    if (typeof value === 'string') return roles.get(value) ?? value;
    if (Array.isArray(value)) return value.map(anonymise);
    if (value instanceof Date) return value.toISOString();
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anonymise(v)]));
    return value;
  };
  const snapshot: Record<string, unknown> = {};
  for (const { table, by, ids: idsOf, order } of tables) {
    snapshot[table] = anonymise(await db(table).whereIn(by, idsOf(ids)).orderBy(order));
  }
  return snapshot;
}

describe('projections together', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  it('Given the same events under fresh ids, When projected twice, Then every table holds the same rows', async () => {
    const runs = [freshIds(), freshIds()];
    for (const ids of runs) {
      const recorded = recordEvents(scenario(ids));
      for (const projection of allProjections) await applyRecorded(db, projection, recorded);
    }
    const [first, second] = await Promise.all(runs.map((ids) => rowsOf(db, ids)));
    expect(second).to.deep.equal(first);
    // The scenario reached every table, so the comparison compared something.
    for (const { table } of tables) expect((first as Record<string, unknown[]>)[table], table).to.not.be.empty;
  });

  it('Given all projections, Then each has its own name and tables, and no table has two writers', () => {
    const names = allProjections.map((p) => p.name);
    const tablesWritten = allProjections.flatMap((p) => p.tables);
    expect(new Set(names).size).to.equal(names.length);
    expect(new Set(tablesWritten).size).to.equal(tablesWritten.length);
    expect(tablesWritten).to.have.members([
      'rm_concerts',
      'rm_schedules',
      'rm_seats',
      'rm_reservations',
      'rm_payments',
      'rm_wallets',
      'rm_sales_by_schedule',
      'rm_sales_by_minute',
      'rm_stats_concerts',
      'rm_stats_schedules',
      'rm_stats_by_minute',
      'rm_stats_reservations',
    ]);
  });
});
