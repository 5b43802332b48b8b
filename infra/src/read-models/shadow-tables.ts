import type { Knex } from 'knex';

/** Where the live read models are. */
export const LIVE_SCHEMA = 'public';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A table or schema name that is safe to splice into SQL (lower-case identifier). */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new RangeError(`"${name}" is not a plain lower-case SQL identifier`);
  return name;
}

/** The schema a rebuild of `projection` builds its tables in. */
export function shadowSchemaOf(projection: string): string {
  return identifier(`rebuild_${projection}`);
}

/**
 * Makes unqualified table names resolve to `schema` for the rest of the transaction, so a
 * projection's code writes there unchanged. Only that schema (and pg_catalog): a projection
 * that touched a table outside its own would fail here rather than write to the live one.
 */
export async function useSchema(trx: Knex.Transaction, schema: string): Promise<void> {
  await trx.raw(`SET LOCAL search_path TO ${identifier(schema)}`);
}

export async function schemaExists(knex: Knex | Knex.Transaction, schema: string): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: unknown[] }>('SELECT 1 FROM pg_namespace WHERE nspname = ?', [schema]);
  return rows.length > 0;
}

/**
 * Creates `schema` with an empty copy of each live table: the same columns, defaults and
 * checks (`LIKE ... INCLUDING ALL`), and the same primary keys, unique constraints and
 * indexes under the SAME names, so that once swapped in the tables are indistinguishable from
 * what the migrations made (a later migration may refer to an index by name).
 */
export async function createShadowTables(
  knex: Knex,
  schema: string,
  tables: readonly string[],
  /** More to create in the same transaction (a rebuild's own bookkeeping table). */
  alsoCreate?: (trx: Knex.Transaction) => Promise<void>,
): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw(`CREATE SCHEMA ${identifier(schema)}`);
    for (const table of tables) {
      const live = `${LIVE_SCHEMA}.${identifier(table)}`;
      const shadow = `${schema}.${identifier(table)}`;
      await trx.raw(`CREATE TABLE ${shadow} (LIKE ${live} INCLUDING ALL EXCLUDING INDEXES)`);
      const { rows: constraints } = await trx.raw<{ rows: { name: string; definition: string }[] }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition
           FROM pg_constraint WHERE conrelid = ?::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`,
        [live],
      );
      for (const { name, definition } of constraints) {
        await trx.raw(`ALTER TABLE ${shadow} ADD CONSTRAINT ${quote(name)} ${definition}`);
      }
      const { rows: indexes } = await trx.raw<{ rows: { definition: string }[] }>(
        `SELECT pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i WHERE i.indrelid = ?::regclass
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
        [live],
      );
      for (const { definition } of indexes) {
        const onLive = ` ON ${live} `;
        if (!definition.includes(onLive)) throw new Error(`cannot copy index of ${live}: ${definition}`);
        await trx.raw(definition.replace(onLive, ` ON ${shadow} `));
      }
    }
    await alsoCreate?.(trx);
  });
}

/**
 * Inside the caller's transaction: replaces each live table by its shadow (drop, then move the
 * shadow into the live schema, indexes and constraints with it). Queries that were reading the
 * old table finish first; queries arriving meanwhile wait for the commit and then read the new
 * one, so readers never see a missing or half-built table.
 */
export async function swapInShadowTables(
  trx: Knex.Transaction,
  schema: string,
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) {
    await trx.raw(`DROP TABLE ${LIVE_SCHEMA}.${identifier(table)}`);
    await trx.raw(`ALTER TABLE ${identifier(schema)}.${identifier(table)} SET SCHEMA ${LIVE_SCHEMA}`);
  }
}

export async function dropSchema(knex: Knex | Knex.Transaction, schema: string): Promise<void> {
  await knex.raw(`DROP SCHEMA IF EXISTS ${identifier(schema)} CASCADE`);
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
