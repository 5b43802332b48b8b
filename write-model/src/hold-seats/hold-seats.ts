import {
  DomainError,
  reservationDecider,
  reservationStreamId,
  seatDecider,
  seatStreamId,
  SeatUnavailableError,
  type DomainEvent,
  type PlaceHold,
  type SeatReleaseReason,
} from '@concert/domain';
import {
  RedisUnavailableError,
  WrongExpectedVersion,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type SeatLocks,
  type StreamWrite,
} from '@concert/infra';
import { metadataFor, type CommandContext } from '../command-loop/command-context.js';
import { foldStream, handleCommand } from '../command-loop/handle-command.js';
import type { ScheduleCatalog } from '../command-loop/schedule-catalog.js';

/** Re-decisions after a conflict before a hold gives up on a contended seat. */
const MAX_HOLD_RETRIES = 2;

export interface HoldSeatsDeps {
  catalog: ScheduleCatalog;
  holdDurationMs: number;
  /** How long a seat lock lives if its holder dies before the hold is decided. */
  lockTtlMs: number;
  onLockBypassed?: (error: RedisUnavailableError) => void;
  onLockContended?: () => void;
  /**
   * `atomic` (default): when the store can append to several streams in one transaction
   * (PostgreSQL), the seats and the reservation are read in one query and written in one
   * transaction. `sequential`: one stream at a time, with compensation on failure (the
   * only way on EventStoreDB).
   */
  writePath?: 'atomic' | 'sequential';
}

export interface HoldSeatsInput {
  reservationId: string;
  userId: string;
  scheduleId: string;
  seatIds: readonly string[];
}

export interface Hold {
  reservationId: string;
  scheduleId: string;
  seatIds: string[];
  amount: number;
  expiresAt: Date;
  position: GlobalPosition;
}

/**
 * Holds 1-4 seats of one schedule, all or nothing (docs/architecture.md, 'Contention: lock, then
 * fence'): lock the seats in Redis so that losers are turned away cheaply, append SeatHeld to each
 * seat stream with the revision read (the fence), then append ReservationHeld. Seats held by a
 * failed attempt are released before answering. A successful hold keeps its locks (token: the
 * reservation id) until the hold's deadline, so later contenders are refused by Redis alone;
 * releasing the seats frees them (releaseSeats).
 */
export async function holdSeats(ctx: CommandContext, deps: HoldSeatsDeps, input: HoldSeatsInput): Promise<Hold> {
  const seatIds = [...input.seatIds].sort();
  const { amount } = await deps.catalog.priceSeats(input.scheduleId, seatIds);
  const expiresAt = new Date(ctx.now().getTime() + deps.holdDurationMs);
  const placeHold = { type: 'PlaceHold' as const, data: { ...input, seatIds, amount, expiresAt } };
  // Decided once on an empty stream before any seat is touched: a reservation the rules
  // would refuse (a bad user id, an amount out of range) must not leave seat events behind.
  reservationDecider.decide(placeHold, reservationDecider.initialState());

  const lock = await acquireLocks(ctx.locks, deps, input.scheduleId, seatIds, input.reservationId);
  let kept = false;
  try {
    const appendMany = deps.writePath === 'sequential' ? undefined : ctx.store.appendMany?.bind(ctx.store);
    if (appendMany) {
      const position = await holdAtomically(ctx, appendMany, input.scheduleId, seatIds, expiresAt, placeHold);
      kept = await keepLocks(lock, expiresAt.getTime() - ctx.now().getTime());
      return { reservationId: input.reservationId, scheduleId: input.scheduleId, seatIds, amount, expiresAt, position };
    }
    const attempts = await Promise.allSettled(
      seatIds.map((seatId) =>
        handleCommand(
          ctx,
          seatStreamId(input.scheduleId, seatId),
          seatDecider,
          {
            type: 'HoldSeat',
            data: { scheduleId: input.scheduleId, seatId, reservationId: input.reservationId, holdExpiresAt: expiresAt },
          },
          // A conflict means someone else wrote the seat: decide once more on what they wrote.
          { maxRetries: 1 },
        ),
      ),
    );
    const held = seatIds.filter((_, i) => attempts[i]!.status === 'fulfilled');
    const failure = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failure) {
      await releaseSeats(ctx, input.scheduleId, held, input.reservationId, 'hold-failed');
      const unavailable = seatIds.filter((_, i) => isUnavailable(attempts[i]!));
      if (unavailable.length > 0) throw new SeatUnavailableError(unavailable);
      throw failure.reason;
    }

    try {
      const placed = await handleCommand(ctx, reservationStreamId(input.reservationId), reservationDecider, placeHold);
      kept = await keepLocks(lock, expiresAt.getTime() - ctx.now().getTime());
      return { reservationId: input.reservationId, scheduleId: input.scheduleId, seatIds, amount, expiresAt, position: placed.position! };
    } catch (error) {
      await releaseSeats(ctx, input.scheduleId, seatIds, input.reservationId, 'hold-failed');
      throw error;
    }
  } finally {
    if (!kept) await lock?.release().catch(() => undefined);
  }
}

