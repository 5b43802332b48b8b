import { HttpProblem } from './problem.js';
import { validationProblem } from './common-problems.js';
import type { Request } from 'express';

/** docs/api.md, 'Headers': 1..255 characters; printable ASCII keeps it safe to store, log and compare. */
const KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The request's Idempotency-Key, or undefined when absent and not required.
 * Throws the contract's problems: 400 `idempotency-key-required`, 400 `validation`.
 */
export function idempotencyKeyOf(req: Request, required: boolean): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    if (!required) return undefined;
    throw new HttpProblem({
      status: 400,
      code: 'idempotency-key-required',
      detail: `${req.method} ${req.path} requires an Idempotency-Key header (a unique value per operation, reused on retries)`,
    });
  }
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw validationProblem('Idempotency-Key must be 1 to 255 printable ASCII characters', [
      { path: 'headers.idempotency-key', message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return key;
}
