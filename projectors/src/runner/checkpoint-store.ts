import { lockProjectionShared, projectionFenceKey, SHARED_FENCE_SQL, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';

/** Where a projection (or the relay) has got to: the feed position and the JetStream sequence of that event. */
export interface Checkpoint {
  position: GlobalPosition;
  /** 0 when unknown (a new checkpoint, or one reset by a rebuild): the next message is taken as it comes. */
  streamSequence: number;
}

interface CheckpointRow {
  projection: string;
  commit_position: string;
  prepare_position: string;
  stream_sequence: string | number;
}

const TABLE = 'projection_checkpoints';
const COLUMNS = ['commit_position', 'prepare_position', 'stream_sequence'] as const;

/**
 * Reads the checkpoint and locks its row until the transaction ends, creating it at START when
 * missing. The lock serialises every writer of one projection (two processes on one durable
 * consumer, a rebuild), so the checks made against it hold until the commit.
 */
export async function lockCheckpoint(trx: Knex.Transaction, name: string): Promise<Checkpoint> {
  await trx(TABLE)
    .insert({ projection: name, commit_position: '0', prepare_position: '0', stream_sequence: 0 })
    .onConflict('projection')
    .ignore();
  const row = await trx<CheckpointRow>(TABLE)
    .select(...COLUMNS)
    .where({ projection: name })
    .forUpdate()
    .first();
  if (!row) throw new Error(`checkpoint ${name} vanished inside its transaction`);
  return fromRow(row);
}

/**
 * How every live transaction of a projection begins: its fence taken shared (projection-lock.ts),
 * then its checkpoint read and locked as lockCheckpoint does. One round trip when the checkpoint
 * exists, instead of three: the fence is a one-row subquery joined to the checkpoint row, and the
 * row lock (LockRows, at the top of any plan) is only taken once the join has evaluated the fence,
 * so the order "fence first, then the row" holds as with the separate statements. A missing
 * checkpoint takes the separate steps, which create it.
 */
export async function lockFencedCheckpoint(trx: Knex.Transaction, name: string): Promise<Checkpoint> {
  const { rows } = await trx.raw<{ rows: Omit<CheckpointRow, 'projection'>[] }>(
    `SELECT c.${COLUMNS.join(', c.')} FROM (SELECT ${SHARED_FENCE_SQL}) AS fence, ${TABLE} c
     WHERE c.projection = ? FOR UPDATE OF c`,
    [projectionFenceKey(name), name],
  );
  if (rows[0]) return fromRow(rows[0]);
  await lockProjectionShared(trx, name);
  return lockCheckpoint(trx, name);
}

export async function writeCheckpoint(trx: Knex.Transaction, name: string, checkpoint: Checkpoint): Promise<void> {
  await trx(TABLE)
    .where({ projection: name })
    .update({ ...toRow(checkpoint), updated_at: trx.fn.now() });
}

/**
 * Moves a projection's checkpoint forward to a point it has passed without applying anything
 * (a filtered projection with nothing pending: passedTail), fenced like a batch. Returns the
 * checkpoint when it moved.
 *
 * One statement in its own transaction, where a batch takes four (BEGIN, lockFencedCheckpoint,
 * writeCheckpoint, COMMIT): the idle passes of the projections with nothing to do (up to 20 a
 * second each, while other categories are written) were half of the projectors' transactions
 * in bench:gateway. The fence is taken before the row, as lockFencedCheckpoint does (the
 * one-row subquery is joined before the insert or update locks the row), and the update
 * re-checks "forward only" against the row as it is once locked. A missing checkpoint is
 * created at `to`, where the separate steps created it at START and then moved it.
 */
export async function passCheckpoint(knex: Knex, name: string, to: Checkpoint): Promise<Checkpoint | undefined> {
  const row = toRow(to);
  const { rows } = await knex.raw<{ rows: unknown[] }>(
    `INSERT INTO ${TABLE} AS c (projection, commit_position, prepare_position, stream_sequence, updated_at)
     SELECT ?, ?::numeric, ?::numeric, ?::bigint, now() FROM (SELECT ${SHARED_FENCE_SQL}) AS fence
     ON CONFLICT (projection) DO UPDATE
       SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
           stream_sequence = excluded.stream_sequence, updated_at = now()
       WHERE (c.commit_position, c.prepare_position) < (excluded.commit_position, excluded.prepare_position)
         AND c.stream_sequence <= excluded.stream_sequence
     RETURNING 1`,
    [name, row.commit_position, row.prepare_position, row.stream_sequence, projectionFenceKey(name)],
  );
  return rows.length > 0 ? to : undefined;
}

export async function readCheckpoint(knex: Knex, name: string): Promise<Checkpoint | undefined> {
  const row = await knex<CheckpointRow>(TABLE)
    .select(...COLUMNS)
    .where({ projection: name })
    .first();
  return row ? fromRow(row) : undefined;
}

/**
 * Stores a checkpoint outside any projection transaction (the relay's), never moving it back:
 * a deposed relay that writes late cannot undo its successor's progress.
 */
export async function advanceCheckpoint(knex: Knex, name: string, checkpoint: Checkpoint): Promise<void> {
  await knex.raw(
    `INSERT INTO ${TABLE} AS c (projection, commit_position, prepare_position, stream_sequence, updated_at)
     VALUES (?, ?, ?, ?, now())
     ON CONFLICT (projection) DO UPDATE
       SET commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
           stream_sequence = excluded.stream_sequence, updated_at = now()
       WHERE (c.commit_position, c.prepare_position) < (excluded.commit_position, excluded.prepare_position)`,
    [name, ...Object.values(toRow(checkpoint))],
  );
}

function fromRow(row: Omit<CheckpointRow, 'projection'>): Checkpoint {
  return {
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    streamSequence: Number(row.stream_sequence),
  };
}

function toRow(checkpoint: Checkpoint): { commit_position: string; prepare_position: string; stream_sequence: number } {
  return {
    commit_position: checkpoint.position.commit.toString(),
    prepare_position: checkpoint.position.prepare.toString(),
    stream_sequence: checkpoint.streamSequence,
  };
}
