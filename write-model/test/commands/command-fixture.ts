import { randomUUID } from 'node:crypto';
import { seatDecider, seatStreamId, walletDecider, walletStreamId } from '@concert/domain';
import type { CommandContext } from '../../src/command-loop/command-context.js';
import { addSchedule } from '../../src/add-schedule/add-schedule.js';
import { createConcert } from '../../src/create-concert/create-concert.js';
import { loadStream } from '../../src/command-loop/handle-command.js';
import { ScheduleCatalog } from '../../src/command-loop/schedule-catalog.js';
import { PostgresEventStore, type EventStore } from '@concert/infra';

/** A movable clock: tests step past deadlines instead of sleeping. */
export class TestClock {
  constructor(private current = new Date('2026-12-01T10:00:00.000Z')) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function openTestStore(): PostgresEventStore {
  return new PostgresEventStore({ connectionString: process.env.DATABASE_URL!, maxConnections: 30 });
}

export function contextFor(store: EventStore, clock: TestClock, userId?: string): CommandContext {
  return { store, now: clock.now, correlationId: randomUUID(), ...(userId ? { userId } : {}) };
}

/** A concert with one schedule whose seats are A-1..A-n, priced 100, 110, 120, ... */
export async function givenSchedule(
  store: EventStore,
  clock: TestClock,
  seatCount: number,
): Promise<{ concertId: string; scheduleId: string; seatIds: string[]; priceOf(seatId: string): number }> {
  const concertId = randomUUID();
  const scheduleId = randomUUID();
  const ctx = contextFor(store, clock, 'admin');
  await createConcert(ctx, { concertId, title: 'Test concert', venue: 'Hall' });
  const seats = Array.from({ length: seatCount }, (_, i) => ({
    seatId: `A-${i + 1}`,
    grade: 'R',
    price: 100 + 10 * i,
  }));
  await addSchedule(ctx, { concertId, scheduleId, startsAt: '2027-01-01T19:00:00.000Z', seats });
  const prices = new Map(seats.map((s) => [s.seatId, s.price]));
  return { concertId, scheduleId, seatIds: seats.map((s) => s.seatId), priceOf: (seatId) => prices.get(seatId)! };
}

export function newCatalog(store: EventStore): ScheduleCatalog {
  return new ScheduleCatalog(store);
}

export async function seatState(store: EventStore, scheduleId: string, seatId: string) {
  return (await loadStream({ store }, seatStreamId(scheduleId, seatId), seatDecider)).state;
}

export async function walletState(store: EventStore, userId: string) {
  return (await loadStream({ store }, walletStreamId(userId), walletDecider)).state;
}

/**
 * The store as EventStoreDB offers it: no multi-stream transaction, so commands over several
 * streams take the sequential path (one stream at a time, with the release rule on failure).
 */
export function withoutAppendMany(store: EventStore): EventStore {
  return {
    append: (streamId, events, expectedRevision) => store.append(streamId, events, expectedRevision),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readStreams: (streamIds) => store.readStreams(streamIds),
    streamInfo: (streamId) => store.streamInfo(streamId),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: () => Promise.resolve(),
  };
}

/** When an injected append failure strikes: before the append reaches the store, or after it committed (an ambiguous error). */
export type AppendFault = 'before-commit' | 'after-commit';

/**
 * A sequential store whose appends of the given event type fail, as a lost connection or an
 * exceeded deadline would: before anything was written, or after the append committed.
 */
export function failingAppends(store: EventStore, faults: Partial<Record<string, AppendFault>>): EventStore {
  const sequential = withoutAppendMany(store);
  return {
    ...sequential,
    append: async (streamId, events, expectedRevision) => {
      const fault = faults[events[0]?.type ?? ''];
      if (fault === 'before-commit') throw new Error(`injected: connection lost before ${events[0]!.type} was sent`);
      const result = await store.append(streamId, events, expectedRevision);
      if (fault === 'after-commit') throw new Error(`injected: deadline exceeded after ${events[0]!.type} committed`);
      return result;
    },
  };
}
