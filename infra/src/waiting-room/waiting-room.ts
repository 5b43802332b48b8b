import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { RedisClient } from '../redis/create-redis.js';
import { toRedisUnavailable } from '../redis/redis-unavailable-error.js';
import { waitingRoomKeys as keys } from './waiting-room-keys.js';
import { defineWaitingRoomScripts, type WaitingRoomScripts } from './waiting-room-scripts.js';

/** EXPIRED: the admission window lapsed; COMPLETED: a purchase ended the session, or the fan left. Both may enter again. */
export type QueueStatus = 'WAITING' | 'ADMITTED' | 'EXPIRED' | 'COMPLETED';

/** One user's place in one concert's waiting room. */
export interface QueueEntry {
  entryId: string;
  concertId: string;
  userId: string;
  status: QueueStatus;
  /** 1 for the first user who entered; never changes. */
  position: number;
  /** Users still waiting in front of this one (0 once admitted, expired or completed). */
  peopleAhead: number;
  /** From the measured admission rate; 0 once admitted or expired. */
  estimatedWaitSeconds: number;
  /** When ADMITTED: the end of the admission window (epoch ms). */
  admittedUntil?: number;
}

export interface TickResult {
  concertId: string;
  /** Entries admitted by this tick. */
  admittedNow: number;
  /** Admitted entries whose window ended, removed by this tick. */
  expiredNow: number;
  waiting: number;
  /** Admitted users after this tick (never above the cap). */
  admitted: number;
  /** Positions up to this one have been admitted. */
  serving: number;
}

/** One concert's room as the ops console shows it (read only: nothing is ticked). */
export interface WaitingRoomSummary {
  concertId: string;
  waiting: number;
  /** Admitted and not yet expired or finished (an ended window leaves at the next tick). */
  admitted: number;
  /** Admissions per second used for estimates (see #rate). */
  admissionRatePerSecond: number;
  /** The estimated wait of the last user in line; 0 when nobody waits. */
  lastInLineWaitSeconds: number;
}

export interface WaitingRoomSettings {
  admitPerSecond: number;
  maxAdmitted: number;
  admissionWindowMs: number;
  /** Time constant of the measured admission rate (default 10 s). */
  rateTimeConstantMs?: number;
  /** After a pause, one tick admits at most this many seconds' worth of the rate (default 1). */
  maxBurstSeconds?: number;
  /** Keys of a concert nobody entered for this long disappear (default 7 days). */
  retentionMs?: number;
}

const DEFAULT_RATE_TIME_CONSTANT_MS = 10_000;
const DEFAULT_MAX_BURST_SECONDS = 1;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Entry owners remembered in process: an entry never changes owner, and polls ask every second. */
const OWNER_CACHE_SIZE = 100_000;

/**
 * Per concert: a position for each user (once), a serving counter advanced by ticks at the
 * admission rate under a cap of concurrently admitted users, and the admitted users with the
 * end of their window. See waiting-room-scripts.ts for the algorithm; every call is O(1) or
 * O(log n) in Redis, and a tick costs O(admitted + expired in that tick), whatever the queue length.
 * Rejects with RedisUnavailableError when Redis cannot answer.
 */
export class WaitingRoom {
  readonly #redis: RedisClient;
  readonly #scripts: WaitingRoomScripts;
  readonly #settings: Required<WaitingRoomSettings>;
  readonly #owners = new Map<string, { concertId: string; userId: string }>();

