import { DomainError } from '../domain-error.js';

export class SeatUnavailableError extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('seat-unavailable', `Seat ${seatIds.join(', ')} is not available`, { seatIds });
  }
}

export class SeatNotHeldError extends DomainError {
  constructor(seatId: string, reservationId: string) {
    super('seat-not-held', `Seat ${seatId} is not held by reservation ${reservationId}`, {
      seatIds: [seatId],
      reservationId,
    });
  }
}
