import { createHash, randomUUID } from 'node:crypto';

/**
 * The id of a wallet charge. With an Idempotency-Key it is derived from the user and the key,
 * so every run of one request (a gateway retry after a 504, a takeover of an abandoned key)
 * carries the same id, and the wallet decider recognises the repeat and charges once. Without
 * a key (a caller inside the system) each request is a charge of its own.
 */
export function chargeIdOf(userId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`wallet-charge\n${userId}\n${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