  constructor(redis: RedisClient, settings: WaitingRoomSettings) {
    for (const name of ['admitPerSecond', 'maxAdmitted', 'admissionWindowMs'] as const) {
      if (!(settings[name] > 0)) throw new RangeError(`${name} must be positive, got ${settings[name]}`);
    }
    this.#redis = redis;
    this.#scripts = defineWaitingRoomScripts(redis);
    this.#settings = {
      rateTimeConstantMs: DEFAULT_RATE_TIME_CONSTANT_MS,
      maxBurstSeconds: DEFAULT_MAX_BURST_SECONDS,
      retentionMs: DEFAULT_RETENTION_MS,
      ...settings,
    };
  }

  static fromConfig(
    redis: RedisClient,
    config: Pick<Config, 'QUEUE_ADMIT_PER_SECOND' | 'QUEUE_MAX_ADMITTED' | 'QUEUE_ADMISSION_WINDOW_MS'>,
  ): WaitingRoom {
    return new WaitingRoom(redis, {
      admitPerSecond: config.QUEUE_ADMIT_PER_SECOND,
      maxAdmitted: config.QUEUE_MAX_ADMITTED,
      admissionWindowMs: config.QUEUE_ADMISSION_WINDOW_MS,
    });
  }

  /**
   * The user's entry: a new one at the back of the queue the first time, the same one while it
   * waits or is admitted, and a new one at the back again once it is EXPIRED or COMPLETED.
   */
  async enter(concertId: string, userId: string): Promise<QueueEntry> {
    const reply = await this.#call(() =>
      this.#scripts.enter(
        keys.state(concertId),
        keys.users(concertId),
        keys.admitted(concertId),
        userId,
        randomUUID(),
        this.#settings.retentionMs,
      ),
    );
    const entry = this.#entryOf(concertId, userId, reply);
    // Written on every entry, not only the first: a crash between the script and these
    // commands must not leave an entry that GET cannot find or a concert nobody ticks.
    await this.#call(() =>
      Promise.all([
        this.#redis.set(keys.entry(entry.entryId), `${concertId} ${userId}`, 'PX', this.#settings.retentionMs),
        this.#redis.sadd(keys.active(), concertId),
      ]),
    );
    // The fan's first poll then needs no owner lookup in Redis.
    this.#remember(entry.entryId, { concertId, userId });
    return entry;
  }

  /** The user's entry for the concert, or undefined when they never entered. */
  async entryOf(concertId: string, userId: string): Promise<QueueEntry | undefined> {
    const reply = await this.#call(() =>
      this.#scripts.status(keys.state(concertId), keys.users(concertId), keys.admitted(concertId), userId),
    );
    return reply === null ? undefined : this.#entryOf(concertId, userId, reply);
  }

  /** Whose entry this is, or undefined for an unknown id. */
  async ownerOf(entryId: string): Promise<{ concertId: string; userId: string } | undefined> {
    const known = this.#owners.get(entryId);
    if (known !== undefined) return known;
    const value = await this.#call(() => this.#redis.get(keys.entry(entryId)));
    if (value === null) return undefined;
    const space = value.indexOf(' ');
    const owner = { concertId: value.slice(0, space), userId: value.slice(space + 1) };
    this.#remember(entryId, owner);
    return owner;
  }

  #remember(entryId: string, owner: { concertId: string; userId: string }): void {
    if (this.#owners.has(entryId)) return;
    // Oldest first out: a Map iterates in insertion order.
    if (this.#owners.size >= OWNER_CACHE_SIZE) this.#owners.delete(this.#owners.keys().next().value!);
    this.#owners.set(entryId, owner);
  }

  /**
   * Expires ended windows and admits at the rate; safe to run from any number of instances at
   * once. `share` (0-1] scales the configured rate and cap down, e.g. while the write path is
   * slow (the gateway's admission governor); at least one admission per second and one slot remain.
   */
  async tick(concertId: string, share = 1): Promise<TickResult> {
    const s = this.#settings;
    const admitPerSecond = Math.max(1, s.admitPerSecond * share);
    const maxAdmitted = Math.max(1, Math.floor(s.maxAdmitted * share));
    const reply = await this.#call(() =>
      this.#scripts.tick(
        keys.state(concertId),
        keys.admitted(concertId),
        keys.left(concertId),
        admitPerSecond,
        maxAdmitted,
        s.admissionWindowMs,
        Math.max(1, admitPerSecond * s.maxBurstSeconds),
        s.rateTimeConstantMs,
        s.retentionMs,
      ),
    );
    const [admittedNow, expiredNow, waiting, admitted, serving] = tickReply(reply);
    return { concertId, admittedNow, expiredNow, waiting, admitted, serving };
  }

  /**
   * Ticks every active concert. A concert with nobody waiting or admitted leaves the active set;
   * it is ticked once more after leaving, so a user who entered meanwhile puts it back.
   */
  async tickActive(share = 1): Promise<TickResult[]> {
    const concerts = await this.activeConcerts();
    return Promise.all(
      concerts.map(async (concertId) => {
        const result = await this.tick(concertId, share);
        if (result.waiting > 0 || result.admitted > 0) return result;
        await this.#call(() => this.#redis.srem(keys.active(), concertId));
        const again = await this.tick(concertId, share);
        if (again.waiting > 0 || again.admitted > 0) await this.#call(() => this.#redis.sadd(keys.active(), concertId));
        return again;
      }),
    );
  }

  async summary(concertId: string): Promise<WaitingRoomSummary> {
    const [state, admitted] = await this.#call(() =>
      Promise.all([
        this.#redis.hmget(keys.state(concertId), 'seq', 'serving', 'rate'),
        this.#redis.zcard(keys.admitted(concertId)),
      ]),
    );
    const [seq, serving, measured] = state;
    const waiting = Math.max(0, Number(seq ?? 0) - Number(serving ?? 0));
    const rate = this.#rate(measured ?? '');
    return {
      concertId,
      waiting,
      admitted,
      admissionRatePerSecond: rate,
      lastInLineWaitSeconds: waiting === 0 ? 0 : Math.ceil(waiting / rate),
    };
  }

  async activeConcerts(): Promise<string[]> {
    return this.#call(() => this.#redis.smembers(keys.active()));
  }

  /** Ends the user's session after a purchase: frees the slot, the entry is COMPLETED. True if a slot was freed. */
  async complete(concertId: string, userId: string): Promise<boolean> {
    const removed = await this.#call(() =>
      this.#scripts.complete(keys.users(concertId), keys.admitted(concertId), userId),
    );
    return removed === 1;
  }

  /**
   * The fan leaves the room with this entry: an admitted session frees its slot at once, a
   * waiting fan gives up their place (nobody behind moves back, the tick just passes it). The
   * entry is then COMPLETED; entering again starts at the back. False when the entry was
   * already over or is not the user's current one (nothing changes).
   */
  async leave(concertId: string, userId: string, entryId: string): Promise<boolean> {
    const ended = await this.#call(() =>
      this.#scripts.leave(
        keys.state(concertId),
        keys.users(concertId),
        keys.admitted(concertId),
        keys.left(concertId),
        userId,
        entryId,
        this.#settings.retentionMs,
      ),
    );
    return ended === 1;
  }

  #entryOf(concertId: string, userId: string, reply: unknown): QueueEntry {
    if (!Array.isArray(reply) || reply.length !== 7)
      throw new TypeError(`unexpected waiting-room reply: ${String(reply)}`);
    const [position, entryId, serving, measuredRate, admittedUntil, now, completed] = reply as [
      number,
      string,
      number,
      string,
      string,
      number,
      string,
    ];
    const base = { entryId, concertId, userId, position };
    if (completed === '1') return { ...base, status: 'COMPLETED', peopleAhead: 0, estimatedWaitSeconds: 0 };
    if (position > serving) {
      const rate = this.#rate(measuredRate);
      return {
        ...base,
        status: 'WAITING',
        peopleAhead: position - serving - 1,
        estimatedWaitSeconds: Math.ceil((position - serving) / rate),
      };
    }
    const until = admittedUntil === '' ? undefined : Number(admittedUntil);
    if (until !== undefined && until > now) {
      return { ...base, status: 'ADMITTED', peopleAhead: 0, estimatedWaitSeconds: 0, admittedUntil: until };
    }
    return { ...base, status: 'EXPIRED', peopleAhead: 0, estimatedWaitSeconds: 0 };
  }

  /**
   * Admissions per second used for estimates: the measured rate (the configured one until a
   * measurement exists), but never below cap / window, the rate the room admits at least
   * while users wait, since every admitted user leaves within the window.
   */
  #rate(measured: string): number {
    const s = this.#settings;
    const floor = Math.min(s.admitPerSecond, (s.maxAdmitted * 1000) / s.admissionWindowMs);
    const value = measured === '' ? s.admitPerSecond : Number(measured);
    return Math.max(Number.isFinite(value) ? value : s.admitPerSecond, floor);
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw toRedisUnavailable(error);
    }
  }
}

function tickReply(reply: unknown): [number, number, number, number, number] {
  if (!Array.isArray(reply) || reply.length !== 5 || !reply.every((v) => typeof v === 'number')) {
    throw new TypeError(`unexpected waiting-room tick reply: ${JSON.stringify(reply)}`);
  }
  return reply as [number, number, number, number, number];
}
