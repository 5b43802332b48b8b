import { z } from 'zod';
import { ValidationError } from './domain-error.js';

/** Instants travel in event data as ISO-8601 strings, so they survive JSON unchanged. */
export const instantSchema = z.iso.datetime({ offset: true });

/** An invalid Date would compare false against every deadline and so slip past it: refuse it. */
export function toInstant(date: Date, field: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`${field} is not a valid instant`, { field });
  }
  return date.toISOString();
}

export function isAtOrAfter(now: Date, instant: string): boolean {
  return now.getTime() >= Date.parse(instant);
}
