import { reservationDecider, reservationStreamId, seatDecider, seatStreamId, type DomainEvent } from '@concert/domain';
import {
  WrongExpectedVersion,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
  type StreamWrite,
} from '@concert/infra';
import { metadataFor, type CommandContext } from '../command-loop/command-context.js';
import { foldStream, handleCommand } from '../command-loop/handle-command.js';
import { releaseSeats } from '../hold-seats/hold-seats.js';

export type ExpiryOutcome = 'expired' | 'already-expired' | 'not-expirable';

export interface Expiry {
  outcome: ExpiryOutcome;
  position: GlobalPosition | undefined;
}

/** Re-decisions after a conflict (a payment or a cancel writing the reservation meanwhile). */
const MAX_EXPIRY_RETRIES = 3;

/**
 * The expiry saga's timeout command. ReservationExpired is appended with the revision read,
 * so it loses to a confirmation that came first (and a late confirmation loses to it); the
 * seats are released with it or after it, never before (the release rule). Running it again
 * finishes a release that a crash interrupted; on a confirmed or cancelled reservation it does
 * nothing. Throws hold-not-expired before the deadline.
 *
 * On a store that appends to several streams in one transaction (PostgreSQL), the expiry and
 * its seat releases are one commit: two reads and one write instead of a read and a write per
 * stream. Elsewhere (EventStoreDB), the reservation first, then each seat.
 */
export async function expireReservation(ctx: CommandContext, reservationId: string): Promise<Expiry> {
  const appendMany = ctx.store.appendMany?.bind(ctx.store);
  return appendMany ? expireAtomically(ctx, appendMany, reservationId) : expireSequentially(ctx, reservationId);
}

async function expireSequentially(ctx: CommandContext, reservationId: string): Promise<Expiry> {
  const result = await handleCommand(
    ctx,
    reservationStreamId(reservationId),
    reservationDecider,
    { type: 'ExpireReservation', data: { reservationId, now: ctx.now() } },
    { maxRetries: MAX_EXPIRY_RETRIES },
  );
  if (result.state.status !== 'Expired') return { outcome: 'not-expirable', position: undefined };
  const hold = result.state.hold;
  const released = hold ? await releaseSeats(ctx, hold.scheduleId, hold.seatIds, reservationId, 'expired') : undefined;
  return {
    outcome: result.events.length > 0 ? 'expired' : 'already-expired',
    position: released ?? result.position,
  };
}

async function expireAtomically(
  ctx: CommandContext,
  appendMany: NonNullable<EventStore['appendMany']>,
  reservationId: string,
): Promise<Expiry> {
  for (let attempt = 0; ; attempt++) {
    const plan = planExpiry(ctx, reservationId, await ctx.store.readStream(reservationStreamId(reservationId)));
    if (plan.outcome === 'not-expirable') return { outcome: plan.outcome, position: undefined };
    const writes = planReleases(ctx, plan, await ctx.store.readStreams(plan.seatStreams));
    if (writes.length === 0) return { outcome: plan.outcome, position: undefined };
    try {
      const results = await appendMany(writes);
      await releaseLocks(ctx, plan);
      return { outcome: plan.outcome, position: results[results.length - 1]!.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= MAX_EXPIRY_RETRIES) throw error;
      ctx.onConflictRetry?.(error.streamId);
    }
  }
}

/** One reservation's expiry, decided from its stream: what to write to it, and which seat streams to read next. */
export interface ExpiryPlan {
  reservationId: string;
  outcome: ExpiryOutcome;
  now: Date;
  /** ReservationExpired, unless it is written already. */
  writes: StreamWrite[];
  hold: { scheduleId: string; seatIds: readonly string[] } | undefined;
  seatStreams: string[];
}

/** Throws hold-not-expired before the deadline (the decider's refusal). */
export function planExpiry(ctx: CommandContext, reservationId: string, recorded: readonly RecordedEvent[]): ExpiryPlan {
  const reservation = foldStream(reservationDecider, recorded);
  const now = ctx.now();
  const expired = reservationDecider.decide(
    { type: 'ExpireReservation', data: { reservationId, now } },
    reservation.state,
  );
  const state = expired.reduce(reservationDecider.evolve, reservation.state);
  const hold = state.status === 'Expired' ? (state.hold ?? undefined) : undefined;
  return {
    reservationId,
    outcome: state.status !== 'Expired' ? 'not-expirable' : expired.length > 0 ? 'expired' : 'already-expired',
    now,
    writes:
      expired.length > 0
        ? [
            {
              streamId: reservationStreamId(reservationId),
              events: toNew(ctx, expired, now),
              expectedRevision: reservation.revision,
            },
          ]
        : [],
    hold,
    seatStreams: hold ? hold.seatIds.map((seatId) => seatStreamId(hold.scheduleId, seatId)) : [],
  };
}

/** The plan's writes in release-rule order: ReservationExpired first, then each seat still held by this reservation. */
export function planReleases(
  ctx: CommandContext,
  plan: ExpiryPlan,
  seats: ReadonlyMap<string, readonly RecordedEvent[]>,
): StreamWrite[] {
  const writes = [...plan.writes];
  const { hold, reservationId } = plan;
  if (!hold) return writes;
  hold.seatIds.forEach((seatId, i) => {
    const streamId = plan.seatStreams[i]!;
    const seat = foldStream(seatDecider, seats.get(streamId) ?? []);
    const released = seatDecider.decide(
      { type: 'ReleaseSeat', data: { scheduleId: hold.scheduleId, seatId, reservationId, reason: 'expired' } },
      seat.state,
    );
    if (released.length > 0)
      writes.push({ streamId, events: toNew(ctx, released, plan.now), expectedRevision: seat.revision });
  });
  return writes;
}

/** Frees the Redis marks of the seats a committed expiry released (best effort: they expire anyway). */
export async function releaseLocks(ctx: CommandContext, plan: ExpiryPlan): Promise<void> {
  if (plan.hold)
    await ctx.locks?.release(plan.hold.scheduleId, plan.hold.seatIds, plan.reservationId).catch(() => undefined);
}

function toNew(ctx: CommandContext, events: readonly DomainEvent[], now: Date): NewEvent[] {
  return events.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(ctx, e.type, now) }));
}
