import type { z } from 'zod';
import { ValidationError } from './domain-error.js';

/**
 * Deciders validate the event data they are about to emit against the event's own schema,
 * so that an event the registry would refuse on read can never be written.
 */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(`Invalid ${what}`, {
    // `errors`, as in the HTTP problem of any other validation failure.
    errors: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  });
}
