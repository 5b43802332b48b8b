import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reservationDecider, reservationStreamId } from '@concert/domain';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import type { PostgresEventStore } from '@concert/infra';
import {
  contextFor,
  failingAppends,
  givenSchedule,
  newCatalog,
  openTestStore,
  seatState,
  TestClock,
} from './command-fixture.js';

/**
 * Defect 12.3: on the sequential path (EventStoreDB's), a failed ReservationHeld append must
 * not free the seats of a reservation that may be HELD. The release rule: the reservation is
 * made terminal first (ReservationExpired, expected no stream), the seats freed only after.
 */
describe('Given a sequential store (EventStoreDB) whose ReservationHeld append fails', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  const deps = (): HoldSeatsDeps => ({ catalog: newCatalog(store), holdDurationMs: 60_000, lockTtlMs: 5000 });

  async function reservationStatus(reservationId: string): Promise<string> {
    return (await loadStream({ store }, reservationStreamId(reservationId), reservationDecider)).state.status;
  }

  it('When the append committed but answered an error (deadline exceeded), Then the hold stands: the reservation is HELD, its seats stay held and the client gets the hold', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 3);
    const reservationId = randomUUID();
    const faulty = failingAppends(store, { ReservationHeld: 'after-commit' });

    const hold = await holdSeats(contextFor(faulty, clock, 'u1'), deps(), {
      reservationId,
      userId: 'u1',
      scheduleId,
      seatIds: ['A-1', 'A-2'],
    });

    expect(hold).to.deep.include({ reservationId, seatIds: ['A-1', 'A-2'], amount: 210 });
    expect(hold.position).to.not.equal(undefined);
    expect(await reservationStatus(reservationId)).to.equal('Held');
    for (const seatId of ['A-1', 'A-2'])
      expect(await seatState(store, scheduleId, seatId)).to.deep.include({ status: 'Held', reservationId });
  });

  it('When the append failed before committing, Then the reservation is made terminal (EXPIRED) before its seats are freed, and the error reaches the client', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 3);
    const reservationId = randomUUID();
    const faulty = failingAppends(store, { ReservationHeld: 'before-commit' });

    const error = await holdSeats(contextFor(faulty, clock, 'u1'), deps(), {
      reservationId,
      userId: 'u1',
      scheduleId,
      seatIds: ['A-1', 'A-2'],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(String(error)).to.match(/injected: connection lost before ReservationHeld/);
    expect(await reservationStatus(reservationId)).to.equal('Expired');
    for (const seatId of ['A-1', 'A-2'])
      expect((await seatState(store, scheduleId, seatId)).status).to.equal('Available');
  });

  it('When the terminal ReservationExpired cannot be written either (the store is down), Then the seats stay held for the saga and nothing is released', async () => {
    const clock = new TestClock();
    const { scheduleId } = await givenSchedule(store, clock, 3);
    const reservationId = randomUUID();
    const faulty = failingAppends(store, { ReservationHeld: 'before-commit', ReservationExpired: 'before-commit' });

    const error = await holdSeats(contextFor(faulty, clock, 'u1'), deps(), {
      reservationId,
      userId: 'u1',
      scheduleId,
      seatIds: ['A-1'],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(String(error)).to.match(/injected/);
    expect(await reservationStatus(reservationId)).to.equal('Empty');
    expect(await seatState(store, scheduleId, 'A-1')).to.deep.include({ status: 'Held', reservationId });
  });
});
