import type { EventMetadata, FeedFilter, RecordedEvent } from '../event-store.js';
import type { GlobalPosition } from '../global-position.js';

export interface EventRow {
  commit_text: string;
  prepare_text: string;
  stream_id: string;
  revision_text: string;
  category: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    category: row.category,
    revision: BigInt(row.revision_text),
    position: { commit: BigInt(row.commit_text), prepare: BigInt(row.prepare_text) },
    recordedAt: row.recorded_at,
  };
}

/** What a feed read selects besides its start (ReadAllOptions without `after`). */
export interface FeedBounds {
  until?: GlobalPosition;
  recordedFrom?: Date;
  recordedBefore?: Date;
  filter?: FeedFilter;
}

/**
 * The gap-safe feed read (docs/architecture.md, 'The gap-safe PostgreSQL feed'): only transactions
 * below the oldest running one are read, so every event that will ever become visible with a
 * smaller (transaction, position) than the last one returned is already visible now.
 */
export function feedQuery(
  columns: string,
  after: GlobalPosition,
  maxCount: number,
  bounds: FeedBounds = {},
): { text: string; values: unknown[] } {
  const { where, values } = afterPosition(after, bounds.filter);
  let bounded = where;
  if (bounds.until) {
    values.push(bounds.until.commit.toString(), bounds.until.prepare.toString());
    bounded += ` AND (transaction_id, global_position) <= ($${values.length - 1}::xid8, $${values.length}::bigint)`;
  }
  if (bounds.recordedFrom) {
    values.push(bounds.recordedFrom);
    bounded += ` AND recorded_at >= $${values.length}`;
  }
  if (bounds.recordedBefore) {
    values.push(bounds.recordedBefore);
    bounded += ` AND recorded_at < $${values.length}`;
  }
  values.push(maxCount);
  const text = `SELECT ${columns} FROM es_events
    WHERE transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot())) AND ${bounded}
    ORDER BY transaction_id, global_position
    LIMIT $${values.length}`;
  return { text, values };
}

/** Whether any matching event after the position has committed, visible to the feed yet or not. */
export function committedAfterQuery(
  after: GlobalPosition,
  filter: FeedFilter | undefined,
): { text: string; values: unknown[] } {
  const { where, values } = afterPosition(after, filter);
  return { text: `SELECT EXISTS (SELECT 1 FROM es_events WHERE ${where}) AS found`, values };
}

function afterPosition(after: GlobalPosition, filter: FeedFilter | undefined): { where: string; values: unknown[] } {
  const values: unknown[] = [after.commit.toString(), after.prepare.toString()];
  let where = '(transaction_id, global_position) > ($1::xid8, $2::bigint)';
  if (filter?.categories?.length) {
    values.push(filter.categories);
    where += ` AND category = ANY($${values.length}::text[])`;
  }
  if (filter?.eventTypes?.length) {
    values.push(filter.eventTypes);
    where += ` AND event_type = ANY($${values.length}::text[])`;
  }
  if (filter?.streamIds?.length) {
    values.push(filter.streamIds);
    where += ` AND stream_id = ANY($${values.length}::text[])`;
  }
  return { where, values };
}
