export const paymentStreamCategory = 'payment';

/** Keyed by reservation, not payment: one stream per reservation is what allows at most one completed payment. */
export function paymentStreamId(reservationId: string): string {
  return `${paymentStreamCategory}-${reservationId}`;
}
