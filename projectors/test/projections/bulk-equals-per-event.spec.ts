import type { DomainEvent } from '@concert/domain';
import { createShadowTables, dropSchema, useSchema, type ProjectedEvent, type Projection } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { allProjections } from '../../src/projections/index.js';
import { openDatabase } from './database.js';
import { events, newId, seatMap } from './fixtures.js';
import { recordEvents, type Given } from './given-events.js';

/**
 * A mixed feed with the awkward cases the rules exist for: redelivered creations, a stray
 * release, a second sale of a seat, events for rows that never existed, terminal states hit
 * twice, several sales in one minute, refunds and credits, payments in the minute of their
 * hold and in another one (even one stamped before its hold).
 */
function mixedFeed(): (DomainEvent | Given)[] {
  const concert = newId();
  const other = newId();
  const schedule = newId();
  const second = newId();
  const user = `user-${newId()}`;
  const friend = `user-${newId()}`;
  const [paid, cancelled, expired, refunded, failed] = [newId(), newId(), newId(), newId(), newId()];
  const [payPaid, payRefunded, payFailed] = [newId(), newId(), newId()];
  const [quick, early] = [newId(), newId()];
  const at = (minute: number, second = 0, ms = 0): string =>
    new Date(Date.UTC(2026, 2, 1, 10, minute, second, ms)).toISOString();
  return [
    events.concertCreated(concert),
    events.concertCreated(concert),
    events.salesOpened(other, at(0)),
    events.concertCreated(other),
    events.scheduleAdded(concert, schedule, seatMap(8)),
    events.scheduleAdded(concert, schedule, seatMap(3)),
    events.scheduleAdded(other, second, seatMap(4)),
    events.salesOpened(concert, at(0, 30)),
    { event: events.walletCharged(user, 900_000, at(1)), at: at(1) },
    { event: events.walletCharged(friend, 100_000, at(1)), at: at(1) },
    events.seatHeld(schedule, 'A-1', paid),
    events.seatHeld(schedule, 'A-2', paid),
    events.reservationHeld(paid, user, schedule, ['A-1', 'A-2'], 300_000),
    events.reservationHeld(paid, user, schedule, ['A-1', 'A-2'], 300_000),
    events.seatHeld(schedule, 'A-3', cancelled),
    events.reservationHeld(cancelled, user, schedule, ['A-3'], 100_000),
    events.seatHeld(schedule, 'A-4', expired),
    events.reservationHeld(expired, friend, schedule, ['A-4'], 100_000),
    events.seatHeld(second, 'A-1', refunded),
    events.reservationHeld(refunded, friend, second, ['A-1'], 150_000),
    events.seatHeld(schedule, 'A-5', failed),
    events.reservationHeld(failed, friend, schedule, ['A-5'], 100_000),
    events.seatHeld(schedule, 'Z-99', paid),
    events.seatReleased(schedule, 'A-1', cancelled, 'cancelled'),
    events.paymentRequested(paid, payPaid, user, 300_000, at(2)),
    events.paymentRequested(paid, payPaid, user, 300_000, at(2)),
    { event: events.walletDebited(user, payPaid, 300_000, at(2)), at: at(2, 1) },
    {
      event: events.reservationConfirmed(paid, payPaid, at(2, 2), {
        scheduleId: schedule,
        seatIds: ['A-1', 'A-2'],
        amount: 300_000,
      }),
      at: at(2, 2),
    },
    events.seatSold(schedule, 'A-1', paid, payPaid),
    events.seatSold(schedule, 'A-2', paid, payPaid),
    events.paymentCompleted(paid, payPaid, at(2, 3)),
    events.paymentCompleted(paid, payPaid, at(2, 4)),
    events.paymentRequested(refunded, payRefunded, friend, 150_000, at(2, 10)),
    { event: events.walletDebited(friend, payRefunded, 150_000, at(2, 11)), at: at(2, 11) },
    {
      event: events.reservationConfirmed(refunded, payRefunded, at(2, 12), {
        scheduleId: second,
        seatIds: ['A-1'],
        amount: 150_000,
      }),
      at: at(2, 12),
    },
    events.seatSold(second, 'A-1', refunded, payRefunded),
    events.paymentCompleted(refunded, payRefunded, at(2, 13)),
    events.paymentRefunded(refunded, payRefunded, 150_000, at(3)),
    { event: events.walletCredited(friend, payRefunded, 150_000, at(3)), at: at(3) },
    events.paymentRefunded(refunded, payRefunded, 150_000, at(3, 5)),
    events.paymentRequested(failed, payFailed, friend, 100_000, at(4)),
    events.paymentFailed(failed, payFailed, 'insufficient-funds', at(4, 1)),
    events.paymentCompleted(failed, payFailed, at(4, 2)),
    events.reservationCancelled(cancelled, user, schedule, ['A-3'], at(5)),
    events.seatReleased(schedule, 'A-3', cancelled, 'cancelled'),
    events.reservationConfirmed(cancelled, payPaid, at(5, 1), {
      scheduleId: schedule,
      seatIds: ['A-3'],
      amount: 100_000,
    }),
    events.reservationExpired(expired, schedule, ['A-4'], at(6)),
    events.seatReleased(schedule, 'A-4', expired),
    events.reservationExpired(failed, schedule, ['A-5'], at(6, 1)),
    events.seatReleased(schedule, 'A-5', failed),
    events.reservationExpired(newId(), schedule, ['A-6'], at(6, 2)),
    events.seatHeld(schedule, 'A-4', cancelled),
    events.seatSold(schedule, 'A-4', cancelled, payPaid),
    events.seatReleased(schedule, 'A-4', cancelled),
    events.reservationConfirmed(newId(), newId(), at(7), { scheduleId: newId(), seatIds: ['A-1'], amount: 5 }),
    events.reservationCancelled(newId(), user, schedule, ['A-7'], at(7, 1)),
    // A terminal event delivered again, and one after a confirmation: neither counts twice.
    events.reservationExpired(expired, schedule, ['A-4'], at(6)),
    events.reservationExpired(paid, schedule, ['A-1', 'A-2'], at(7, 2)),
    // Paid within the minute of its hold; and paid "before" its hold (two clocks): no negative hold time.
    { event: events.reservationHeld(quick, user, second, ['A-2', 'A-3'], 200_000), at: at(8, 10) },
    {
      event: events.reservationConfirmed(quick, newId(), at(8, 40), {
        scheduleId: second,
        seatIds: ['A-2', 'A-3'],
        amount: 200_000,
      }),
      at: at(8, 40),
    },
    { event: events.reservationHeld(early, friend, second, ['A-4'], 50_000), at: at(9, 0, 500) },
    {
      event: events.reservationConfirmed(early, newId(), at(8, 59), {
        scheduleId: second,
        seatIds: ['A-4'],
        amount: 50_000,
      }),
      at: at(8, 59, 900),
    },
    { event: events.walletDebited(user, newId(), 1, at(7)), at: at(7, 30) },
  ];
}

