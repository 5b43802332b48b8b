/**
 * One runner per payment (defect 12.4): the request path and payment recovery both run a
 * payment under its lock, so two runs of it never interleave. The lock only spares the
 * work; the fence is in the steps (a failure is decided on a terminal reservation).
 * PostgresAdvisoryLock (infra) is the adapter.
 */
export interface PaymentLock {
  /** Runs `work` while holding the lock of `key`; 'busy', without running it, when another runner holds it. */
  whileHeld<T>(key: string, work: () => Promise<T>): Promise<T | 'busy'>;
}

/** The lock key of a reservation's payment. */
export function paymentLockKey(reservationId: string): string {
  return `payment:${reservationId}`;
}
