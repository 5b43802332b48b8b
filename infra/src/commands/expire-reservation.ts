import { reservationDecider, reservationStreamId } from '@concert/domain';
import type { GlobalPosition } from '../event-store/global-position.js';
import type { CommandContext } from './command-context.js';
import { handleCommand } from './handle-command.js';
import { releaseSeats } from './hold-seats.js';

export type ExpiryOutcome = 'expired' | 'already-expired' | 'not-expirable';

/**
 * The expiry saga's timeout command. ReservationExpired is appended with the revision read,
 * so it loses to a confirmation that came first (and a late confirmation loses to it); only
 * then are the seats released (the release rule). Running it again finishes a release that a
 * crash interrupted; on a confirmed or cancelled reservation it does nothing.
 * Throws hold-not-expired before the deadline.
 */
export async function expireReservation(
  ctx: CommandContext,
  reservationId: string,
): Promise<{ outcome: ExpiryOutcome; position: GlobalPosition | undefined }> {
  const result = await handleCommand(
    ctx,
    reservationStreamId(reservationId),
    reservationDecider,
    { type: 'ExpireReservation', data: { reservationId, now: ctx.now() } },
    { maxRetries: 3 },
  );
  if (result.state.status !== 'Expired') return { outcome: 'not-expirable', position: undefined };
  const hold = result.state.hold;
  const released = hold ? await releaseSeats(ctx, hold.scheduleId, hold.seatIds, reservationId, 'expired') : undefined;
  return {
    outcome: result.events.length > 0 ? 'expired' : 'already-expired',
    position: released ?? result.position,
  };
}
