import type { Knex } from 'knex';

/**
 * The fence between a projection's live projector and a rebuild of it (docs/architecture.md, 'Facts
 * the code relies on'): every live transaction of the projection holds this advisory lock shared, a
 * rebuild's swap holds it exclusively. So the swap waits for the batch in hand, and the projector's
 * next batch waits for the swap, then finds the moved checkpoint and the new tables. Both take it
 * first in their transaction, before the checkpoint row, so they cannot deadlock.
 */
export async function lockProjectionShared(trx: Knex.Transaction, projection: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))', [lockName(projection)]);
}

export async function lockProjectionExclusive(trx: Knex.Transaction, projection: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [lockName(projection)]);
}

function lockName(projection: string): string {
  return `projection:${projection}`;
}
