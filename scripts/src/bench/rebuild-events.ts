/**
 * Fills an event store database with the realistic mix of projection-workload.ts, fast: rows
 * go straight into `es_events` with one multi-row INSERT per few thousand events (one jsonb
 * parameter each), in workload order, so stream revisions and the feed order are what the
 * command handlers would have produced. Only for scratch databases: it bypasses es_append's
 * revision checks (the workload computes the revisions itself).
 */
import { categoryOf, type NewEvent } from '@concert/infra';
import pg from 'pg';
import { Workload, type Op } from './projection-workload.js';

export interface GenerateOptions {
  connectionString: string;
  events: number;
  /** Events per INSERT (and per transaction, so per feed transaction id). */
  chunk?: number;
  onProgress?: (appended: number) => void;
}

interface Row {
  stream_id: string;
  stream_revision: string;
  category: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
}

const SEATS_PER_SCHEDULE = 2_500;

/** Appends about `events` events (exactly that many, unless the seat maps run out first); returns how many. */
export async function generateEvents(options: GenerateOptions): Promise<number> {
  const chunk = options.chunk ?? 5_000;
  // A function scan yields the array in order, so global_position follows workload order.
  // Paid reservations keep their seats: enough seats for the budget (about one seat per 8 events).
  const schedules = Math.max(4, Math.ceil(options.events / 8 / SEATS_PER_SCHEDULE) + 2);
  const workload = new Workload({ schedules, seatsPerSchedule: SEATS_PER_SCHEDULE, schedulesPerConcert: 4, users: Math.max(1_000, Math.round(options.events / 20)) });
  const revisions = new Map<string, number>();
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  let pending: Row[] = [];
  let appended = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    await client.query(
      `INSERT INTO es_events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
       SELECT stream_id, stream_revision, category, event_id, event_type, data, metadata
         FROM jsonb_to_recordset($1::jsonb) AS r(stream_id text, stream_revision bigint, category text, event_id uuid, event_type text, data jsonb, metadata jsonb)`,
      [JSON.stringify(pending)],
    );
    appended += pending.length;
    pending = [];
    options.onProgress?.(appended);
  };
  const add = async (op: Op): Promise<void> => {
    for (const write of op.writes) {
      for (const event of write.events) pending.push(row(write.streamId, event, revisions));
    }
    if (pending.length >= chunk) await flush();
  };
  try {
    for (const op of workload.setup()) await add(op);
    let budget = options.events - workload.setupEvents;
    while (budget > 0) {
      const lifecycle = workload.next(budget);
      for (const op of lifecycle.ops) await add(op);
      lifecycle.done();
      budget -= lifecycle.events;
    }
    await flush();
  } finally {
    await client.end();
  }
  return appended;
}

function row(streamId: string, event: NewEvent, revisions: Map<string, number>): Row {
  const revision = (revisions.get(streamId) ?? -1) + 1;
  revisions.set(streamId, revision);
  return {
    stream_id: streamId,
    stream_revision: String(revision),
    category: categoryOf(streamId),
    event_id: event.id!,
    event_type: event.type,
    data: event.data,
    metadata: event.metadata,
  };
}
