import { decodeEvent, type GlobalPosition, type JetStreamManager, type RecordedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { advanceCheckpoint } from '../../src/runner/checkpoint-store.js';

/**
 * The last position of the shared test database's feed. A relay test seeds its checkpoint
 * here so that its empty stream starts after the events other test files appended.
 */
export async function feedHead(knex: Knex): Promise<GlobalPosition> {
  const { rows } = await knex.raw<{ rows: { commit: string; prepare: string }[] }>(
    'SELECT transaction_id::text AS commit, global_position::text AS prepare FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  const row = rows[0];
  return row ? { commit: BigInt(row.commit), prepare: BigInt(row.prepare) } : { commit: 0n, prepare: 0n };
}

export async function seedRelayCheckpoint(knex: Knex, name: string): Promise<GlobalPosition> {
  const head = await feedHead(knex);
  await advanceCheckpoint(knex, name, { position: head, streamSequence: 0 });
  return head;
}

/** Every message of the stream, decoded, in stream order. */
export async function streamEvents(jsm: JetStreamManager, stream: string): Promise<RecordedEvent[]> {
  const { state } = await jsm.streams.info(stream);
  const events: RecordedEvent[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    events.push(decodeEvent((await jsm.streams.getMessage(stream, { seq })).data));
  }
  return events;
}
