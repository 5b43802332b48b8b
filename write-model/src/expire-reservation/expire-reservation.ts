import { reservationDecider, reservationStreamId, seatDecider, seatStreamId, type DomainEvent } from '@concert/domain';
import { WrongExpectedVersion, type EventStore, type GlobalPosition, type NewEvent, type StreamWrite } from '@concert/infra';
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
  const reservationStream = reservationStreamId(reservationId);
  for (let attempt = 0; ; attempt++) {
    const reservation = foldStream(reservationDecider, await ctx.store.readStream(reservationStream));
    const now = ctx.now();
    const expired = reservationDecider.decide({ type: 'ExpireReservation', data: { reservationId, now } }, reservation.state);
    const state = expired.reduce(reservationDecider.evolve, reservation.state);
    if (state.status !== 'Expired') return { outcome: 'not-expirable', position: undefined };
    const outcome: ExpiryOutcome = expired.length > 0 ? 'expired' : 'already-expired';
    const toNew = (events: readonly DomainEvent[]): NewEvent[] =>
      events.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(ctx, e.type, now) }));

    const writes: StreamWrite[] = [];
    if (expired.length > 0) writes.push({ streamId: reservationStream, events: toNew(expired), expectedRevision: reservation.revision });
    const hold = state.hold;
    if (hold) {
      const seatStreams = hold.seatIds.map((seatId) => seatStreamId(hold.scheduleId, seatId));
      const seats = await ctx.store.readStreams(seatStreams);
      hold.seatIds.forEach((seatId, i) => {
        const seat = foldStream(seatDecider, seats.get(seatStreams[i]!) ?? []);
        const released = seatDecider.decide(
          { type: 'ReleaseSeat', data: { scheduleId: hold.scheduleId, seatId, reservationId, reason: 'expired' } },
          seat.state,
        );
        if (released.length > 0) writes.push({ streamId: seatStreams[i]!, events: toNew(released), expectedRevision: seat.revision });
      });
    }
    if (writes.length === 0) return { outcome, position: undefined };
    try {
      const results = await appendMany(writes);
      if (hold) await ctx.locks?.release(hold.scheduleId, hold.seatIds, reservationId).catch(() => undefined);
      return { outcome, position: results[results.length - 1]!.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= MAX_EXPIRY_RETRIES) throw error;
      ctx.onConflictRetry?.(error.streamId);
    }
  }
}
