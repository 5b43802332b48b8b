import { expect } from 'chai';
import type { Knex } from 'knex';
import { salesProjection, type SalesByMinuteRow, type SalesByScheduleRow } from '../../src/projections/sales.js';
import { openDatabase } from './database.js';
import { events, newId, seatMap } from './fixtures.js';
import { project } from './given-events.js';

describe('sales projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  it('Given reservations confirmed across two minutes, When projected, Then seats and revenue are counted per schedule and per minute', async () => {
    const concertId = newId();
    const scheduleId = newId();
    const sale = (seatIds: string[], amount: number) => ({ scheduleId, seatIds, amount });
    await project(db, salesProjection, [
      events.scheduleAdded(concertId, scheduleId, seatMap(4)),
      {
        event: events.reservationConfirmed(newId(), newId(), '2026-03-01T10:00:10.000Z', sale(['A-1', 'A-2'], 300)),
        at: '2026-03-01T10:00:10.000Z',
      },
      {
        event: events.reservationConfirmed(newId(), newId(), '2026-03-01T10:00:59.999Z', sale(['A-3'], 150)),
        at: '2026-03-01T10:00:59.999Z',
      },
      {
        event: events.reservationConfirmed(newId(), newId(), '2026-03-01T10:01:00.000Z', sale(['A-4'], 150)),
        at: '2026-03-01T10:01:00.000Z',
      },
    ]);
    expect(await db<SalesByScheduleRow>('rm_sales_by_schedule').where({ schedule_id: scheduleId })).to.deep.equal([
      { schedule_id: scheduleId, concert_id: concertId, sold_seats: 4, revenue: '600' },
    ]);
    const minutes = await db<SalesByMinuteRow>('rm_sales_by_minute')
      .where({ schedule_id: scheduleId })
      .orderBy('minute');
    expect(minutes.map((m) => [m.minute.toISOString(), m.sold_seats, String(m.revenue)])).to.deep.equal([
      ['2026-03-01T10:00:00.000Z', 3, '450'],
      ['2026-03-01T10:01:00.000Z', 1, '150'],
    ]);
  });

  it('Given a schedule with no sales, When projected, Then it shows zero sold', async () => {
    const concertId = newId();
    const scheduleId = newId();
    await project(db, salesProjection, [events.scheduleAdded(concertId, scheduleId, seatMap(2))]);
    expect(
      await db<SalesByScheduleRow>('rm_sales_by_schedule').where({ schedule_id: scheduleId }).first(),
    ).to.deep.include({ sold_seats: 0 });
    expect(await db('rm_sales_by_minute').where({ schedule_id: scheduleId })).to.deep.equal([]);
  });

  it('Given a sale for a schedule never added, When projected, Then neither table counts it', async () => {
    const scheduleId = newId();
    await project(db, salesProjection, [
      events.reservationConfirmed(newId(), newId(), '2026-03-01T10:00:00.000Z', {
        scheduleId,
        seatIds: ['A-1'],
        amount: 100,
      }),
    ]);
    expect(await db('rm_sales_by_schedule').where({ schedule_id: scheduleId })).to.deep.equal([]);
    expect(await db('rm_sales_by_minute').where({ schedule_id: scheduleId })).to.deep.equal([]);
  });
});
