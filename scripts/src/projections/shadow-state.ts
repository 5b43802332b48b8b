import { START, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';

/**
 * How far a shadow build has got: one row in the shadow schema, written in the same
 * transaction as each batch, so an interrupted rebuild resumes exactly after the last batch
 * that committed, and dropping the schema (`--restart`, or the swap) forgets it too.
 */
export interface ShadowState {
  position: GlobalPosition;
  /** Feed events read so far (all types, for progress). */
  events: number;
}

const TABLE = 'rebuild_state';

export async function createShadowState(trx: Knex.Transaction | Knex, schema: string): Promise<void> {
  await trx.raw(`
    CREATE TABLE ${schema}.${TABLE} (
      id integer PRIMARY KEY CHECK (id = 1),
      commit_position numeric(20, 0) NOT NULL,
      prepare_position numeric(20, 0) NOT NULL,
      events bigint NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO ${schema}.${TABLE} (id, commit_position, prepare_position, events) VALUES (1, 0, 0, 0);
  `);
}

export async function readShadowState(knex: Knex | Knex.Transaction, schema: string): Promise<ShadowState> {
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

export async function writeShadowState(trx: Knex.Transaction, schema: string, state: ShadowState): Promise<void> {
  await trx.raw(
    `UPDATE ${schema}.${TABLE} SET commit_position = ?, prepare_position = ?, events = ?, updated_at = now() WHERE id = 1`,
    [state.position.commit.toString(), state.position.prepare.toString(), state.events],
  );
}
