import { randomBytes } from 'node:crypto';
import type { RedisClient } from './create-redis.js';
import { toRedisUnavailable } from './redis-unavailable-error.js';
import { seatLockKey } from './seat-lock-key.js';
import { defineSeatLockScripts, type SeatLockScripts } from './seat-lock-scripts.js';

// Callers of SeatLocks catch this to fall back to the fence; offered next to the interface.
export { RedisUnavailableError } from './redis-unavailable-error.js';

export type SeatLockResult =
  | {
      ok: true;
      release(): Promise<void>;
      /** Keeps the locks for `ttlMs` from now: a held seat stays marked taken until its hold ends. */
      keep(ttlMs: number): Promise<void>;
    }
  | { ok: false; taken: string[] };

/**
 * Short-lived seat locks taken before deciding a hold, so contenders for a seat are turned away
 * at once. Only a speed-up: the event store's expected revision stays the fence.
 * Rejects with RedisUnavailableError when Redis cannot answer.
 */
export interface SeatLocks {
  /**
   * All-or-nothing: either every seat is locked by this call, or none is and the taken seats
   * are named. `token` (default: random) identifies the holder, e.g. the reservation id.
   */
  acquire(scheduleId: string, seatIds: readonly string[], ttlMs: number, token?: string): Promise<SeatLockResult>;
  /** Frees the seats' locks still held with `token` (a cancelled or expired hold). */
  release(scheduleId: string, seatIds: readonly string[], token: string): Promise<void>;
}

export class RedisSeatLocks implements SeatLocks {
  readonly #scripts: SeatLockScripts;

  constructor(client: RedisClient) {
    this.#scripts = defineSeatLockScripts(client);
  }

  async acquire(
    scheduleId: string,
    seatIds: readonly string[],
    ttlMs: number,
    token = randomBytes(16).toString('hex'),
  ): Promise<SeatLockResult> {
    if (scheduleId === '') throw new RangeError('scheduleId is empty');
    if (seatIds.length === 0 || seatIds.some((s) => s === '')) throw new RangeError('seatIds must be non-empty ids');
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
      throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);

    // Sorted and de-duplicated: the same seat set always maps to the same key list.
    const seats = [...new Set(seatIds)].sort();
    const keys = seats.map((seat) => seatLockKey(scheduleId, seat));
    // The token proves ownership at release time; it must be unique per holder.

    const reply = await this.#call(() => this.#scripts.acquire(keys, token, ttlMs));
    const taken = takenSeats(reply, seats);
    if (taken.length > 0) return { ok: false, taken };
    return {
      ok: true,
      release: this.#releaseOnce(keys, token),
      keep: async (keepMs) => {
        await this.#call(() => this.#scripts.extend(keys, token, Math.max(1, Math.ceil(keepMs))));
      },
    };
  }

  async release(scheduleId: string, seatIds: readonly string[], token: string): Promise<void> {
    if (seatIds.length === 0) return;
    const keys = [...new Set(seatIds)].sort().map((seat) => seatLockKey(scheduleId, seat));
    await this.#call(() => this.#scripts.release(keys, token));
  }

  /**
   * Idempotent: a second call reuses the first one's outcome, and an expired lock is simply not
   * found. A failed release may be retried; ignoring the failure is safe too, the TTL frees it.
   */
  #releaseOnce(keys: readonly string[], token: string): () => Promise<void> {
    let released: Promise<void> | undefined;
    return () => {
      released ??= this.#call(() => this.#scripts.release(keys, token)).then(
        () => undefined,
        (error: unknown) => {
          released = undefined;
          throw error;
        },
      );
      return released;
    };
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw toRedisUnavailable(error);
    }
  }
}

/** The acquire script answers with the 1-based indexes of the taken keys. */
function takenSeats(reply: unknown, seats: readonly string[]): string[] {
  if (!Array.isArray(reply)) throw new TypeError(`unexpected seat lock reply: ${String(reply)}`);
  return reply.map((index: unknown) => {
    const seat = typeof index === 'number' ? seats[index - 1] : undefined;
    if (seat === undefined) throw new TypeError(`unexpected seat lock reply index: ${String(index)}`);
    return seat;
  });
}
