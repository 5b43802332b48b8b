import { comparePositions, START, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';
import type { ProjectionName } from '../projections.js';

export type Checkpoints = ReadonlyMap<ProjectionName, GlobalPosition>;

interface CheckpointRow {
  projection: ProjectionName;
  commit: string;
  prepare: string;
}

/**
 * Where the projections have got to, as seen by `db` (the read pool or a snapshot of it):
 * reading them from the replica, not the primary, is what makes a caught-up check cover
 * replication lag too.
 */
export async function readCheckpoints(db: Knex, projections: readonly ProjectionName[]): Promise<Checkpoints> {
  // numeric(20,0) as text: positions go to 2^64, past what a JS number holds.
  const rows = await db
    .select<CheckpointRow[]>(
      'projection',
      db.raw('commit_position::text AS commit'),
      db.raw('prepare_position::text AS prepare'),
    )
    .from('projection_checkpoints')
    .whereIn('projection', [...projections]);
  return new Map(rows.map((row) => [row.projection, { commit: BigInt(row.commit), prepare: BigInt(row.prepare) }]));
}

/** A projection without a checkpoint row has applied nothing yet. */
export function checkpointOf(checkpoints: Checkpoints, projection: ProjectionName): GlobalPosition {
  return checkpoints.get(projection) ?? START;
}

export function projectionsBehind(
  checkpoints: Checkpoints,
  projections: readonly ProjectionName[],
  token: GlobalPosition,
): ProjectionName[] {
  return projections.filter((projection) => comparePositions(checkpointOf(checkpoints, projection), token) < 0);
}

/** The position all of `projections` have reached: what a value read from their tables reflects. */
export function lowestCheckpoint(checkpoints: Checkpoints, projections: readonly ProjectionName[]): GlobalPosition {
  let lowest: GlobalPosition | undefined;
  for (const projection of projections) {
    const position = checkpointOf(checkpoints, projection);
    if (lowest === undefined || comparePositions(position, lowest) < 0) lowest = position;
  }
  return lowest ?? START;
}
