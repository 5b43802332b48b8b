import { cacheKeys } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { ScheduleRow, SeatRow } from '../../src/projections/catalog-rows.js';
import { catalogProjection } from '../../src/projections/catalog.js';
import { openDatabase } from './database.js';
import { events, newId, seatMap } from './fixtures.js';
import { project, staleKeysOf } from './given-events.js';

describe('catalog projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  const scheduleOf = async (scheduleId: string): Promise<ScheduleRow | undefined> =>
    db<ScheduleRow>('rm_schedules').where({ schedule_id: scheduleId }).first();
  const seatOf = async (scheduleId: string, seatId: string): Promise<SeatRow | undefined> =>
    db<SeatRow>('rm_seats').where({ schedule_id: scheduleId, seat_id: seatId }).first();
  const counts = (s: ScheduleRow | undefined) => s && [s.total_seats, s.available_seats, s.held_seats, s.sold_seats];

  /** A concert with one three-seat schedule. */
  async function givenSchedule(): Promise<{ concertId: string; scheduleId: string }> {
    const concertId = newId();
    const scheduleId = newId();
    await project(db, catalogProjection, [
      events.concertCreated(concertId),
      events.scheduleAdded(concertId, scheduleId, seatMap(3)),
    ]);
    return { concertId, scheduleId };
  }

  it('Given a created concert whose sales opened, When projected, Then the concert has its title, venue and times', async () => {
    const concertId = newId();
    await project(db, catalogProjection, [
      { event: events.concertCreated(concertId), at: '2026-02-01T09:00:00.000Z' },
      events.salesOpened(concertId, '2026-02-02T12:00:00.000Z'),
    ]);
    const row = await db('rm_concerts').where({ concert_id: concertId }).first();
    expect(row).to.deep.equal({
      concert_id: concertId,
      title: 'Spring Live',
      venue: 'Olympic Hall',
      sales_opened_at: new Date('2026-02-02T12:00:00.000Z'),
      created_at: new Date('2026-02-01T09:00:00.000Z'),
    });
  });

  it('Given a schedule added, When projected, Then it has every seat available and counted', async () => {
    const { concertId, scheduleId } = await givenSchedule();
    const schedule = await scheduleOf(scheduleId);
    expect(schedule).to.deep.include({ concert_id: concertId, starts_at: new Date('2026-05-01T19:00:00.000Z') });
    expect(counts(schedule)).to.deep.equal([3, 3, 0, 0]);
    const seats = await db<SeatRow>('rm_seats').where({ schedule_id: scheduleId }).orderBy('seat_id');
    expect(
      seats.map((s) => [s.seat_id, s.grade, String(s.price), s.status, s.reservation_id, s.hold_expires_at]),
    ).to.deep.equal([
      ['A-1', 'VIP', '150000', 'AVAILABLE', null, null],
      ['A-2', 'VIP', '150000', 'AVAILABLE', null, null],
      ['A-3', 'R', '100000', 'AVAILABLE', null, null],
    ]);
  });

  it('Given a schedule of 5,000 seats, When projected, Then all 5,000 seats are there', async () => {
    const concertId = newId();
    const scheduleId = newId();
    await project(db, catalogProjection, [
      events.concertCreated(concertId),
      events.scheduleAdded(concertId, scheduleId, seatMap(5000)),
    ]);
    const [{ count }] = (await db('rm_seats').where({ schedule_id: scheduleId }).count({ count: '*' })) as [
      { count: string },
    ];
    expect(count).to.equal('5000');
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([5000, 5000, 0, 0]);
  });

  it('Given a seat held, When projected, Then the seat is HELD by the reservation and one seat moved from available to held', async () => {
    const { scheduleId } = await givenSchedule();
    const reservationId = newId();
    await project(db, catalogProjection, [
      events.seatHeld(scheduleId, 'A-1', reservationId, '2026-03-01T10:05:00.000Z'),
    ]);
    expect(await seatOf(scheduleId, 'A-1')).to.deep.include({
      status: 'HELD',
      reservation_id: reservationId,
      hold_expires_at: new Date('2026-03-01T10:05:00.000Z'),
    });
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 2, 1, 0]);
  });

  it('Given a seat held, When another reservation releases it, Then nothing changes', async () => {
    const { scheduleId } = await givenSchedule();
    const holder = newId();
    await project(db, catalogProjection, [events.seatHeld(scheduleId, 'A-1', holder)]);
    const before = await seatOf(scheduleId, 'A-1');
    await project(db, catalogProjection, [events.seatReleased(scheduleId, 'A-1', newId())]);
    expect(await seatOf(scheduleId, 'A-1')).to.deep.equal(before);
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 2, 1, 0]);
  });

  it('Given a seat held, When its holder releases it, Then it is AVAILABLE again and counted so', async () => {
    const { scheduleId } = await givenSchedule();
    const holder = newId();
    await project(db, catalogProjection, [
      events.seatHeld(scheduleId, 'A-1', holder),
      events.seatReleased(scheduleId, 'A-1', holder),
    ]);
    expect(await seatOf(scheduleId, 'A-1')).to.deep.include({
      status: 'AVAILABLE',
      reservation_id: null,
      hold_expires_at: null,
    });
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 3, 0, 0]);
  });

  it('Given seats held, When sold, Then they are SOLD and move from held to sold; a release after the sale changes nothing', async () => {
    const { scheduleId } = await givenSchedule();
    const reservationId = newId();
    const paymentId = newId();
    await project(db, catalogProjection, [
      events.seatHeld(scheduleId, 'A-1', reservationId),
      events.seatHeld(scheduleId, 'A-2', reservationId),
      events.seatSold(scheduleId, 'A-1', reservationId, paymentId),
      events.seatSold(scheduleId, 'A-2', reservationId, paymentId),
      events.seatReleased(scheduleId, 'A-1', reservationId),
    ]);
    expect(await seatOf(scheduleId, 'A-1')).to.deep.include({
      status: 'SOLD',
      reservation_id: reservationId,
      hold_expires_at: null,
    });
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 1, 0, 2]);
  });

  it('Given a seat held, When the same hold arrives again, Then the seat is counted once', async () => {
    const { scheduleId } = await givenSchedule();
    const reservationId = newId();
    const hold = events.seatHeld(scheduleId, 'A-3', reservationId);
    await project(db, catalogProjection, [hold, hold]);
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 2, 1, 0]);
  });

  it('Given a seat the catalog does not have, When an event for it is projected, Then nothing is written', async () => {
    const { scheduleId } = await givenSchedule();
    await project(db, catalogProjection, [events.seatHeld(scheduleId, 'Z-9', newId())]);
    expect(await seatOf(scheduleId, 'Z-9')).to.equal(undefined);
    expect(counts(await scheduleOf(scheduleId))).to.deep.equal([3, 3, 0, 0]);
  });

  describe('stale cache keys', () => {
    it('Given concert events, Then the concert list is stale', async () => {
      const concertId = newId();
      const [created, opened] = await staleKeysOf(db, catalogProjection, [
        events.concertCreated(concertId),
        events.salesOpened(concertId, '2026-02-02T12:00:00.000Z'),
      ]);
      expect(created).to.deep.equal([cacheKeys.concertList()]);
      expect(opened).to.deep.equal([cacheKeys.concertList()]);
    });

    it("Given a schedule added, Then the concert's schedules and the schedule's seats are stale", async () => {
      const concertId = newId();
      const scheduleId = newId();
      const [added] = await staleKeysOf(db, catalogProjection, [
        events.scheduleAdded(concertId, scheduleId, seatMap(1)),
      ]);
      expect(added).to.have.members([cacheKeys.concertSchedules(concertId), cacheKeys.scheduleSeats(scheduleId)]);
    });

    it("Given a seat changing status, Then its seat map and its concert's schedules (counts) are stale", async () => {
      const { concertId, scheduleId } = await givenSchedule();
      const [held] = await staleKeysOf(db, catalogProjection, [events.seatHeld(scheduleId, 'A-1', newId())]);
      expect(held).to.have.members([cacheKeys.scheduleSeats(scheduleId), cacheKeys.concertSchedules(concertId)]);
    });

    it('Given a hold extended by the same reservation, Then only the seat map is stale', async () => {
      const { scheduleId } = await givenSchedule();
      const reservationId = newId();
      const [, extended] = await staleKeysOf(db, catalogProjection, [
        events.seatHeld(scheduleId, 'A-1', reservationId, '2026-03-01T10:05:00.000Z'),
        events.seatHeld(scheduleId, 'A-1', reservationId, '2026-03-01T10:09:00.000Z'),
      ]);
      expect(extended).to.deep.equal([cacheKeys.scheduleSeats(scheduleId)]);
    });

    it('Given a stray release that changes nothing, Then nothing is stale', async () => {
      const { scheduleId } = await givenSchedule();
      const [, stray] = await staleKeysOf(db, catalogProjection, [
        events.seatHeld(scheduleId, 'A-1', newId()),
        events.seatReleased(scheduleId, 'A-1', newId()),
      ]);
      expect(stray).to.deep.equal([]);
    });
  });
});
