import type { z } from 'zod';

/** Turns the data of one schema version into the data of the next one. */
export interface Upcaster {
  upcast(data: unknown): unknown;
}

/**
 * The old version's schema is kept next to its upcaster: data is checked against the shape it
 * was written with, so a broken old event is reported as such, not as a confusing v2 error.
 */
export function defineUpcaster<Old extends z.ZodType, Next>(
  oldSchema: Old,
  upcast: (data: z.output<Old>) => Next,
): Upcaster {
  return {
    upcast(data: unknown): unknown {
      return upcast(oldSchema.parse(data));
    },
  };
}
