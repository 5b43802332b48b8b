import knexFactory, { type Knex } from 'knex';

/**
 * The run's database (mocha global setup creates and migrates it). Call inside `before()`:
 * DATABASE_URL is only set once the global setup has run.
 */
export function openDatabase(): Knex {
  const connection = process.env.DATABASE_URL;
  if (!connection) throw new Error('DATABASE_URL is not set: run through mocha with the global setup');
  return knexFactory({ client: 'pg', connection, pool: { min: 0, max: 2 } });
}
