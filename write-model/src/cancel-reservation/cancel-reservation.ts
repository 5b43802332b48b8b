import { reservationDecider, reservationStreamId } from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand } from '../command-loop/handle-command.js';
import { releaseSeats } from '../hold-seats/hold-seats.js';

/**
 * The owner gives a held reservation up: ReservationCancelled first (so a payment racing it
 * loses), then its seats are released. A crash in between leaves the seats to the expiry
 * saga, which releases seats whose reservation is no longer live.
 */
export async function cancelReservation(
  ctx: CommandContext,
  input: { reservationId: string; userId: string },
): Promise<{ position: GlobalPosition }> {
  const cancelled = await handleCommand(
    ctx,
    reservationStreamId(input.reservationId),
    reservationDecider,
    { type: 'CancelReservation', data: { ...input, now: ctx.now() } },
    { maxRetries: 2 },
  );
  const event = cancelled.events[0]!;
  const seatsReleased =
    event.type === 'ReservationCancelled'
      ? await releaseSeats(ctx, event.data.scheduleId, event.data.seatIds, input.reservationId, 'cancelled')
      : undefined;
  return { position: seatsReleased ?? cancelled.position! };
}
