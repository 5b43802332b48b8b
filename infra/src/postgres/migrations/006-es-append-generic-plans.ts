import type { Knex } from 'knex';

/**
 * es_append and es_append_many plan their statements once per connection instead of once per call.
 *
 * PL/pgSQL plans a statement with the call's values (a custom plan) until a generic plan looks
 * no dearer. Here it never did: the generic plan guesses 1,000 rows for generate_series(1, n)
 * where the custom one sees n = 1, so every append planned its INSERT anew. Timed in one
 * session, 2,000 es_append calls in a loop (no commits) took 0.65-0.77 of the time once generic
 * plans were forced (four rounds, alternated). The plans do not depend on the values: an index
 * probe on the stream and an insert.
 */
export const name = '006-es-append-generic-plans';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER FUNCTION es_append(text, text, uuid[], text[], jsonb[], jsonb[])
      SET plan_cache_mode = force_generic_plan;
    ALTER FUNCTION es_append_many(text[], text[], int[], uuid[], text[], jsonb[], jsonb[])
      SET plan_cache_mode = force_generic_plan;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER FUNCTION es_append(text, text, uuid[], text[], jsonb[], jsonb[]) RESET plan_cache_mode;
    ALTER FUNCTION es_append_many(text[], text[], int[], uuid[], text[], jsonb[], jsonb[]) RESET plan_cache_mode;
  `);
}
