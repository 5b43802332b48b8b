/**
 * Stable codes that callers branch on and map to HTTP in one place per service.
 * A code is an API contract: rename it only with the clients.
 */
export type DomainErrorCode =
  | 'validation'
  | 'forbidden'
  | 'concert-exists'
  | 'concert-not-found'
  | 'schedule-exists'
  | 'schedule-not-found'
  | 'seat-not-found'
  | 'seat-unavailable'
  | 'seat-not-held'
  | 'reservation-exists'
  | 'reservation-not-found'
  | 'reservation-not-held'
  | 'reservation-expired'
  | 'hold-not-expired'
  | 'payment-in-progress'
  | 'payment-not-requested'
  | 'payment-not-completed'
  | 'payment-id-reused'
  | 'payment-refunded'
  | 'already-paid'
  | 'insufficient-funds';

export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * A refusal by the business rules: the command was understood and is not allowed now. An answer,
 * not a fault: it carries no stack trace (capturing one was ~1% of a command-api's CPU in an
 * on-sale, where most holds are refused).
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: DomainErrorCode, message: string, details?: ErrorDetails) {
    const stackFrames = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackFrames;
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: ErrorDetails) {
    super('validation', message, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, details?: ErrorDetails) {
    super('forbidden', message, details);
  }
}
