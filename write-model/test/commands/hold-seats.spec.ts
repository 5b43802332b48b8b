import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reservationDecider, reservationStreamId, type DomainError } from '@concert/domain';
import type { CommandContext } from '../../src/command-loop/command-context.js';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { cancelReservation } from '../../src/cancel-reservation/cancel-reservation.js';
import { holdSeats, type HoldSeatsDeps } from '../../src/hold-seats/hold-seats.js';
import {
  deleteKeysWithPrefix,
  RedisSeatLocks,
  seatLockKey,
  type PostgresEventStore,
  type RedisClient,
} from '@concert/infra';
import { openRedis, randomKeyPrefix, TEST_REDIS_URL } from '@concert/infra/testing';
import {
  contextFor,
  givenSchedule,
  newCatalog,
  openTestStore,
  seatState,
  TestClock,
  withoutAppendMany,
} from './command-fixture.js';

for (const writePath of ['atomic', 'sequential'] as const)
  describe(`holding seats (${writePath} writes)`, () => {
    let store: PostgresEventStore;
    let redis: RedisClient;
    const prefix = randomKeyPrefix();
    before(async () => {
      store = openTestStore();
      redis = await openRedis(TEST_REDIS_URL, prefix);
    });
    after(async () => {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
      await store.close();
    });

    const deps = (): HoldSeatsDeps => ({ catalog: newCatalog(store), holdDurationMs: 300_000, lockTtlMs: 5000 });
    /** The store the commands write through: PostgreSQL as it is (atomic), or without its multi-stream append (EventStoreDB's sequential path). */
    const writes = () => (writePath === 'atomic' ? store : withoutAppendMany(store));
    const locked = (ctx: CommandContext): CommandContext => ({ ...ctx, locks: new RedisSeatLocks(redis) });

    const failureOf = (attempt: Promise<unknown>): Promise<DomainError | undefined> =>
      attempt.then(
        () => undefined,
        (e: DomainError) => e,
      );

    it('When free seats are held, Then each seat and the reservation record the hold with the catalog price and deadline', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 5);
      const reservationId = randomUUID();
      const hold = await holdSeats(locked(contextFor(writes(), clock, 'u1')), deps(), {
        reservationId,
        userId: 'u1',
        scheduleId,
        seatIds: ['A-3', 'A-1'],
      });
      expect(hold).to.deep.include({ reservationId, seatIds: ['A-1', 'A-3'], amount: 100 + 120 });
      expect(hold.expiresAt.toISOString()).to.equal('2026-12-01T10:05:00.000Z');
      expect(await seatState(store, scheduleId, 'A-1')).to.deep.equal({
        status: 'Held',
        reservationId,
        holdExpiresAt: '2026-12-01T10:05:00.000Z',
      });
      const { state } = await loadStream({ store }, reservationStreamId(reservationId), reservationDecider);
      expect(state).to.deep.include({ status: 'Held', userId: 'u1', amount: 220 });
    });

    it('When a hold succeeds, Then its seats stay locked until the deadline and a contender is refused by the lock alone', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 3);
      const reservationId = randomUUID();
      await holdSeats(locked(contextFor(writes(), clock, 'u1')), deps(), {
        reservationId,
        userId: 'u1',
        scheduleId,
        seatIds: ['A-1'],
      });
      const key = seatLockKey(scheduleId, 'A-1');
      expect(await redis.get(key)).to.equal(reservationId);
      expect(await redis.pttl(key)).to.be.within(290_000, 300_000);

      let refusedByLock = 0;
      const error = await failureOf(
        holdSeats(
          locked(contextFor(writes(), clock, 'u2')),
          { ...deps(), onLockContended: () => refusedByLock++ },
          {
            reservationId: randomUUID(),
            userId: 'u2',
            scheduleId,
            seatIds: ['A-1', 'A-2'],
          },
        ),
      );
      expect(error?.details).to.deep.equal({ seatIds: ['A-1'] });
      expect(refusedByLock).to.equal(1);
      expect((await seatState(store, scheduleId, 'A-2')).status).to.equal('Available');
    });

    it('When a held reservation is cancelled, Then its seat locks are freed and the seats can be held at once', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 3);
      const reservationId = randomUUID();
      await holdSeats(locked(contextFor(writes(), clock, 'u1')), deps(), {
        reservationId,
        userId: 'u1',
        scheduleId,
        seatIds: ['A-1', 'A-2'],
      });
      await cancelReservation(locked(contextFor(writes(), clock, 'u1')), { reservationId, userId: 'u1' });
      expect(await redis.exists(seatLockKey(scheduleId, 'A-1'), seatLockKey(scheduleId, 'A-2'))).to.equal(0);
      const again = await holdSeats(locked(contextFor(writes(), clock, 'u2')), deps(), {
        reservationId: randomUUID(),
        userId: 'u2',
        scheduleId,
        seatIds: ['A-2'],
      });
      expect(again.seatIds).to.deep.equal(['A-2']);
    });

    it('When one of the seats is already held, Then the hold is refused naming it and the other seats stay free', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 5);
      await holdSeats(locked(contextFor(writes(), clock, 'u1')), deps(), {
        reservationId: randomUUID(),
        userId: 'u1',
        scheduleId,
        seatIds: ['A-2'],
      });
      // Without locks the seat streams refuse it; with them the lock would: test the fence.
      const error = await failureOf(
        holdSeats(contextFor(writes(), clock, 'u2'), deps(), {
          reservationId: randomUUID(),
          userId: 'u2',
          scheduleId,
          seatIds: ['A-1', 'A-2', 'A-3'],
        }),
      );
      expect(error?.code).to.equal('seat-unavailable');
      expect(error?.details).to.deep.equal({ seatIds: ['A-2'] });
      expect((await seatState(store, scheduleId, 'A-1')).status).to.equal('Available');
      expect((await seatState(store, scheduleId, 'A-3')).status).to.equal('Available');
    });

    it('When a schedule or a seat does not exist, Then the hold is refused and nothing is written', async () => {
      const clock = new TestClock();
      const { scheduleId } = await givenSchedule(store, clock, 2);
      const reservationId = randomUUID();
      expect(
        (
          await failureOf(
            holdSeats(contextFor(writes(), clock), deps(), {
              reservationId,
              userId: 'u',
              scheduleId: randomUUID(),
              seatIds: ['A-1'],
            }),
          )
        )?.code,
      ).to.equal('schedule-not-found');
      const missing = await failureOf(
        holdSeats(contextFor(writes(), clock), deps(), {
          reservationId,
          userId: 'u',
          scheduleId,
          seatIds: ['A-1', 'Z-9', 'Z-8'],
        }),
      );
      expect(missing?.code).to.equal('seat-not-found');
      expect(missing?.details).to.deep.include({ seatIds: ['Z-8', 'Z-9'] });
      expect((await store.streamInfo(reservationStreamId(reservationId))).revision).to.equal('no-stream');
      expect((await seatState(store, scheduleId, 'A-1')).status).to.equal('Available');
    });

    /** Every seat is held by at most one live reservation, and that reservation lists it. */
    async function expectNoDoubleHolds(
      scheduleId: string,
      seatIds: string[],
      winners: Map<string, string[]>,
    ): Promise<number> {
      const holders = new Map<string, string[]>();
      for (const [reservationId, seats] of winners)
        for (const seat of seats) holders.set(seat, [...(holders.get(seat) ?? []), reservationId]);
      let held = 0;
      for (const seatId of seatIds) {
        const owners = holders.get(seatId) ?? [];
        expect(owners, `seat ${seatId} held by ${owners.join(', ')}`).to.have.length.at.most(1);
        const seat = await seatState(store, scheduleId, seatId);
        if (owners.length === 1) {
          held++;
          expect(seat).to.deep.include({ status: 'Held', reservationId: owners[0] });
        } else {
          expect(seat.status).to.equal('Available');
        }
      }
      return held;
    }

    async function race(
      scheduleId: string,
      seatIds: string[],
      clients: number,
      useLocks: boolean,
      during?: () => Promise<void>,
    ) {
      const clock = new TestClock();
      const winners = new Map<string, string[]>();
      const refusals: string[] = [];
      let racing = true;
      const disturbance = (async () => {
        while (racing && during) await during();
      })();
      await Promise.all(
        Array.from({ length: clients }, async (_, i) => {
          // Overlapping wishes of 1-3 adjacent seats, most clients wanting the same front seats.
          const start = (i * 7) % seatIds.length;
          const wanted = seatIds.slice(start, start + 1 + (i % 3));
          const reservationId = randomUUID();
          try {
            const ctx = contextFor(writes(), clock, `user-${i}`);
            const hold = await holdSeats(useLocks ? locked(ctx) : ctx, deps(), {
              reservationId,
              userId: `user-${i}`,
              scheduleId,
              seatIds: wanted,
            });
            winners.set(reservationId, hold.seatIds);
          } catch (error) {
            refusals.push((error as DomainError).code);
          }
        }),
      );
      racing = false;
      await disturbance;
      return { winners, refusals };
    }

    it('When 200 clients race for 50 seats, Then every seat is held at most once and every loser is told seat-unavailable', async function () {
      this.timeout(60_000);
      const clock = new TestClock();
      const { scheduleId, seatIds } = await givenSchedule(store, clock, 50);
      const { winners, refusals } = await race(scheduleId, seatIds, 200, true);
      expect(new Set(refusals)).to.deep.equal(new Set(['seat-unavailable']));
      expect(winners.size + refusals.length).to.equal(200);
      const held = await expectNoDoubleHolds(scheduleId, seatIds, winners);
      expect(held).to.be.greaterThan(0);
    });

    it('When the Redis locks are flushed again and again during the race, Then the stream revisions still allow no double hold', async function () {
      this.timeout(60_000);
      const clock = new TestClock();
      const { scheduleId, seatIds } = await givenSchedule(store, clock, 50);
      let flushes = 0;
      const { winners, refusals } = await race(scheduleId, seatIds, 200, true, async () => {
        // Every lock of the schedule, by name: a SCAN of the whole keyspace would make the number
        // of flushes depend on how many keys other runs keep in the shared Redis.
        flushes += await redis.del(...seatIds.map((seatId) => seatLockKey(scheduleId, seatId))).then(() => 1);
        await new Promise((resolve) => setImmediate(resolve));
      });
      expect(flushes).to.be.greaterThan(1);
      expect(new Set(refusals)).to.deep.equal(new Set(['seat-unavailable']));
      await expectNoDoubleHolds(scheduleId, seatIds, winners);
    });

    it('When there are no locks at all, Then the stream revisions alone allow no double hold', async function () {
      this.timeout(60_000);
      const clock = new TestClock();
      const { scheduleId, seatIds } = await givenSchedule(store, clock, 50);
      const { winners, refusals } = await race(scheduleId, seatIds, 200, false);
      expect(new Set(refusals)).to.deep.equal(new Set(['seat-unavailable']));
      await expectNoDoubleHolds(scheduleId, seatIds, winners);
    });
  });
