import { START, readStreamTail, type GlobalPosition, type JetStreamManager } from '@concert/infra';
import type { Knex } from 'knex';
import { readCheckpoint } from '../runner/checkpoint-store.js';

export interface RelayStart {
  /** Relay the events strictly after this position. */
  after: GlobalPosition;
  /** The stream's last sequence: what the first publish must expect. */
  lastSequence: number;
  source: 'stream' | 'checkpoint' | 'beginning';
}

/**
 * Where a new leader starts: right after the last event in the stream. Not the checkpoint:
 * it is written after the acks, so it may lag behind what the previous leader published, and
 * starting from it would publish those events again (out of order once outside the duplicate
 * window). The checkpoint only serves when the stream holds nothing (new, or all aged out).
 */
export async function findRelayStart(
  jsm: JetStreamManager,
  knex: Knex,
  options: { stream: string; subjectPrefix: string; checkpointName: string },
): Promise<RelayStart> {
  const tail = await readStreamTail(jsm, options.stream, options.subjectPrefix);
  if (tail.last) return { after: tail.last.event.position, lastSequence: tail.lastSequence, source: 'stream' };
  const checkpoint = await readCheckpoint(knex, options.checkpointName);
  if (checkpoint) return { after: checkpoint.position, lastSequence: tail.lastSequence, source: 'checkpoint' };
  return { after: START, lastSequence: tail.lastSequence, source: 'beginning' };
}
