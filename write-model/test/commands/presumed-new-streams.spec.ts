import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { seatDecider, seatStreamId } from '@concert/domain';
import type { EventStore, PostgresEventStore } from '@concert/infra';
import { cancelReservation } from '../../src/cancel-reservation/cancel-reservation.js';
import { handleCommand, loadStream, streamCommand } from '../../src/command-loop/handle-command.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import { contextFor, givenSchedule, newCatalog, openTestStore, seatState, TestClock } from './command-fixture.js';

/** The store, counting the streams it is asked to read. */
function countingReads(store: EventStore): { store: EventStore; streamsRead: () => number } {
  let read = 0;
  return {
    store: {
      ...store,
      append: (streamId, events, expected) => store.append(streamId, events, expected),
      appendMany: (writes) => store.appendMany!(writes),
      readStream: (streamId, options) => ((read += 1), store.readStream(streamId, options)),
      readStreams: (streamIds) => ((read += streamIds.length), store.readStreams(streamIds)),
    },
    streamsRead: () => read,
  };
}

describe('streams presumed new (a hold decides on "never held" without reading the seats)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());
  const deps = (): HoldSeatsDeps => ({ catalog: newCatalog(store), holdDurationMs: 300_000, lockTtlMs: 5000 });
  /** Given: A-1 of the schedule held by this reservation. */
  const givenSeatHeld = (clock: TestClock, scheduleId: string, reservationId: string, userId: string) =>
    holdSeats(contextFor(store, clock, userId), deps(), { reservationId, userId, scheduleId, seatIds: ['A-1'] });

  it('Given seats nobody held before, When they are held, Then no stream is read and no retry is counted', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 3);
    const counted = countingReads(store);
    let retries = 0;
    const ctx = { ...contextFor(counted.store, clock, 'u1'), onConflictRetry: () => retries++ };
    const hold = await holdSeats(ctx, deps(), {
      reservationId: randomUUID(),
      userId: 'u1',
      scheduleId,
      seatIds: ['A-1', 'A-2'],
    });
    expect(hold.seatIds).to.deep.equal(['A-1', 'A-2']);
    expect(counted.streamsRead()).to.equal(0);
    expect(retries).to.equal(0);
  });

  it('Given a seat held and released before, When it is held again, Then the hold is decided on its stream and appended after its events', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 3);
    const first = randomUUID();
    await givenSeatHeld(clock, scheduleId, first, 'u1');
    await cancelReservation(contextFor(store, clock, 'u1'), { reservationId: first, userId: 'u1' });
    const counted = countingReads(store);
    let retries = 0;
    const second = randomUUID();
    await holdSeats({ ...contextFor(counted.store, clock, 'u2'), onConflictRetry: () => retries++ }, deps(), {
      reservationId: second,
      userId: 'u2',
      scheduleId,
      seatIds: ['A-1'],
    });
    expect(await seatState(store, scheduleId, 'A-1')).to.include({ status: 'Held', reservationId: second });
    const { revision } = await loadStream({ store }, seatStreamId(scheduleId, 'A-1'), seatDecider);
    expect(revision).to.equal(2n);
    expect(counted.streamsRead()).to.be.greaterThan(0);
    expect(retries).to.equal(0);
  });

  it('Given a held seat, When a command presumes its stream new and the guess would hold it, Then the refusal comes from the stream as it is', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 1);
    const holder = randomUUID();
    await givenSeatHeld(clock, scheduleId, holder, 'u1');
    const attempt = handleCommand(
      contextFor(store, clock, 'u2'),
      [
        streamCommand(
          seatStreamId(scheduleId, 'A-1'),
          seatDecider,
          {
            type: 'HoldSeat',
            data: {
              scheduleId,
              seatId: 'A-1',
              reservationId: randomUUID(),
              holdExpiresAt: new Date('2026-12-01T11:00:00Z'),
            },
          },
          { presumedNew: true },
        ),
      ],
      { maxRetries: 0 },
    );
    const error = await attempt.then(
      () => undefined,
      (e: { code?: string }) => e,
    );
    expect(error?.code).to.equal('seat-unavailable');
    expect(await seatState(store, scheduleId, 'A-1')).to.include({ status: 'Held', reservationId: holder });
  });

  it('Given a command that finds nothing to do on the guess, When its stream exists, Then it is decided on the stream', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 1);
    const holder = randomUUID();
    await givenSeatHeld(clock, scheduleId, holder, 'u1');
    // Releasing on "never held" is nothing to do; on the stream it frees the seat.
    const released = await handleCommand(
      contextFor(store, clock, 'u1'),
      [
        streamCommand(
          seatStreamId(scheduleId, 'A-1'),
          seatDecider,
          { type: 'ReleaseSeat', data: { scheduleId, seatId: 'A-1', reservationId: holder, reason: 'cancelled' } },
          { presumedNew: true },
        ),
      ],
      {},
    );
    expect(released.written).to.have.length(1);
    expect((await seatState(store, scheduleId, 'A-1')).status).to.equal('Available');
  });
});
