import type { SeatHeld, SeatReleased, SeatSold } from '@concert/domain';
import type { SeatRow } from './catalog-rows.js';

export type SeatEvent = SeatHeld | SeatReleased | SeatSold;

/** The part of a seat row that seat events change. */
export type SeatHolding = Pick<SeatRow, 'status' | 'reservation_id' | 'hold_expires_at'>;

/**
 * The seat rule of domain/src/seat/state.ts, on read-model rows: a hold or a sale always
 * applies, a release only frees a seat that the same reservation holds (a stray release must
 * never put a sold seat or another buyer's hold back on sale). Returns undefined when the row
 * stays as it is, so that counters and caches are only touched by real changes.
 */
export function nextHolding(current: SeatHolding, event: SeatEvent): SeatHolding | undefined {
  const next = afterEvent(current, event);
  return sameHolding(current, next) ? undefined : next;
}

function afterEvent(current: SeatHolding, event: SeatEvent): SeatHolding {
  switch (event.type) {
    case 'SeatHeld':
      return {
        status: 'HELD',
        reservation_id: event.data.reservationId,
        hold_expires_at: new Date(event.data.holdExpiresAt),
      };
    case 'SeatReleased':
      if (current.status !== 'HELD' || current.reservation_id !== event.data.reservationId) return current;
      return { status: 'AVAILABLE', reservation_id: null, hold_expires_at: null };
    case 'SeatSold':
      return { status: 'SOLD', reservation_id: event.data.reservationId, hold_expires_at: null };
  }
}

function sameHolding(a: SeatHolding, b: SeatHolding): boolean {
  return (
    a.status === b.status &&
    a.reservation_id === b.reservation_id &&
    (a.hold_expires_at?.getTime() ?? null) === (b.hold_expires_at?.getTime() ?? null)
  );
}
