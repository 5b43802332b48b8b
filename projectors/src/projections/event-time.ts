import type { RecordedEvent } from '@concert/infra';

/**
 * When an event happened, for read-model timestamps: the decision time its command stamped
 * in the metadata, else the time the store recorded it. Both are stored with the event, so a
 * rebuild writes the same rows; the projector's own clock never reaches a read model.
 */
export function eventTime(recorded: RecordedEvent): Date {
  const occurredAt = Date.parse(recorded.metadata.occurredAt);
  return Number.isNaN(occurredAt) ? recorded.recordedAt : new Date(occurredAt);
}

const MINUTE_MS = 60_000;

/**
 * `date_trunc('minute', time)` done on epoch milliseconds: PostgreSQL's would follow the
 * session time zone, and a zone with a seconds offset would then move the buckets.
 */
export function minuteOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / MINUTE_MS) * MINUTE_MS);
}
