import { comparePositions, type Config, type EventStore, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';

export interface FeedLag {
  /** Events in the store after the position. */
  events: number;
  /** True when counting stopped at the cap (EventStoreDB, counted by reading). */
  atLeast: boolean;
  /** When the oldest of them was recorded: how long it has been waiting. */
  oldestRecordedAt: Date | undefined;
}

/** Counting by reading the feed stops here: status must stay quick on a huge backlog. */
const READ_CAP = 100_000;

/**
 * How far the store's feed runs past a position. On PostgreSQL one count over the feed
 * index (every committed event, also those not yet visible in the feed); otherwise by reading
 * the feed through the EventStore interface, up to READ_CAP events.
 */
export async function feedLag(
  config: Pick<Config, 'EVENTSTORE'>,
  knex: Knex,
  store: EventStore,
  after: GlobalPosition,
): Promise<FeedLag> {
  if (config.EVENTSTORE === 'postgres') {
    const { rows } = await knex.raw<{ rows: { events: string; oldest: Date | null }[] }>(
      `SELECT count(*) AS events, min(recorded_at) AS oldest FROM es_events
        WHERE (transaction_id, global_position) > (?::text::xid8, ?::bigint)`,
      [after.commit.toString(), after.prepare.toString()],
    );
    return { events: Number(rows[0]?.events ?? 0), atLeast: false, oldestRecordedAt: rows[0]?.oldest ?? undefined };
  }
  let events = 0;
  let oldest: Date | undefined;
  let position = after;
  while (events < READ_CAP) {
    const batch = await store.readAll({ after: position, maxCount: 10_000 });
    if (batch.length === 0) break;
    oldest ??= batch[0]!.recordedAt;
    events += batch.length;
    const last = batch.at(-1)!.position;
    if (comparePositions(last, position) <= 0) break;
    position = last;
  }
  return { events, atLeast: events >= READ_CAP, oldestRecordedAt: oldest };
}

/** Events in the whole feed (PostgreSQL only): the total a rebuild's ETA is computed from. */
export async function feedSize(config: Pick<Config, 'EVENTSTORE'>, knex: Knex): Promise<number | undefined> {
  if (config.EVENTSTORE !== 'postgres') return undefined;
  const { rows } = await knex.raw<{ rows: { events: string }[] }>('SELECT count(*) AS events FROM es_events');
  return Number(rows[0]?.events ?? 0);
}
