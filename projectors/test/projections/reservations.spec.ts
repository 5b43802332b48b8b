import { expect } from 'chai';
import type { Knex } from 'knex';
import { reservationsProjection, type ReservationRow } from '../../src/projections/reservations.js';
import { openDatabase } from './database.js';
import { events, newId } from './fixtures.js';
import { project } from './given-events.js';

describe('reservations projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  const rowOf = async (reservationId: string): Promise<ReservationRow | undefined> =>
    db<ReservationRow>('rm_reservations').where({ reservation_id: reservationId }).first();

  function aHold() {
    const reservationId = newId();
    const userId = `user-${newId()}`;
    const scheduleId = newId();
    return {
      reservationId,
      userId,
      scheduleId,
      held: events.reservationHeld(reservationId, userId, scheduleId, ['A-1', 'A-2'], 300_000),
    };
  }

  it('Given a reservation held, When projected, Then it is HELD with its seats, amount, deadline and the time of the event', async () => {
    const { reservationId, userId, scheduleId, held } = aHold();
    await project(db, reservationsProjection, [{ event: held, at: '2026-03-01T10:00:00.000Z' }]);
    expect(await rowOf(reservationId)).to.deep.equal({
      reservation_id: reservationId,
      user_id: userId,
      schedule_id: scheduleId,
      seat_ids: ['A-1', 'A-2'],
      amount: '300000',
      status: 'HELD',
      expires_at: new Date('2026-03-01T10:05:00.000Z'),
      payment_id: null,
      created_at: new Date('2026-03-01T10:00:00.000Z'),
      updated_at: new Date('2026-03-01T10:00:00.000Z'),
    });
  });

  it('Given a reservation confirmed, When projected, Then it is CONFIRMED with its payment; a later expiry or cancellation is ignored', async () => {
    const { reservationId, userId, scheduleId, held } = aHold();
    const paymentId = newId();
    await project(db, reservationsProjection, [
      { event: held, at: '2026-03-01T10:00:00.000Z' },
      {
        event: events.reservationConfirmed(reservationId, paymentId, '2026-03-01T10:01:00.000Z'),
        at: '2026-03-01T10:01:00.000Z',
      },
      {
        event: events.reservationExpired(reservationId, scheduleId, ['A-1', 'A-2'], '2026-03-01T10:05:00.000Z'),
        at: '2026-03-01T10:05:00.000Z',
      },
      {
        event: events.reservationCancelled(
          reservationId,
          userId,
          scheduleId,
          ['A-1', 'A-2'],
          '2026-03-01T10:06:00.000Z',
        ),
        at: '2026-03-01T10:06:00.000Z',
      },
    ]);
    expect(await rowOf(reservationId)).to.deep.include({
      status: 'CONFIRMED',
      payment_id: paymentId,
      created_at: new Date('2026-03-01T10:00:00.000Z'),
      updated_at: new Date('2026-03-01T10:01:00.000Z'),
    });
  });

  it('Given a reservation cancelled, When projected, Then it is CANCELLED and a confirmation after it is ignored', async () => {
    const { reservationId, userId, scheduleId, held } = aHold();
    await project(db, reservationsProjection, [
      held,
      {
        event: events.reservationCancelled(
          reservationId,
          userId,
          scheduleId,
          ['A-1', 'A-2'],
          '2026-03-01T10:02:00.000Z',
        ),
        at: '2026-03-01T10:02:00.000Z',
      },
      events.reservationConfirmed(reservationId, newId(), '2026-03-01T10:03:00.000Z'),
    ]);
    expect(await rowOf(reservationId)).to.deep.include({
      status: 'CANCELLED',
      payment_id: null,
      updated_at: new Date('2026-03-01T10:02:00.000Z'),
    });
  });

  it('Given a reservation expired, When projected, Then it is EXPIRED', async () => {
    const { reservationId, scheduleId, held } = aHold();
    await project(db, reservationsProjection, [
      held,
      events.reservationExpired(reservationId, scheduleId, ['A-1', 'A-2'], '2026-03-01T10:05:00.000Z'),
    ]);
    expect(await rowOf(reservationId)).to.deep.include({ status: 'EXPIRED' });
  });

  it('Given a reservation the saga expired before it was ever held, When projected, Then there is no row', async () => {
    const reservationId = newId();
    await project(db, reservationsProjection, [
      events.reservationExpired(reservationId, null, [], '2026-03-01T10:05:00.000Z'),
    ]);
    expect(await rowOf(reservationId)).to.equal(undefined);
  });
});
