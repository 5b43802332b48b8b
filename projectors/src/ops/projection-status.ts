import { formatPosition, type Config, type EventStore, type GlobalPosition, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { feedLag } from './feed-lag.js';

export interface ProjectorStatus {
  projector: string;
  position: string;
  streamSequence: number;
  updatedAt: Date | undefined;
  /** Events in the store after the checkpoint. */
  lagEvents: number;
  lagAtLeast: boolean;
  /** How long the oldest of them has been waiting, in seconds (0 when caught up). */
  lagSeconds: number;
  parked: number;
}

interface CheckpointRow {
  projection: string;
  commit_position: string;
  prepare_position: string;
  stream_sequence: string;
  updated_at: Date;
}

/**
 * Every projection's checkpoint (and any other checkpoint row: the relay's), with lag and
 * parked events: what `npm run projections -- status` prints and the ops console shows.
 */
export async function projectorStatus(
  config: Pick<Config, 'EVENTSTORE'>,
  knex: Knex,
  store: EventStore,
  projections: readonly Projection[],
): Promise<ProjectorStatus[]> {
  const rows = await knex<CheckpointRow>('projection_checkpoints').select('*').orderBy('projection');
  const byName = new Map(rows.map((r) => [r.projection, r]));
  const names = [...new Set([...projections.map((p) => p.name), ...rows.map((r) => r.projection)])];
  const parkedRows = await knex('parked_events').select('projection').count<{ projection: string; count: string }[]>('* as count').groupBy('projection');
  const parked = new Map(parkedRows.map((r) => [r.projection, Number(r.count)]));
  const now = Date.now();
  const out: ProjectorStatus[] = [];
  for (const name of names) {
    const row = byName.get(name);
    const position: GlobalPosition = row ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) } : { commit: 0n, prepare: 0n };
    const lag = await feedLag(config, knex, store, position);
    out.push({
      projector: name,
      position: formatPosition(position),
      streamSequence: Number(row?.stream_sequence ?? 0),
      updatedAt: row?.updated_at,
      lagEvents: lag.events,
      lagAtLeast: lag.atLeast,
      lagSeconds: lag.oldestRecordedAt ? Math.max(0, (now - lag.oldestRecordedAt.getTime()) / 1000) : 0,
      parked: parked.get(name) ?? 0,
    });
  }
  return out;
}
