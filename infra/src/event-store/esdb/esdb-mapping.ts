import {
  ANY,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AppendExpectedRevision,
  type Filter,
  type JSONType,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type WrongExpectedVersionError,
} from '@eventstore/db-client';
import { WrongExpectedVersion } from '../errors.js';
import {
  categoryOf,
  type EventMetadata,
  type ExpectedRevision,
  type FeedFilter,
  type RecordedEvent,
} from '../event-store.js';
import { comparePositions, type GlobalPosition } from '../global-position.js';

/** Pure conversions between our event-store types and @eventstore/db-client 6.2's. */

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no-stream':
      return NO_STREAM;
    case 'exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

/**
 * The client reports a missing stream as the string `no_stream` (batch append and append
 * responses); the legacy error-metadata path of pre-21.6 servers yields -1n instead.
 */
export function toWrongExpectedVersion(
  error: Pick<WrongExpectedVersionError, 'actualVersion'>,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedVersion {
  const actual = error.actualVersion;
  return new WrongExpectedVersion(
    streamId,
    expected,
    typeof actual === 'bigint' && actual >= 0n ? actual : 'no-stream',
  );
}

/** `fromPosition` for reads and subscriptions; our START (0/0) is the client's START. */
export function toReadPosition(after: GlobalPosition | undefined): ReadPosition {
  if (!after || (after.commit === 0n && after.prepare === 0n)) return ESDB_START;
  return { commit: after.commit, prepare: after.prepare };
}

/**
 * readAll's fromPosition includes the event at that position while subscribeToAll's skips it
 * (server sources), so "strictly after" is enforced here for both, independent of either.
 */
export function isAfter(position: GlobalPosition, after: GlobalPosition | undefined): boolean {
  return after === undefined || comparePositions(position, after) > 0;
}

/** Server-internal events: `$`-prefixed event types (`$metadata`, `$>`...) or streams (`$stats-...`, `$$x`). */
export function isSystemEvent(streamId: string, type: string): boolean {
  return type.startsWith('$') || streamId.startsWith('$');
}

/**
 * The complete client-side feed selection: ESDB accepts one server-side filter per read, and
 * readAll in client 6.2 accepts none, so this predicate is always applied as the final word.
 */
export function feedPredicate(filter: FeedFilter | undefined): (streamId: string, type: string) => boolean {
  const categories = filter?.categories?.length ? new Set(filter.categories) : undefined;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : undefined;
  const streams = filter?.streamIds?.length ? new Set(filter.streamIds) : undefined;
  return (streamId, type) =>
    !isSystemEvent(streamId, type) &&
    (categories === undefined || categories.has(categoryOf(streamId))) &&
    (types === undefined || types.has(type)) &&
    (streams === undefined || streams.has(streamId));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');
}

/** Matches the streams of the categories: `cat-...` and, as categoryOf defines it, the dashless stream `cat` itself. */
export function categoryRegex(categories: readonly string[]): string {
  return `^(?:${categories.map(escapeRegex).join('|')})(?:-|$)`;
}

/** Matches exactly these event types (a prefix filter would also match `OrderPlacedV2` for `OrderPlaced`). */
export function eventTypeRegex(eventTypes: readonly string[]): string {
  return `^(?:${eventTypes.map(escapeRegex).join('|')})$`;
}

/** Matches exactly these stream ids. */
export function streamIdRegex(streamIds: readonly string[]): string {
  return `^(?:${streamIds.map(escapeRegex).join('|')})$`;
}

/**
 * The one server-side filter of a subscription: stream ids if given (the narrowest), else
 * categories (user categories never start with `$`, so this also keeps system streams out),
 * else event types, else only excluding system events. Whatever it lets through is
 * re-checked by feedPredicate.
 */
export function serverFilterFor(filter: FeedFilter | undefined): Filter {
  if (filter?.streamIds?.length) return streamNameFilter({ regex: streamIdRegex(filter.streamIds) });
  if (filter?.categories?.length) return streamNameFilter({ regex: categoryRegex(filter.categories) });
  if (filter?.eventTypes?.length) return eventTypeFilter({ regex: eventTypeRegex(filter.eventTypes) });
  return excludeSystemEvents();
}

/** The client's JSON events take objects, arrays or strings; anything else would not round-trip through its types. */
export function toJsonData(data: unknown, type: string): JSONType {
  if (typeof data === 'string' || (typeof data === 'object' && data !== null && !(data instanceof Uint8Array))) {
    return data as JSONType;
  }
  throw new TypeError(`event ${type}: data must be a JSON object, array or string`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function decodeData(event: EsdbRecordedEvent): unknown {
  if (!(event.data instanceof Uint8Array)) return event.data;
  // Binary events are not ours; decode them when they happen to hold JSON, else hand the bytes over.
  try {
    return JSON.parse(Buffer.from(event.data).toString('utf8')) as unknown;
  } catch {
    return event.data;
  }
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) {
    throw new Error(`event ${event.id} of ${event.streamId} has no position: EventStoreDB >= 22.6 is required`);
  }
  return {
    id: event.id,
    type: event.type,
    data: decodeData(event),
    // The client already parsed JSON metadata; events written by other tools may carry none of ours.
    metadata: (isPlainObject(event.metadata) ? event.metadata : {}) as EventMetadata,
    streamId: event.streamId,
    category: categoryOf(event.streamId),
    revision: event.revision,
    position: { commit: event.position.commit, prepare: event.position.prepare },
    recordedAt: event.created,
  };
}
