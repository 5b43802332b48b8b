import type { Projection } from '@concert/infra';
import type { Knex } from 'knex';

/**
 * One rebuild per projection at a time: a session advisory lock per projection on a
 * connection held for the whole run (released with it if the process dies).
 */
export async function lockRebuilds(knex: Knex, projections: readonly Projection[]): Promise<() => Promise<void>> {
  const connection = (await knex.client.acquireConnection()) as {
    query(text: string, values: unknown[]): Promise<{ rows: { locked: boolean }[] }>;
  };
  const release = async (): Promise<void> => {
    await connection.query('SELECT pg_advisory_unlock_all()', []).catch(() => undefined);
    await knex.client.releaseConnection(connection);
  };
  for (const projection of projections) {
    const { rows } = await connection.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [
      `rebuild:${projection.name}`,
    ]);
    if (!rows[0]?.locked) {
      await release();
      throw new Error(`another rebuild of ${projection.name} is running`);
    }
  }
  return release;
}
