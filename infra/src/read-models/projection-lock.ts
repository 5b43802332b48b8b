import type { Knex } from 'knex';

/**
 * The fence between a projection's live projector and a rebuild of it (docs/architecture.md, 'Facts
 * the code relies on'): every live transaction of the projection holds this advisory lock shared, a
 * rebuild's swap holds it exclusively. So the swap waits for the batch in hand, and the projector's
 * next batch waits for the swap, then finds the moved checkpoint and the new tables. Both take it
 * first in their transaction, before the checkpoint row, so they cannot deadlock.
 */
export async function lockProjectionShared(trx: Knex.Transaction, projection: string): Promise<void> {
  await trx.raw(`SELECT ${SHARED_FENCE_SQL}`, [lockName(projection)]);
}

/**
 * The shared fence as an SQL expression with one binding (`projectionFenceKey`), for a caller
 * that takes it in the same statement as its next lock (one round trip instead of two).
 */
export const SHARED_FENCE_SQL = 'pg_advisory_xact_lock_shared(hashtextextended(?, 0))';

/** The binding of SHARED_FENCE_SQL for a projection. */
export function projectionFenceKey(projection: string): string {
  return lockName(projection);
}

export async function lockProjectionExclusive(trx: Knex.Transaction, projection: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [lockName(projection)]);
}

function lockName(projection: string): string {
  return `projection:${projection}`;
}
