import {
  formatPosition,
  schemaExists,
  shadowSchemaOf,
  type Config,
  type EventStore,
  type Projection,
} from '@concert/infra';
import { projectorStatus as liveStatus, type ProjectorStatus as LiveStatus } from '@concert/projectors';
import type { Knex } from 'knex';
import { readShadowStamp, readShadowState } from './shadow-state.js';

export interface ProjectorStatus extends LiveStatus {
  /** Position of an unfinished rebuild's shadow tables, if one is in progress or was interrupted. */
  rebuildAt?: string;
  /** Those shadow tables were left by a dry run (a live rebuild will not resume them). */
  rebuildByDryRun?: boolean;
}

/** The projectors' own status (checkpoint, lag, parked events), with the position of any rebuild in progress. */
export async function projectorStatus(
  config: Config,
  knex: Knex,
  store: EventStore,
  projections: readonly Projection[],
): Promise<ProjectorStatus[]> {
  const out: ProjectorStatus[] = await liveStatus(config, knex, store, projections);
  for (const status of out) {
    if (!projections.some((p) => p.name === status.projector)) continue;
    const schema = shadowSchemaOf(status.projector);
    if (!(await schemaExists(knex, schema))) continue;
    status.rebuildAt = formatPosition((await readShadowState(knex, schema)).position);
    if ((await readShadowStamp(knex, schema))?.dryRun) status.rebuildByDryRun = true;
  }
  return out;
}
