import { parseEvent } from '@concert/domain';
import { eventFromJson, type Projection } from '@concert/infra';
import { applyEvents } from '../runner/apply-batch.js';
import { lockFencedCheckpoint } from '../runner/checkpoint-store.js';
import type { Knex } from 'knex';

export interface ParkedEvent {
  id: number;
  projection: string;
  eventId: string;
  eventType: string;
  streamId: string;
  position: string;
  attempts: number;
  parkedAt: Date;
  retriedAt: Date | null;
  /** First line of the error. */
  error: string;
}

interface ParkedRow {
  id: string;
  projection: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  commit_position: string;
  prepare_position: string;
  event: unknown;
  error: string;
  attempts: number;
  parked_at: Date;
  retried_at: Date | null;
}

export async function listParked(knex: Knex, projection?: string): Promise<ParkedEvent[]> {
  const query = knex<ParkedRow>('parked_events')
    .select('*')
    .orderBy([{ column: 'commit_position' }, { column: 'prepare_position' }, { column: 'id' }]);
  if (projection) query.where({ projection });
  return (await query).map((row) => ({
    id: Number(row.id),
    projection: row.projection,
    eventId: row.event_id,
    eventType: row.event_type,
    streamId: row.stream_id,
    position: `${row.commit_position}.${row.prepare_position}`,
    attempts: row.attempts,
    parkedAt: row.parked_at,
    retriedAt: row.retried_at,
    error: errorSummary(row.error),
  }));
}

export type RetryOutcome =
  | { id: number; projection: string; outcome: 'applied'; staleCacheKeys: string[] }
  | { id: number; projection: string; outcome: 'failed'; error: string };

/**
 * Applies a parked event through its projection, in a transaction fenced like a live batch
 * (shared projection lock, checkpoint row locked, so it never interleaves with the projector
 * or a swap), and deletes it from parked_events in the same transaction. The checkpoint does
 * not move: it is already past the event.
 *
 * Ordering caveat: the event is applied now, after events that came after it in the feed.
 * Rules that depend on order (a seat hold retried after that seat's release or sale, a
 * reservation's end before its creation) may then leave rows unlike a replay in feed order.
 * Check the event's stream first; when in doubt, rebuild the projection instead (a rebuild
 * applies every event in order and clears the parked events it covers).
 */
export async function retryParked(knex: Knex, projections: readonly Projection[], id: number): Promise<RetryOutcome> {
  const row = await knex<ParkedRow>('parked_events')
    .where({ id: String(id) })
    .first();
  if (!row) throw new Error(`no parked event with id ${id}`);
  const projection = projections.find((p) => p.name === row.projection);
  if (!projection) throw new Error(`parked event ${id} belongs to an unknown projection "${row.projection}"`);
  try {
    const staleKeys = await knex.transaction(async (trx) => {
      await lockFencedCheckpoint(trx, projection.name);
      const recorded = eventFromJson(row.event);
      const event = parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data);
      const keys = await applyEvents(trx, projection, [{ recorded, event }]);
      await trx('parked_events').where({ id: row.id }).delete();
      return [...keys];
    });
    return { id, projection: projection.name, outcome: 'applied', staleCacheKeys: staleKeys };
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    await knex('parked_events')
      .where({ id: row.id })
      .update({ error: text.slice(0, 4000), attempts: knex.raw('attempts + 1'), retried_at: knex.fn.now() });
    return { id, projection: projection.name, outcome: 'failed', error: errorSummary(text) };
  }
}

/**
 * One line of a stored error: the message without its stack, and for a failed statement
 * (knex writes "<sql> - <server message>") only the server's message.
 */
export function errorSummary(text: string): string {
  const message = (text.split(/\n\s+at /)[0] ?? text).replace(/\s+/g, ' ').trim();
  const dash = message.lastIndexOf(' - ');
  return dash === -1 ? message : `${message.slice(0, message.indexOf(':') + 1)} ${message.slice(dash + 3)}`.trim();
}
