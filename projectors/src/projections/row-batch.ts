import type { Knex } from 'knex';
import { chunkByWeight } from '@concert/infra';

/** Rows written per statement: one JSON parameter each, so only statement size bounds it. */
const ROWS_PER_STATEMENT = 5000;

export interface RowBatchTable<Row> {
  table: string;
  /** Primary-key columns, in the order of the table's key. */
  key: readonly (keyof Row & string)[];
  /** Every column, in table order. */
  columns: readonly (keyof Row & string)[];
}

/**
 * The rows of one table that a batch of events touches, held in memory while the events are
 * folded into them: `load` reads the existing ones in one statement, the projection then gets
 * and sets rows as its per-event rules say, and `flush` writes every changed row back with one
 * upsert per few thousand rows. Rows travel as one jsonb parameter
 * (`jsonb_populate_recordset`), never near PostgreSQL's 65,535 bind parameters.
 *
 * Rows are kept as the pg driver returns them (bigint as string, timestamptz as Date).
 */
export class RowBatch<Row extends object> {
  private readonly rows = new Map<string, Row>();
  private readonly dirty = new Set<string>();

  constructor(private readonly spec: RowBatchTable<Row>) {}

  /** Key text of a row or key, for the in-memory map. */
  keyOf(row: Pick<Row, keyof Row & string> | Partial<Row>): string {
    const parts = this.spec.key.map((column) => {
      const value = (row as Record<string, unknown>)[column];
      return value instanceof Date ? String(value.getTime()) : String(value);
    });
    return parts.join('\u0000');
  }

  /** Reads the existing rows with these keys (repeats are fine). */
  async load(trx: Knex.Transaction, keys: readonly Partial<Row>[]): Promise<void> {
    const wanted = new Map<string, Partial<Row>>();
    for (const key of keys) {
      const text = this.keyOf(key);
      if (!this.rows.has(text)) wanted.set(text, key);
    }
    if (wanted.size === 0) return;
    const all = [...wanted.values()];
    for (let start = 0; start < all.length; start += ROWS_PER_STATEMENT) {
      const json = JSON.stringify(all.slice(start, start + ROWS_PER_STATEMENT).map((k) => pick(k, this.spec.key)));
      const { rows } = await trx.raw<{ rows: Row[] }>(loadSql(this.spec), [json]);
      for (const row of rows) this.rows.set(this.keyOf(row), row);
    }
  }

  get(key: Partial<Row>): Row | undefined {
    return this.rows.get(this.keyOf(key));
  }

  set(row: Row): void {
    const key = this.keyOf(row);
    this.rows.set(key, row);
    this.dirty.add(key);
  }

  /** Writes every row set since the load: insert, or overwrite all columns of the existing row. */
  async flush(trx: Knex.Transaction): Promise<void> {
    await writeTogether(trx, this.upserts());
  }

  /**
   * The statements `flush` runs (one per few thousand rows, each row in one), for a caller that
   * sends them with its other writes (writeTogether); marks the rows written.
   */
  upserts(): Statement[] {
    if (this.dirty.size === 0) return [];
    const { table, key, columns } = this.spec;
    const updates = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
    const changed = [...this.dirty].map((k) => this.rows.get(k)!);
    const statements: Statement[] = [];
    for (let start = 0; start < changed.length; start += ROWS_PER_STATEMENT) {
      const json = JSON.stringify(changed.slice(start, start + ROWS_PER_STATEMENT).map((row) => pick(row, columns)));
      statements.push({
        sql: `INSERT INTO ${table} AS t SELECT * FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb)
         ON CONFLICT (${key.join(', ')}) DO ${updates.length > 0 ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
        bindings: [json],
      });
    }
    this.dirty.clear();
    return statements;
  }
}

/**
 * Reads the rows of a batch's keys by their primary key, one index probe per key. A plain join
 * of the keys against the table lets the planner, which takes `jsonb_populate_recordset` for 100
 * rows whatever it holds, hash the keys and scan the whole table: 2.4 ms for a dozen seats among
 * 12,000, and growing with the table. The `LIMIT 1` (one row per primary key in any case) keeps
 * the lateral subquery from being merged into such a join.
 */
function loadSql<Row>({ table, key }: RowBatchTable<Row>): string {
  const match = key.map((column) => `t.${column} = k.${column}`).join(' AND ');
  return `SELECT t.* FROM (SELECT DISTINCT ${key.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb)) k
    CROSS JOIN LATERAL (SELECT * FROM ${table} t WHERE ${match} LIMIT 1) t`;
}

/**
 * Bindings per round trip of writeTogether, in characters (about bytes: the JSON is ASCII but for
 * names). The pg driver copies a statement's parameters into one growing buffer before sending
 * it, so the first batch of a rebuild (every seat row of every schedule) sent as one statement
 * of ~25 MB cost ~80 MB of buffers at once.
 */
const BINDING_CHARS_PER_ROUND_TRIP = 4 * 1024 * 1024;

/**
 * Runs statements as one, in one round trip: all but the last as data-modifying WITH queries of
 * the last, whose rows it returns. Only for statements that write no row another of them reads
 * or writes (they all see the snapshot from before any of them): a batch's upserts of different
 * tables, or of different rows of one. Statements whose bindings exceed a few MB in all go in
 * several such round trips, in order (the same rows either way), the last one returning the rows.
 */
export async function writeTogether<Row = unknown>(
  trx: Knex.Transaction,
  statements: readonly Statement[],
): Promise<Row[]> {
  let rows: Row[] = [];
  for (const group of roundTrips(statements)) rows = await runAsOne<Row>(trx, group);
  return rows;
}

/** Consecutive statements grouped so that each group's bindings stay within the budget (a larger statement goes alone). */
function roundTrips(statements: readonly Statement[]): Statement[][] {
  return chunkByWeight(statements, BINDING_CHARS_PER_ROUND_TRIP, (statement) =>
    statement.bindings.reduce((sum, b) => sum + b.length, 0),
  );
}

async function runAsOne<Row>(trx: Knex.Transaction, statements: readonly Statement[]): Promise<Row[]> {
  const last = statements.at(-1);
  if (!last) return [];
  const earlier = statements.slice(0, -1);
  const sql =
    earlier.length === 0 ? last.sql : `WITH ${earlier.map((s, i) => `w${i} AS (${s.sql})`).join(', ')} ${last.sql}`;
  const { rows } = await trx.raw<{ rows: Row[] }>(sql, [...statements.flatMap((s) => s.bindings)]);
  return rows;
}

/** One SQL statement with its positional (`?`) bindings. */
export interface Statement {
  sql: string;
  bindings: string[];
}

function pick<Row>(row: Partial<Row>, columns: readonly (keyof Row & string)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column] = (row as Record<string, unknown>)[column] ?? null;
  return out;
}
