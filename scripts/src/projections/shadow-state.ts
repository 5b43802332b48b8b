import { START, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';

/**
 * How far a shadow build has got: one row in the shadow schema, written in the same
 * transaction as each batch, so an interrupted rebuild resumes exactly after the last batch
 * that committed, and dropping the schema (`--restart`, `--discard`, or the swap) forgets it too.
 */
export interface ShadowState {
  position: GlobalPosition;
  /** Feed events read so far (all types, for progress). */
  events: number;
}

/** What the shadow tables were built by and from, written when they are created (see shadow-stamp.ts). */
export interface ShadowStamp {
  projection: string;
  version: number;
  /** Hash of the handled event types and the tables' definitions. */
  fingerprint: string;
  /** Id of the first event of the feed they were built from (null: the feed was empty). */
  feedOrigin: string | null;
  /** A dry run created or resumed them: a live rebuild never swaps them in. */
  dryRun: boolean;
}

const TABLE = 'rebuild_state';

export async function createShadowState(
  trx: Knex.Transaction | Knex,
  schema: string,
  stamp: ShadowStamp,
): Promise<void> {
  await trx.raw(`
    CREATE TABLE ${schema}.${TABLE} (
      id integer PRIMARY KEY CHECK (id = 1),
      commit_position numeric(20, 0) NOT NULL,
      prepare_position numeric(20, 0) NOT NULL,
      events bigint NOT NULL,
      projection text NOT NULL,
      projection_version integer NOT NULL,
      fingerprint text NOT NULL,
      feed_origin text,
      dry_run boolean NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await trx.raw(
    `INSERT INTO ${schema}.${TABLE}
       (id, commit_position, prepare_position, events, projection, projection_version, fingerprint, feed_origin, dry_run)
     VALUES (1, 0, 0, 0, ?, ?, ?, ?, ?)`,
    [stamp.projection, stamp.version, stamp.fingerprint, stamp.feedOrigin, stamp.dryRun],
  );
}

export async function readShadowState(knex: Knex | Knex.Transaction, schema: string): Promise<ShadowState> {
  if (!(await hasStateTable(knex, schema))) return { position: START, events: 0 };
  const { rows } = await knex.raw<{ rows: { commit_position: string; prepare_position: string; events: string }[] }>(
    `SELECT commit_position, prepare_position, events FROM ${schema}.${TABLE} WHERE id = 1`,
  );
  const row = rows[0];
  if (!row) return { position: START, events: 0 };
  return {
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    events: Number(row.events),
  };
}

/**
 * The stamp of the shadow tables in `schema`; undefined when they have none (left by a
 * version of the CLI that did not stamp them, or without their state table).
 */
export async function readShadowStamp(knex: Knex | Knex.Transaction, schema: string): Promise<ShadowStamp | undefined> {
  const row = await readStampRow(knex, schema);
  if (
    !row ||
    typeof row.projection !== 'string' ||
    typeof row.projection_version !== 'number' ||
    typeof row.fingerprint !== 'string' ||
    typeof row.dry_run !== 'boolean'
  )
    return undefined;
  return {
    projection: row.projection,
    version: row.projection_version,
    fingerprint: row.fingerprint,
    feedOrigin: typeof row.feed_origin === 'string' ? row.feed_origin : null,
    dryRun: row.dry_run,
  };
}

/** Marks the shadow tables as a dry run's (a dry run resumed tables a live rebuild left). */
export async function markShadowDryRun(knex: Knex | Knex.Transaction, schema: string): Promise<void> {
  await knex.raw(`UPDATE ${schema}.${TABLE} SET dry_run = true, updated_at = now() WHERE id = 1`);
}

export async function writeShadowState(trx: Knex.Transaction, schema: string, state: ShadowState): Promise<void> {
  await trx.raw(
    `UPDATE ${schema}.${TABLE} SET commit_position = ?, prepare_position = ?, events = ?, updated_at = now() WHERE id = 1`,
    [state.position.commit.toString(), state.position.prepare.toString(), state.events],
  );
}

async function hasStateTable(knex: Knex | Knex.Transaction, schema: string): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: { oid: string | null }[] }>('SELECT to_regclass(?) AS oid', [
    `${schema}.${TABLE}`,
  ]);
  return !!rows[0]?.oid;
}

/** The stamp columns as JSON, whichever of them the table has; undefined without the table or its row. */
async function readStampRow(
  knex: Knex | Knex.Transaction,
  schema: string,
): Promise<Record<string, unknown> | undefined> {
  if (!(await hasStateTable(knex, schema))) return undefined;
  const { rows } = await knex.raw<{ rows: { row: Record<string, unknown> }[] }>(
    `SELECT to_jsonb(s) - 'commit_position' - 'prepare_position' AS row FROM ${schema}.${TABLE} s WHERE id = 1`,
  );
  return rows[0]?.row;
}
