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
  const seats = Array.from({ length: seatCount }, (_, i) => ({ seatId: `A-${i + 1}`, grade: 'R', price: 100 + 10 * i }));
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