/**
 * The one-transaction hold: read every seat stream and the reservation stream in one query,
 * decide, and append all of it at once, each stream with the revision read. A conflict
 * means someone wrote one of them meanwhile: decide once more on what they wrote.
 */
async function holdAtomically(
  ctx: CommandContext,
  appendMany: NonNullable<EventStore['appendMany']>,
  scheduleId: string,
  seatIds: readonly string[],
  holdExpiresAt: Date,
  placeHold: PlaceHold,
): Promise<GlobalPosition> {
  const reservationId = placeHold.data.reservationId;
  const seatStreams = seatIds.map((seatId) => seatStreamId(scheduleId, seatId));
  const reservationStream = reservationStreamId(reservationId);
  for (let attempt = 0; ; attempt++) {
    const streams = await ctx.store.readStreams([...seatStreams, reservationStream]);
    const occurredAt = ctx.now();
    const toNew = (events: readonly DomainEvent[]): NewEvent[] =>
      events.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(ctx, e.type, occurredAt) }));
    const writes: StreamWrite[] = [];
    const unavailable: string[] = [];
    seatIds.forEach((seatId, i) => {
      const { state, revision } = foldStream(seatDecider, streams.get(seatStreams[i]!) ?? []);
      try {
        const events = seatDecider.decide({ type: 'HoldSeat', data: { scheduleId, seatId, reservationId, holdExpiresAt } }, state);
        writes.push({ streamId: seatStreams[i]!, events: toNew(events), expectedRevision: revision });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'seat-unavailable')) throw error;
        unavailable.push(seatId);
      }
    });
    if (unavailable.length > 0) throw new SeatUnavailableError(unavailable);
    const reservation = foldStream(reservationDecider, streams.get(reservationStream) ?? []);
    const held = reservationDecider.decide(placeHold, reservation.state);
    writes.push({ streamId: reservationStream, events: toNew(held), expectedRevision: reservation.revision });
    try {
      const results = await appendMany(writes);
      return results[results.length - 1]!.position;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      const seatIndex = seatStreams.indexOf(error.streamId);
      // Still contended after retries: another buyer keeps writing that seat.
      if (attempt >= MAX_HOLD_RETRIES && seatIndex >= 0) throw new SeatUnavailableError([seatIds[seatIndex]!]);
      if (attempt >= MAX_HOLD_RETRIES) throw error;
      ctx.onConflictRetry?.(error.streamId);
    }
  }
}

/** Best effort: if Redis fails here, the locks expire after lockTtlMs and the streams still refuse the seats. */
async function keepLocks(lock: { keep(ttlMs: number): Promise<void> } | undefined, ttlMs: number): Promise<boolean> {
  if (!lock || ttlMs <= 0) return false;
  return lock.keep(ttlMs).then(
    () => true,
    () => false,
  );
}

/** Refused by the seat's rules, or its stream kept changing under us: either way someone else has it. */
function isUnavailable(attempt: PromiseSettledResult<unknown>): boolean {
  if (attempt.status !== 'rejected') return false;
  const reason: unknown = attempt.reason;
  return reason instanceof WrongExpectedVersion || (reason instanceof DomainError && reason.code === 'seat-unavailable');
}

async function acquireLocks(
  locks: SeatLocks | undefined,
  deps: HoldSeatsDeps,
  scheduleId: string,
  seatIds: string[],
  token: string,
): Promise<{ release(): Promise<void>; keep(ttlMs: number): Promise<void> } | undefined> {
  if (!locks) return undefined;
  try {
    const result = await locks.acquire(scheduleId, seatIds, deps.lockTtlMs, token);
    if (!result.ok) {
      deps.onLockContended?.();
      throw new SeatUnavailableError(result.taken);
    }
    return result;
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    // Redis only saves work; the stream revisions still guarantee a single holder.
    deps.onLockBypassed?.(error);
    return undefined;
  }
}

/** Releases seats this reservation holds; a no-op for any seat it does not hold. */
export async function releaseSeats(
  ctx: CommandContext,
  scheduleId: string,
  seatIds: readonly string[],
  reservationId: string,
  reason: SeatReleaseReason,
): Promise<GlobalPosition | undefined> {
  let last: GlobalPosition | undefined;
  for (const seatId of seatIds) {
    const released = await handleCommand(
      ctx,
      seatStreamId(scheduleId, seatId),
      seatDecider,
      { type: 'ReleaseSeat', data: { scheduleId, seatId, reservationId, reason } },
      { maxRetries: 3 },
    );
    last = released.position ?? last;
  }
  // The Redis marks of this hold go too (only those still carrying its token).
  await ctx.locks?.release(scheduleId, seatIds, reservationId).catch(() => undefined);
  return last;
}
