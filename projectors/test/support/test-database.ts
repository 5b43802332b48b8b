import knexFactory, { type Knex } from 'knex';

/** The run's database; call inside `before()` (the mocha global setup sets DATABASE_URL). */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run through mocha with the global setup');
  return url;
}

export function openKnex(): Knex {
  return knexFactory({ client: 'pg', connection: databaseUrl(), pool: { min: 0, max: 4 } });
}
