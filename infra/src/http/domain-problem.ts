import type { DomainError, DomainErrorCode } from '@concert/domain';
import { HttpProblem } from './problem.js';

export type CodeToStatus = Readonly<Partial<Record<string, number>>>;

/**
 * The HTTP face of every domain code (docs/api.md). Typed as a complete record so that a new
 * domain code fails the build here instead of surfacing as a surprise status.
 */
export const DEFAULT_CODE_TO_STATUS: Readonly<Record<DomainErrorCode, number>> = {
  validation: 400,
  forbidden: 403,
  'concert-not-found': 404,
  'schedule-not-found': 404,
  'seat-not-found': 404,
  'reservation-not-found': 404,
  'concert-exists': 409,
  'schedule-exists': 409,
  'reservation-exists': 409,
  'seat-unavailable': 409,
  'seat-not-held': 409,
  'reservation-not-held': 409,
  'reservation-expired': 409,
  'hold-not-expired': 409,
  'payment-in-progress': 409,
  'payment-not-requested': 409,
  'payment-not-completed': 409,
  'payment-id-reused': 409,
  'payment-refunded': 409,
  'already-paid': 409,
  'insufficient-funds': 422,
};

/** A code missing from both maps is still a refusal by the rules, never a server fault. */
const UNMAPPED_STATUS = 409;

export function domainProblem(error: DomainError, codeToStatus: CodeToStatus = {}): HttpProblem {
  const status = codeToStatus[error.code] ?? DEFAULT_CODE_TO_STATUS[error.code] ?? UNMAPPED_STATUS;
  return new HttpProblem({ status, code: error.code, detail: error.message, extra: error.details ?? {} });
}
