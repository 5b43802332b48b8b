import { LIVE_SCHEMA, identifier } from '@concert/infra';
import type { Knex } from 'knex';

export type RowDifference = 'missing' | 'extra' | 'changed';

/**
 * Row-level differences between a live table and its rebuilt shadow, by primary key:
 * `missing` rows are in the rebuilt table but not the current one, `extra` rows are in the
 * current table but not the rebuilt one, `changed` rows have the same key and other values.
 */
export interface TableDiff {
  table: string;
  missing: number;
  extra: number;
  changed: number;
  /** The first rows that differ, in key order. */
  samples: { kind: RowDifference; key: Record<string, unknown>; current: unknown; rebuilt: unknown }[];
}

export function differs(diff: TableDiff): boolean {
  return diff.missing + diff.extra + diff.changed > 0;
}

/** Compares the whole table in one full join on the primary key (values compared as jsonb). */
export async function diffTable(
  db: Knex | Knex.Transaction,
  shadowSchema: string,
  table: string,
  sampleLimit: number,
): Promise<TableDiff> {
  const live = `${LIVE_SCHEMA}.${identifier(table)}`;
  const shadow = `${identifier(shadowSchema)}.${identifier(table)}`;
  const key = await primaryKeyOf(db, live);
  const using = key.map((c) => `"${c}"`).join(', ');
  const compared = `
    SELECT ${key.map((c) => `"${c}"`).join(', ')}, to_jsonb(c) AS current, to_jsonb(r) AS rebuilt
      FROM ${live} c FULL JOIN ${shadow} r USING (${using})
     WHERE to_jsonb(c) IS DISTINCT FROM to_jsonb(r)`;
  const { rows: counts } = await db.raw<{ rows: { missing: string; extra: string; changed: string }[] }>(
    `SELECT count(*) FILTER (WHERE current IS NULL) AS missing,
            count(*) FILTER (WHERE rebuilt IS NULL) AS extra,
            count(*) FILTER (WHERE current IS NOT NULL AND rebuilt IS NOT NULL) AS changed
       FROM (${compared}) d`,
  );
  const { rows: samples } = await db.raw<{ rows: Record<string, unknown>[] }>(
    `${compared} ORDER BY ${using} LIMIT ${Math.max(0, Math.floor(sampleLimit))}`,
  );
  return {
    table,
    missing: Number(counts[0]?.missing ?? 0),
    extra: Number(counts[0]?.extra ?? 0),
    changed: Number(counts[0]?.changed ?? 0),
    samples: samples.map((row) => ({
      kind: row.current === null ? 'missing' : row.rebuilt === null ? 'extra' : 'changed',
      key: Object.fromEntries(key.map((c) => [c, row[c]])),
      current: row.current,
      rebuilt: row.rebuilt,
    })),
  };
}

async function primaryKeyOf(db: Knex | Knex.Transaction, table: string): Promise<string[]> {
  const { rows } = await db.raw<{ rows: { column: string }[] }>(
    `SELECT a.attname AS column
       FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.n`,
    [table],
  );
  if (rows.length === 0) throw new Error(`${table} has no primary key to compare rows by`);
  return rows.map((r) => r.column);
}
