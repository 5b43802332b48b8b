import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reservationDecider, reservationStreamId, seatStreamId } from '@concert/domain';
import { cancelReservation } from '../../src/cancel-reservation/cancel-reservation.js';
import { expireReservation } from '../../src/expire-reservation/expire-reservation.js';
import { expireReservations, type ExpiryResult } from '../../src/expire-reservation/expire-reservations.js';
import { handleCommand } from '../../src/command-loop/handle-command.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import type { EventStore, PostgresEventStore } from '@concert/infra';
import {
  contextFor,
  givenSchedule,
  newCatalog,
  openTestStore,
  seatState,
  TestClock,
  withoutAppendMany,
} from './command-fixture.js';

/** The same store, running `meanwhile` once just before the first multi-stream append (a write racing the batch). */
function withWriteBeforeFirstAppend(store: PostgresEventStore, meanwhile: () => Promise<unknown>): EventStore {
  let raced = false;
  return new Proxy(store, {
    get: (target, key, receiver) => {
      if (key !== 'appendMany') return Reflect.get(target, key, receiver);
      return async (...args: Parameters<PostgresEventStore['appendMany']>) => {
        if (!raced) {
          raced = true;
          await meanwhile();
        }
        return target.appendMany(...args);
      };
    },
  });
}

/** The same store, counting its readStreams queries and the streams each asked for. */
function countingReads(store: PostgresEventStore): { store: EventStore; reads: string[][] } {
  const reads: string[][] = [];
  const counting = new Proxy(store, {
    get: (target, key, receiver) => {
      if (key !== 'readStreams') return Reflect.get(target, key, receiver);
      return (streamIds: readonly string[]) => {
        reads.push([...streamIds]);
        return target.readStreams(streamIds);
      };
    },
  });
  return { store: counting, reads };
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
      await holdSeats(contextFor(pg, clock, 'fan'), deps(), {
        reservationId,
        userId: 'fan',
        scheduleId,
        seatIds: held,
      });
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
          ...(await Promise.all(seatIds.map((s) => pg.readStream(seatStreamId(scheduleId, s))))).map(
            (events) => events[1]!,
          ),
        ];
        expect(new Set(written.map((e) => e.position.commit)).size).to.equal(1);
      }
    });

    it('Given a hold before its deadline, When expired, Then it is refused and nothing is written', async () => {
      const clock = new TestClock();
      const { reservationId } = await givenHold(clock, 1);
      clock.advance(59_999);
      const error = await expireReservation(contextFor(store, clock), reservationId).then(
        () => undefined,
        (e: { code?: string }) => e,
      );
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
      await holdSeats(contextFor(pg, clock, 'fan2'), deps(), {
        reservationId: later,
        userId: 'fan2',
        scheduleId,
        seatIds,
      });

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
      expect(await types(reservationStreamId(reservationId))).to.deep.equal([
        'ReservationHeld',
        'ReservationCancelled',
      ]);
    });

    describe('many reservations at once (expireReservations)', () => {
      const outcomes = (results: ExpiryResult[]): string[] =>
        results.map((r) => (r.ok ? r.expiry.outcome : ((r.error as { code?: string }).code ?? String(r.error))));

      it('Given two holds past their deadline and one before it, When expired together, Then the two are EXPIRED with every seat released (one commit on PostgreSQL) and the third is refused untouched', async () => {
        const clock = new TestClock();
        const due = [await givenHold(clock), await givenHold(clock)];
        clock.advance(30_000);
        const early = await givenHold(clock, 1);
        clock.advance(30_000);

        const results = await expireReservations(
          [...due, early].map((h) => ({ ctx: contextFor(store, clock), reservationId: h.reservationId })),
        );

        expect(outcomes(results)).to.deep.equal(['expired', 'expired', 'hold-not-expired']);
        for (const { scheduleId, reservationId, seatIds } of due) {
          expect(await types(reservationStreamId(reservationId))).to.deep.equal([
            'ReservationHeld',
            'ReservationExpired',
          ]);
          for (const seatId of seatIds) expect((await seatState(pg, scheduleId, seatId)).status).to.equal('Available');
        }
        expect(await types(reservationStreamId(early.reservationId))).to.deep.equal(['ReservationHeld']);
        if (path === 'atomic') {
          const written = await Promise.all(
            due
              .flatMap(({ scheduleId, reservationId, seatIds }) => [
                reservationStreamId(reservationId),
                ...seatIds.map((s) => seatStreamId(scheduleId, s)),
              ])
              .map(async (streamId) => (await pg.readStream(streamId))[1]!),
          );
          expect(new Set(written.map((e) => e.position.commit)).size).to.equal(1);
        }
      });

      if (path === 'atomic')
        it('Given holds whose seats the caller knows (one of them wrongly), When expired together, Then the known seats are read with the reservations in one query, only the seats the reservations hold are released, and the one not known is read after', async () => {
          const clock = new TestClock();
          const [known, misnamed] = [await givenHold(clock), await givenHold(clock)];
          const bystander = await givenHold(clock, 1);
          clock.advance(60_000);
          const counted = countingReads(pg);

          const results = await expireReservations([
            {
              ctx: contextFor(counted.store, clock),
              reservationId: known!.reservationId,
              knownSeats: known!.seatIds.map((seatId) => ({ scheduleId: known!.scheduleId, seatId })),
            },
            {
              // Names its first seat and another hold's seat: a hint, not what is released.
              ctx: contextFor(counted.store, clock),
              reservationId: misnamed!.reservationId,
              knownSeats: [
                { scheduleId: misnamed!.scheduleId, seatId: misnamed!.seatIds[0]! },
                { scheduleId: bystander.scheduleId, seatId: bystander.seatIds[0]! },
              ],
            },
          ]);

          expect(outcomes(results)).to.deep.equal(['expired', 'expired']);
          for (const { scheduleId, seatIds } of [known!, misnamed!])
            for (const seatId of seatIds)
              expect((await seatState(pg, scheduleId, seatId)).status).to.equal('Available');
          expect((await seatState(pg, bystander.scheduleId, bystander.seatIds[0]!)).status).to.equal('Held');
          expect(counted.reads).to.have.length(2);
          expect(counted.reads[0]).to.include.members([
            reservationStreamId(known!.reservationId),
            ...known!.seatIds.map((s) => seatStreamId(known!.scheduleId, s)),
          ]);
          expect(counted.reads[1]).to.deep.equal([seatStreamId(misnamed!.scheduleId, misnamed!.seatIds[1]!)]);
        });

      it('Given a batch in which one reservation is cancelled between the read and the append, When expired together, Then the others expire and that one, retried alone, is not-expirable', async () => {
        const clock = new TestClock();
        const holds = [await givenHold(clock, 1), await givenHold(clock, 1), await givenHold(clock, 1)];
        clock.advance(60_000);
        const cancelled = holds[1]!;
        const racing =
          path === 'atomic'
            ? withWriteBeforeFirstAppend(pg, () =>
                cancelReservation(contextFor(pg, clock, 'fan'), {
                  reservationId: cancelled.reservationId,
                  userId: 'fan',
                }),
              )
            : store;
        if (path === 'sequential')
          await cancelReservation(contextFor(pg, clock, 'fan'), {
            reservationId: cancelled.reservationId,
            userId: 'fan',
          });

        const results = await expireReservations(
          holds.map((h) => ({ ctx: contextFor(racing, clock), reservationId: h.reservationId })),
        );

        expect(outcomes(results)).to.deep.equal(['expired', 'not-expirable', 'expired']);
        expect(await types(reservationStreamId(cancelled.reservationId))).to.deep.equal([
          'ReservationHeld',
          'ReservationCancelled',
        ]);
        for (const { scheduleId, seatIds } of [holds[0]!, holds[2]!])
          expect((await seatState(pg, scheduleId, seatIds[0]!)).status).to.equal('Available');
      });
    });
  });
