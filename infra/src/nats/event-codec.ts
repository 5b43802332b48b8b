import type { EventMetadata, RecordedEvent } from '../event-store/event-store.js';

/**
 * The JSON form of a recorded event on the wire and in `parked_events.event`: bigints as
 * decimal strings (JSON numbers lose precision above 2^53), the record time as ISO-8601.
 */
export interface EventJson {
  id: string;
  type: string;
  streamId: string;
  category: string;
  revision: string;
  position: { commit: string; prepare: string };
  recordedAt: string;
  metadata: EventMetadata;
  data: unknown;
}

export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
}

const decoder = new TextDecoder();
const DECIMAL = /^\d{1,20}$/;

export function eventToJson(event: RecordedEvent): EventJson {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    category: event.category,
    revision: event.revision.toString(),
    position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
    recordedAt: event.recordedAt.toISOString(),
    metadata: event.metadata,
    data: event.data,
  };
}

/** UTF-8 by Buffer.from: for these short strings it takes from Node's pooled memory, where TextEncoder allocates each time. */
export function encodeEvent(event: RecordedEvent): Uint8Array {
  return Buffer.from(JSON.stringify(eventToJson(event)), 'utf8');
}

export function decodeEvent(bytes: Uint8Array): RecordedEvent {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new EventDecodeError(`not JSON: ${(error as Error).message}`);
  }
  return eventFromJson(json);
}

/**
 * Checked by hand rather than with a schema: this runs for every event every projector reads,
 * and it only needs the envelope; the data is validated by the domain registry when applied.
 */
export function eventFromJson(json: unknown): RecordedEvent {
  if (!isRecord(json)) throw new EventDecodeError('not an object');
  const position = json.position;
  if (!isRecord(position)) throw new EventDecodeError('position is missing');
  const metadata = json.metadata;
  if (!isRecord(metadata) || typeof metadata.schemaVersion !== 'number') {
    throw new EventDecodeError('metadata.schemaVersion is missing');
  }
  const recordedAt = new Date(text(json, 'recordedAt'));
  if (Number.isNaN(recordedAt.getTime())) throw new EventDecodeError('recordedAt is not an instant');
  return {
    id: text(json, 'id'),
    type: text(json, 'type'),
    streamId: text(json, 'streamId'),
    category: text(json, 'category'),
    revision: decimal(json, 'revision'),
    position: { commit: decimal(position, 'commit'), prepare: decimal(position, 'prepare') },
    recordedAt,
    metadata: metadata as EventMetadata,
    data: json.data,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(json: Record<string, unknown>, key: string): string {
  const value = json[key];
  if (typeof value !== 'string') throw new EventDecodeError(`${key} is not a string`);
  return value;
}

function decimal(json: Record<string, unknown>, key: string): bigint {
  const value = json[key];
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw new EventDecodeError(`${key} is not a decimal string`);
  return BigInt(value);
}
