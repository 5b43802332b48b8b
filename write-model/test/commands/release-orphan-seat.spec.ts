import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reservationDecider, reservationStreamId, seatStreamId } from '@concert/domain';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import { releaseOrphanSeat } from '../../src/release-orphan-seat/release-orphan-seat.js';
import type { PostgresEventStore } from '@concert/infra';
import { contextFor, givenSchedule, newCatalog, openTestStore, seatState, TestClock } from './command-fixture.js';

describe('releasing an orphaned seat (the saga timeout command for a seat)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  const deps = (): HoldSeatsDeps => ({ catalog: newCatalog(store), holdDurationMs: 60_000, lockTtlMs: 5000 });

  it('Given a seat held past its deadline, When released for its own reservation, Then the reservation expires and the seat is free', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 2);
    const reservationId = randomUUID();
    await holdSeats(contextFor(store, clock, 'u1'), deps(), {
      reservationId,
      userId: 'u1',
      scheduleId,
      seatIds: ['A-1'],
    });
    clock.advance(60_001);

    const { outcome } = await releaseOrphanSeat(contextFor(store, clock), { scheduleId, seatId: 'A-1', reservationId });

    expect(outcome).to.equal('released');
    expect((await seatState(store, scheduleId, 'A-1')).status).to.equal('Available');
    const { state } = await loadStream({ store }, reservationStreamId(reservationId), reservationDecider);
    expect(state.status).to.equal('Expired');
  });

  it('Given the seat is now held by another reservation, When released for the old one, Then nothing is written (superseded)', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 2);
    const later = randomUUID();
    await holdSeats(contextFor(store, clock, 'u2'), deps(), {
      reservationId: later,
      userId: 'u2',
      scheduleId,
      seatIds: ['A-2'],
    });
    clock.advance(60_001);
    const before = await store.streamInfo(reservationStreamId(later));

    const { outcome, position } = await releaseOrphanSeat(contextFor(store, clock), {
      scheduleId,
      seatId: 'A-2',
      reservationId: randomUUID(),
    });

    expect(outcome).to.equal('superseded');
    expect(position).to.equal(undefined);
    expect(await seatState(store, scheduleId, 'A-2')).to.deep.include({ status: 'Held', reservationId: later });
    expect(await store.streamInfo(reservationStreamId(later))).to.deep.equal(before);
  });

  it('Given a seat whose hold is still running, When released, Then it is refused as not yet expired', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 1);
    const reservationId = randomUUID();
    await holdSeats(contextFor(store, clock, 'u3'), deps(), {
      reservationId,
      userId: 'u3',
      scheduleId,
      seatIds: ['A-1'],
    });

    const { outcome } = await releaseOrphanSeat(contextFor(store, clock), { scheduleId, seatId: 'A-1', reservationId });

    expect(outcome).to.equal('hold-not-expired');
    expect((await seatState(store, scheduleId, 'A-1')).status).to.equal('Held');
  });

  it('Given a seat of a schedule that does not exist, When released, Then it is not-held and nothing is written (idempotent, not a 404)', async () => {
    const clock = new TestClock();
    const scheduleId = randomUUID();

    const { outcome, position } = await releaseOrphanSeat(contextFor(store, clock), { scheduleId, seatId: 'A-1' });

    expect(outcome).to.equal('not-held');
    expect(position).to.equal(undefined);
    expect(await store.readStream(seatStreamId(scheduleId, 'A-1'))).to.deep.equal([]);
  });
});
