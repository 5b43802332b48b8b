import { randomBytes } from 'node:crypto';

/** A suffix that keeps one test's streams, subjects, durables, tables and checkpoints apart from every other's. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
