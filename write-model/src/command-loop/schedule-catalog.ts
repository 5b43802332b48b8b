import { priceSeats, scheduleDecider, scheduleStreamId, type PricedSeats, type ScheduleState } from '@concert/domain';
import type { EventStore } from '@concert/infra';
import { loadStream } from './handle-command.js';

/**
 * Seat maps and prices of schedules, as the command side needs them to hold seats. A
 * schedule never changes once added, so it is read from its stream once and kept; unknown
 * ids are read again each time (a schedule added a moment ago is found at once). Requests
 * that arrive while a schedule is being read share that one read: at an on-sale's first
 * second every hold asks for the same schedule, and each one reading and validating a
 * 2,000-seat stream of its own was a fifth of the command-api's CPU.
 */
export class ScheduleCatalog {
  private readonly schedules = new Map<string, ScheduleState>();
  private readonly reading = new Map<string, Promise<ScheduleState>>();

  constructor(private readonly store: EventStore) {}

  async schedule(scheduleId: string): Promise<ScheduleState> {
    const known = this.schedules.get(scheduleId);
    if (known) return known;
    let read = this.reading.get(scheduleId);
    if (read === undefined) {
      read = this.read(scheduleId).finally(() => this.reading.delete(scheduleId));
      this.reading.set(scheduleId, read);
    }
    return read;
  }

  private async read(scheduleId: string): Promise<ScheduleState> {
    const { state } = await loadStream({ store: this.store }, scheduleStreamId(scheduleId), scheduleDecider);
    if (state.status !== 'Empty') this.schedules.set(scheduleId, state);
    return state;
  }

  /** Throws schedule-not-found, or seat-not-found naming every missing seat. */
  async priceSeats(scheduleId: string, seatIds: readonly string[]): Promise<PricedSeats> {
    return priceSeats(await this.schedule(scheduleId), scheduleId, seatIds);
  }
}
