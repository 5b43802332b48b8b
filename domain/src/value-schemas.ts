import { z } from 'zod';

/**
 * Ids we mint (concert, schedule, reservation, payment, charge). No `.` because a seat
 * stream id joins scheduleId and seatId with one, and it must split back unambiguously.
 */
export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, _ or -');

/** User ids come from the identity provider, so they are only bounded, not shaped. */
export const userIdSchema = z.string().min(1).max(128).regex(/^\S+$/, 'expected no whitespace');

/** A label printed on a ticket, such as `A-12`. */
export const seatIdSchema = z
  .string()
  .max(16)
  .regex(/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/, 'expected a short label such as A-12');

/** Money in the smallest currency unit: integers keep sums exact. */
export const amountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export function hasNoDuplicates(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

/** Seats of one schedule, each at most once: a seat taken twice in one request is a client bug. */
export function seatIdListSchema(min: number, max: number) {
  return z.array(seatIdSchema).min(min).max(max).refine(hasNoDuplicates, 'seat ids must be distinct');
}
