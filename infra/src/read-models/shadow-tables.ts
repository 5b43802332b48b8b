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

/**
 * The definition of `tables` in `schema` as canonical text, the same for a live table and its
 * shadow copy: columns in order (type, not null, default), constraints and indexes by name,
 * with the schema left out. Tells whether shadow tables still match the live ones.
 */
export async function describeTables(
  knex: Knex | Knex.Transaction,
  schema: string,
  tables: readonly string[],
): Promise<string> {
  const lines: string[] = [];
  for (const table of tables) {
    const qualified = `${identifier(schema)}.${identifier(table)}`;
    if (!(await tableExists(knex, qualified))) {
      lines.push(`${table}: missing`);
      continue;
    }
    const { rows: columns } = await knex.raw<{ rows: { line: string }[] }>(
      `SELECT concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod),
                        CASE WHEN a.attnotnull THEN 'not null' END,
                        'default ' || pg_get_expr(d.adbin, d.adrelid)) AS line
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [qualified],
    );
    const { rows: constraints } = await knex.raw<{ rows: { line: string }[] }>(
      `SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) AS line
         FROM pg_constraint WHERE conrelid = ?::regclass ORDER BY conname`,
      [qualified],
    );
    const { rows: indexes } = await knex.raw<{ rows: { line: string }[] }>(
      `SELECT pg_get_indexdef(indexrelid) AS line FROM pg_index WHERE indrelid = ?::regclass`,
      [qualified],
    );
    const unqualified = indexes.map((i) => i.line.replace(` ON ${qualified} `, ` ON ${table} `)).sort();
    lines.push(
      `${table}:`,
      ...[...columns, ...constraints].map((c) => `  ${c.line}`),
      ...unqualified.map((i) => `  ${i}`),
    );
  }
  return lines.join('\n');
}

async function tableExists(knex: Knex | Knex.Transaction, qualified: string): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: { oid: string | null }[] }>('SELECT to_regclass(?) AS oid', [qualified]);
  return rows[0]?.oid !== null && rows[0]?.oid !== undefined;
}