/** Every row of the projection's tables in `schema`, in key order, times as ISO text. */
async function rowsOf(db: Knex, schema: string, projection: Projection): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of projection.tables) {
    const { rows } = await db.raw<{ rows: Record<string, unknown>[] }>(`SELECT * FROM ${schema}.${table}`);
    out[table] = rows
      .map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
      )
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** Splits into batches of the given sizes, cycling: state must carry across batches too. */
function batches<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, n = 0; i < items.length; n++) {
    const size = sizes[n % sizes.length]!;
    out.push(items.slice(i, i + size));
    i += size;
  }
  return out;
}

describe('projections: the bulk form (applyBatch) leaves exactly the rows of per-event apply', function () {
  this.timeout(30_000);
  let db: Knex;
  const run = randomBytes(4).toString('hex');
  const perEvent = `bulk_eq_a_${run}`;
  const bulk = `bulk_eq_b_${run}`;

  before(async () => {
    db = openDatabase();
    const tables = allProjections.flatMap((p) => p.tables);
    await createShadowTables(db, perEvent, tables);
    await createShadowTables(db, bulk, tables);
  });
  after(async () => {
    await dropSchema(db, perEvent);
    await dropSchema(db, bulk);
    await db.destroy();
  });

  for (const projection of allProjections) {
    it(`Given a mixed feed, When the ${projection.name} projection applies it event by event and in batches, Then every table holds the same rows and the same cache keys go stale`, async () => {
      expect(projection.applyBatch, `${projection.name} has a bulk form`).to.be.a('function');
      const feed: ProjectedEvent[] = recordEvents(mixedFeed()).filter((e) => projection.handles.includes(e.event.type));
      const keysOneByOne = new Set<string>();
      const keysInBulk = new Set<string>();
      for (const batch of batches(feed, [1, 3, 7])) {
        await db.transaction(async (trx) => {
          await useSchema(trx, perEvent);
          for (const event of batch)
            for (const key of (await projection.apply(trx, event)) ?? []) keysOneByOne.add(key);
        });
      }
      for (const batch of batches(feed, [5, 2, 11, 1])) {
        await db.transaction(async (trx) => {
          await useSchema(trx, bulk);
          for (const key of (await projection.applyBatch!(trx, batch)) ?? []) keysInBulk.add(key);
        });
      }
      const [expected, actual] = [await rowsOf(db, perEvent, projection), await rowsOf(db, bulk, projection)];
      for (const table of projection.tables) expect(expected[table], `${table} has rows`).to.not.be.empty;
      expect(actual).to.deep.equal(expected);
      expect([...keysInBulk].sort()).to.deep.equal([...keysOneByOne].sort());
    });
  }
});
