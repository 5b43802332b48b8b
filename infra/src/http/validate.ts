import type { Request } from 'express';
import type { z } from 'zod';
import type { FieldError } from './common-problems.js';
import { validationProblem } from './common-problems.js';

/**
 * Request validation with zod: each helper returns the parsed value or throws a 400
 * `validation` problem listing every failing field, so a client fixes all of them at once.
 */

export function parseBody<S extends z.ZodType>(schema: S, req: Pick<Request, 'body'>): z.output<S> {
  return parseOrThrow(schema, req.body, 'request body is invalid');
}

export function parseParams<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseOrThrow(schema, req.params, 'path parameters are invalid');
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseOrThrow(schema, req.query, 'query parameters are invalid');
}

/** Header names arrive lower-cased; the schema must name them that way. */
export function parseHeaders<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseOrThrow(schema, req.headers, 'request headers are invalid');
}

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, detail: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationProblem(detail, fieldErrors(result.error.issues));
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    // `.strict()` reports all unknown keys in one issue at the parent; naming each key
    // points the client at the exact field to remove.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown field' }));
    }
    return [{ path: pathOf(issue.path), message: issue.message }];
  });
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}
