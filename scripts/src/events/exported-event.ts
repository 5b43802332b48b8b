import { currentSchemaVersion, EventSchemaError, isDomainEventType, parseEvent } from '@concert/domain';
import { formatPosition, type EventMetadata, type RecordedEvent } from '@concert/infra';

/** One event as an export writes it (an NDJSON line) and as a replay module receives it. */
export interface ExportedEvent {
  /** Global position, `commit.prepare` as in consistency tokens. */
  position: string;
  streamId: string;
  revision: number;
  type: string;
  /** The version of `data` as given here: the current one when upcast, the stored one with --raw. */
  schemaVersion?: number;
  id: string;
  /** When the store recorded the event (ISO-8601). */
  time: string;
  data: unknown;
  /** As stored (its schemaVersion is the one the event was written with). */
  metadata: EventMetadata;
}

/** A stored event the domain cannot read (unknown type, invalid data, a version too new). */
export class UpcastError extends Error {
  constructor(event: RecordedEvent, cause: EventSchemaError) {
    super(
      `event ${formatPosition(event.position)} (${event.type} in ${event.streamId}) cannot be upcast: ${cause.message}` +
        `${cause.issues.length ? ` (${cause.issues.join('; ')})` : ''}; use --raw to read it as stored`,
    );
    this.name = 'UpcastError';
  }
}

/**
 * Upcast (the default): data is validated and brought to the current schema version through
 * the domain's registry, exactly as deciders and projectors read it. Raw: data as stored.
 */
export function toExportedEvent(event: RecordedEvent, raw: boolean): ExportedEvent {
  const storedVersion = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : undefined;
  let data = event.data;
  let schemaVersion = storedVersion;
  if (!raw) {
    try {
      data = parseEvent(event.type, storedVersion ?? 1, event.data).data;
    } catch (error) {
      if (error instanceof EventSchemaError) throw new UpcastError(event, error);
      throw error;
    }
    if (isDomainEventType(event.type)) schemaVersion = currentSchemaVersion(event.type);
  }
  return {
    position: formatPosition(event.position),
    streamId: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    ...(schemaVersion === undefined ? {} : { schemaVersion }),
    id: event.id,
    time: event.recordedAt.toISOString(),
    data,
    metadata: event.metadata,
  };
}
