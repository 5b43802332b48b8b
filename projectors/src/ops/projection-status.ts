import { formatPosition, type Config, type EventStore, type GlobalPosition, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { projectionLockName } from '../runner/start-projectors.js';
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
  /** `application_name` of the projectors process consuming it (the holder of its lock); the others stand by. */
  leader?: string;
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
  config: Pick<Config, 'EVENTSTORE' | 'NATS_STREAM'>,
  knex: Knex,
  store: EventStore,
  projections: readonly Projection[],
): Promise<ProjectorStatus[]> {
  const rows = await knex<CheckpointRow>('projection_checkpoints').select('*').orderBy('projection');
  const byName = new Map(rows.map((r) => [r.projection, r]));
  const names = [...new Set([...projections.map((p) => p.name), ...rows.map((r) => r.projection)])];
  const parkedRows = await knex('parked_events')
    .select('projection')
    .count<{ projection: string; count: string }[]>('* as count')
    .groupBy('projection');
  const parked = new Map(parkedRows.map((r) => [r.projection, Number(r.count)]));
  const now = Date.now();
  const out: ProjectorStatus[] = [];
  for (const name of names) {
    const row = byName.get(name);
    const position: GlobalPosition = row
      ? { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) }
      : { commit: 0n, prepare: 0n };
    const lag = await feedLag(config, knex, store, position);
    const leader = projections.some((p) => p.name === name)
      ? await lockHolder(knex, projectionLockName(config.NATS_STREAM, { name }))
      : undefined;
    out.push({
      ...(leader === undefined ? {} : { leader }),
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

/** Who holds a session advisory lock (taken as `pg_try_advisory_lock(hashtextextended(name, 0))`) in this database. */
async function lockHolder(knex: Knex, lockName: string): Promise<string | undefined> {
  const { rows } = await knex.raw<{ rows: { application_name: string }[] }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(?, 0)`,
    [lockName],
  );
  return rows[0]?.application_name;
}
