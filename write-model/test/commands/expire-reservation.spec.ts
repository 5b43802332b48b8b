import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reservationDecider, reservationStreamId, seatStreamId } from '@concert/domain';
import { cancelReservation } from '../../src/cancel-reservation/cancel-reservation.js';
import { expireReservation } from '../../src/expire-reservation/expire-reservation.js';
import { handleCommand } from '../../src/command-loop/handle-command.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import type { EventStore, PostgresEventStore } from '@concert/infra';
import { contextFor, givenSchedule, newCatalog, openTestStore, seatState, TestClock } from './command-fixture.js';

/** The same store without its multi-stream append: the EventStoreDB way of expiring. */
function withoutAppendMany(store: EventStore): EventStore {
  return new Proxy(store, {
    get: (target, key, receiver) => (key === 'appendMany' ? undefined : Reflect.get(target, key, receiver)),
  });
}

for (const path of ['atomic', 'sequential'] as const)
describe(`expiring a reservation (${path} writes)`, () => {
  let pg: PostgresEventStore;
  let store: EventStore;
  before(() => {
    pg = openTestStore();
    store = path === 'atomic' ? pg : withoutAppendMany(pg);
  });
  after(() => pg.close());

  const deps = (): HoldSeatsDeps => ({ catalog: newCatalog(pg), holdDurationMs: 60_000, lockTtlMs: 5000 });
  const types = async (streamId: string): Promise<string[]> => (await pg.readStream(streamId)).map((e) => e.type);

  async function givenHold(clock: TestClock, seats = 2) {
    const { scheduleId, seatIds } = await givenSchedule(pg, clock, seats + 1);
    const reservationId = randomUUID();
    const held = seatIds.slice(0, seats);
    await holdSeats(contextFor(pg, clock, 'fan'), deps(), { reservationId, userId: 'fan', scheduleId, seatIds: held });
    return { scheduleId, reservationId, seatIds: held };
  }

  it('Given a hold past its deadline, When expired, Then the reservation is EXPIRED and every seat released', async () => {
    const clock = new TestClock();
    const { scheduleId, reservationId, seatIds } = await givenHold(clock);
    clock.advance(60_000);

    const expiry = await expireReservation(contextFor(store, clock), reservationId);

    expect(expiry.outcome).to.equal('expired');
    expect(await types(reservationStreamId(reservationId))).to.deep.equal(['ReservationHeld', 'ReservationExpired']);
    for (const seatId of seatIds) {
      expect(await types(seatStreamId(scheduleId, seatId))).to.deep.equal(['SeatHeld', 'SeatReleased']);
      expect((await seatState(pg, scheduleId, seatId)).status).to.equal('Available');
    }
    if (path === 'atomic') {
      // One commit: every event of the expiry carries the same transaction in its position.
      const written = [
        ...(await pg.readStream(reservationStreamId(reservationId))).slice(1),
        ...(await Promise.all(seatIds.map((s) => pg.readStream(seatStreamId(scheduleId, s))))).map((events) => events[1]!),
      ];
      expect(new Set(written.map((e) => e.position.commit)).size).to.equal(1);
    }
  });

  it('Given a hold before its deadline, When expired, Then it is refused and nothing is written', async () => {
    const clock = new TestClock();
    const { reservationId } = await givenHold(clock, 1);
    clock.advance(59_999);
    const error = await expireReservation(contextFor(store, clock), reservationId).then(() => undefined, (e: { code?: string }) => e);
    expect(error?.code).to.equal('hold-not-expired');
    expect(await types(reservationStreamId(reservationId))).to.deep.equal(['ReservationHeld']);
  });

  it('Given an expiry interrupted before its seats were released, When expired again, Then the release is finished', async () => {
    const clock = new TestClock();
    const { scheduleId, reservationId, seatIds } = await givenHold(clock);
    clock.advance(60_000);
    // A crash right after ReservationExpired: the seats are still held.
    await handleCommand(contextFor(pg, clock), reservationStreamId(reservationId), reservationDecider, {
      type: 'ExpireReservation',
      data: { reservationId, now: clock.now() },
    });

    const expiry = await expireReservation(contextFor(store, clock), reservationId);

    expect(expiry.outcome).to.equal('already-expired');
    for (const seatId of seatIds) expect((await seatState(pg, scheduleId, seatId)).status).to.equal('Available');
    expect(await types(reservationStreamId(reservationId))).to.deep.equal(['ReservationHeld', 'ReservationExpired']);
  });

  it('Given an expired hold whose seat a later reservation holds now, When expired again, Then that hold is not touched', async () => {
    const clock = new TestClock();
    const { scheduleId, reservationId, seatIds } = await givenHold(clock, 1);
    clock.advance(60_000);
    await expireReservation(contextFor(store, clock), reservationId);
    const later = randomUUID();
    await holdSeats(contextFor(pg, clock, 'fan2'), deps(), { reservationId: later, userId: 'fan2', scheduleId, seatIds });

    const expiry = await expireReservation(contextFor(store, clock), reservationId);

    expect(expiry).to.deep.equal({ outcome: 'already-expired', position: undefined });
    expect(await seatState(pg, scheduleId, seatIds[0]!)).to.deep.include({ status: 'Held', reservationId: later });
  });

  it('Given a cancelled reservation, When expired, Then nothing happens (not-expirable)', async () => {
    const clock = new TestClock();
    const { reservationId } = await givenHold(clock, 1);
    await cancelReservation(contextFor(pg, clock, 'fan'), { reservationId, userId: 'fan' });
    clock.advance(60_000);
    const expiry = await expireReservation(contextFor(store, clock), reservationId);
    expect(expiry).to.deep.equal({ outcome: 'not-expirable', position: undefined });
    expect(await types(reservationStreamId(reservationId))).to.deep.equal(['ReservationHeld', 'ReservationCancelled']);
  });
});
