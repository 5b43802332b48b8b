import {
  DomainError,
  HoldNotExpiredError,
  planHold,
  reservationDecider,
  reservationStreamId,
  seatDecider,
  seatStreamId,
  SeatUnavailableError,
  type PlaceHold,
  type SeatReleaseReason,
} from '@concert/domain';
import { RedisUnavailableError, WrongExpectedVersion, type GlobalPosition, type SeatLocks } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand, PartialWriteError, streamCommand } from '../command-loop/handle-command.js';
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
 * fence'): lock the seats in Redis so that losers are turned away cheaply, then one command over
 * the seat streams and the reservation stream (handleCommand): SeatHeld on each seat and
 * ReservationHeld, each with the revision read (the fence). Where the store has multi-stream
 * transactions (PostgreSQL) that is one commit; elsewhere (EventStoreDB) the seats first, then
 * the reservation, and a failure part-way follows the release rule (releaseAfterFailure). A
 * successful hold keeps its locks (token: the reservation id) until the hold's deadline, so later
 * contenders are refused by Redis alone; releasing the seats frees them (releaseSeats).
 */
export async function holdSeats(ctx: CommandContext, deps: HoldSeatsDeps, input: HoldSeatsInput): Promise<Hold> {
  const seatIds = [...input.seatIds].sort();
  const { amount } = await deps.catalog.priceSeats(input.scheduleId, seatIds);
  const lock = await acquireLocks(ctx.locks, deps, input.scheduleId, seatIds, input.reservationId);
  // Planned once the seats are locked: in an on-sale most attempts are refused by a lock and need no plan.
  let placeHold: PlaceHold;
  try {
    placeHold = planHold({ ...input, seatIds, amount }, ctx.now(), deps.holdDurationMs);
  } catch (error) {
    await lock?.release().catch(() => undefined);
    throw error;
  }
  const { expiresAt } = placeHold.data;
  const hold = (position: GlobalPosition): Hold => ({
    reservationId: input.reservationId,
    scheduleId: input.scheduleId,
    seatIds,
    amount,
    expiresAt,
    position,
  });

  let kept = false;
  try {
    const position = await writeHold(ctx, placeHold);
    kept = keepLocks(lock, expiresAt.getTime() - ctx.now().getTime());
    return hold(position);
  } catch (error) {
    const stood = await releaseAfterFailure(ctx, placeHold, error);
    // The client hears what went wrong, not where the sequential path stopped.
    if (stood === undefined) throw error instanceof PartialWriteError ? error.cause : error;
    kept = keepLocks(lock, expiresAt.getTime() - ctx.now().getTime());
    return hold(stood);
  } finally {
    if (!kept) await lock?.release().catch(() => undefined);
  }
}

/** SeatHeld on every seat, then ReservationHeld: one command over all the streams. Returns the position of ReservationHeld. */
async function writeHold(ctx: CommandContext, placeHold: PlaceHold): Promise<GlobalPosition> {
  const { reservationId, scheduleId, seatIds, expiresAt: holdExpiresAt } = placeHold.data;
  const seatStreams = seatIds.map((seatId) => seatStreamId(scheduleId, seatId));
  try {
    const held = await handleCommand(
      ctx,
      [
        ...seatIds.map((seatId, i) =>
          streamCommand(
            seatStreams[i]!,
            seatDecider,
            { type: 'HoldSeat', data: { scheduleId, seatId, reservationId, holdExpiresAt } },
            // Most holds take a seat nobody held before: decide on that without reading it.
            { presumedNew: true },
          ),
        ),
        // A reservation id is new by construction.
        streamCommand(reservationStreamId(reservationId), reservationDecider, placeHold, { presumedNew: true }),
      ],
      // A conflict means someone else wrote a seat meanwhile: decide once more on what they wrote.
      { maxRetries: MAX_HOLD_RETRIES, combineRefusals: unavailableSeats },
    );
    return held.position!;
  } catch (error) {
    // Still contended after the retries: another buyer keeps writing that seat.
    const conflict = error instanceof PartialWriteError ? error.cause : error;
    const seatIndex = conflict instanceof WrongExpectedVersion ? seatStreams.indexOf(conflict.streamId) : -1;
    if (seatIndex < 0) throw error;
    const unavailable = new SeatUnavailableError([seatIds[seatIndex]!]);
    throw error instanceof PartialWriteError
      ? new PartialWriteError(error.written, error.failedStreamId, unavailable)
      : unavailable;
  }
}

/** Several seats refused at once: one seat-unavailable naming them all. */
function unavailableSeats(refusals: readonly unknown[]): unknown {
  const seatIds: string[] = [];
  for (const refusal of refusals) {
    if (!(refusal instanceof DomainError && refusal.code === 'seat-unavailable')) return refusal;
    seatIds.push(...((refusal.details as { seatIds: string[] }).seatIds ?? []));
  }
  return new SeatUnavailableError(seatIds);
}

/**
 * After a sequential hold failed part-way (the atomic one is all or nothing: nothing to undo).
 * A failed seat: ReservationHeld was never attempted, so the seats this hold got are simply
 * released. A failed ReservationHeld may have committed (a deadline exceeded, a connection lost
 * during the commit), so the release rule applies: the reservation is made terminal first
 * (ReservationExpired, expected no stream, as the saga does for orphan seats) and the seats are
 * released only once that succeeded. If it fails because the reservation exists and is held,
 * the ambiguous append did commit: the hold stands and its position is returned. If it fails
 * otherwise (the store is down), nothing is released: the saga frees the seats at their deadline.
 * The original error is rethrown by the caller whenever undefined is returned.
 */
async function releaseAfterFailure(
  ctx: CommandContext,
  placeHold: PlaceHold,
  error: unknown,
): Promise<GlobalPosition | undefined> {
  if (!(error instanceof PartialWriteError)) return undefined;
  const { reservationId, scheduleId, seatIds } = placeHold.data;
  const reservationStream = reservationStreamId(reservationId);
  if (error.failedStreamId === reservationStream) {
    const terminal = await handleCommand(
      ctx,
      reservationStream,
      reservationDecider,
      // On an empty stream: ReservationExpired with expected revision no-stream.
      { type: 'ExpireReservation', data: { reservationId, now: ctx.now() } },
      { maxRetries: 1 },
    ).then(
      (expired) => expired.state.status,
      (expiryError: unknown) => (expiryError instanceof HoldNotExpiredError ? ('Held' as const) : undefined),
    );
    if (terminal === 'Held') {
      const [held] = await ctx.store.readStream(reservationStream, { maxCount: 1 });
      return held!.position;
    }
    if (terminal !== 'Expired') return undefined;
  }
  await releaseSeats(ctx, scheduleId, seatIds, reservationId, 'hold-failed');
  return undefined;
}
/**
 * Keeps the locks until the hold's deadline; false when there is nothing to keep (the caller then
 * releases them). Best effort, so not waited for: the hold is decided; a keep that arrives after
 * the hold was released finds no lock with its token and does nothing; and if Redis fails here
 * the locks expire after lockTtlMs while the streams still refuse the seats.
 */
function keepLocks(lock: { keep(ttlMs: number): Promise<void> } | undefined, ttlMs: number): boolean {
  if (!lock || ttlMs <= 0) return false;
  lock.keep(ttlMs).catch(() => undefined);
  return true;
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
