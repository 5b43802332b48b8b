import { DomainError } from '../domain-error.js';

export class ReservationExistsError extends DomainError {
  constructor(reservationId: string) {
    super('reservation-exists', `Reservation ${reservationId} already exists`, { reservationId });
  }
}

export class ReservationNotFoundError extends DomainError {
  constructor(reservationId: string) {
    super('reservation-not-found', `Reservation ${reservationId} does not exist`, { reservationId });
  }
}

export class ReservationNotHeldError extends DomainError {
  constructor(reservationId: string, status: string) {
    super('reservation-not-held', `Reservation ${reservationId} is not held (it is ${status})`, {
      reservationId,
      status,
    });
  }
}

export class ReservationExpiredError extends DomainError {
  constructor(reservationId: string) {
    super('reservation-expired', `Reservation ${reservationId} has expired`, { reservationId });
  }
}

export class HoldNotExpiredError extends DomainError {
  constructor(reservationId: string, expiresAt: string) {
    super('hold-not-expired', `Reservation ${reservationId} is held until ${expiresAt}`, { reservationId, expiresAt });
  }
}
