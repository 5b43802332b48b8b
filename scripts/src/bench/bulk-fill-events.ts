/**
 * Fills an event store database with a realistic mix of events fast: the lifecycles of
 * projection-workload.ts (concerts, schedules, holds, payments, expiries, cancellations,
 * wallet top-ups, each checked against the domain registry), inserted by multi-row SQL
 * statements instead of one append per command. Only for a scratch database with no other
 * writer: the stream revisions are counted here, which es_append would do under its lock.
 */
import pg from 'pg';
import { categoryOf, type NewEvent, type StreamWrite } from '@concert/infra';
import { Workload } from './projection-workload.js';

export interface BulkFillOptions {
  databaseUrl: string;
  events: number;
  /** Events per INSERT (one transaction each). */
  batchSize?: number;
  onProgress?: (inserted: number) => void;
}

export interface BulkFillResult {
  events: number;
  seconds: number;
  /** Event counts by type. */
  counts: Map<string, number>;
}

const SEATS_PER_SCHEDULE = 2_500;

/** One JSON text per statement: cheaper to build than seven escaped array parameters. */
const INSERT_SQL = `
  INSERT INTO es_events (stream_id, stream_revision, category, event_id, event_type, data, metadata)
  SELECT e->>0, (e->>1)::bigint, e->>2, (e->>3)::uuid, e->>4, e->5, e->6
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS rows(e, n)
  ORDER BY n`;

type Row = [
  streamId: string,
  revision: number,
  category: string,
  id: string,
  type: string,
  data: unknown,
  metadata: unknown,
];

export async function bulkFillEvents(options: BulkFillOptions): Promise<BulkFillResult> {
  const batchSize = options.batchSize ?? 5_000;
  const schedules = Math.max(2, Math.ceil((options.events * 0.2) / SEATS_PER_SCHEDULE));
  const workload = new Workload({
    schedules,
    seatsPerSchedule: SEATS_PER_SCHEDULE,
    schedulesPerConcert: 4,
    users: Math.max(1_000, Math.round(options.events / 20)),
  });
  if (workload.setupEvents >= options.events) throw new Error(`at least ${workload.setupEvents + 1} events are needed`);
  const revisions = new Map<string, number>();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const started = performance.now();
  let rows: Row[] = [];
  let inserted = 0;
  // One INSERT in flight while the next batch is generated: the server works meanwhile.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    if (rows.length === 0) return;
    const text = JSON.stringify(rows);
    const count = rows.length;
    rows = [];
    await inFlight;
    inFlight = client.query(INSERT_SQL, [text]).then(() => {
      inserted += count;
      options.onProgress?.(inserted);
    });
    inFlight.catch(() => undefined);
  };
  const add = async (writes: readonly StreamWrite[]): Promise<void> => {
    for (const write of writes) {
      for (const event of write.events) addRow(rows, revisions, write.streamId, event);
    }
    if (rows.length >= batchSize) await flush();
  };
  try {
    for (const op of workload.setup()) await add(op.writes);
    let remaining = options.events - workload.setupEvents;
    while (remaining > 0) {
      const lifecycle = workload.next(remaining);
      remaining -= lifecycle.events;
      for (const op of lifecycle.ops) await add(op.writes);
      lifecycle.done();
    }
    await flush();
    await inFlight;
  } finally {
    await client.end();
  }
  return { events: inserted, seconds: (performance.now() - started) / 1000, counts: new Map(workload.counts) };
}

function addRow(rows: Row[], revisions: Map<string, number>, streamId: string, event: NewEvent): void {
  const revision = (revisions.get(streamId) ?? -1) + 1;
  revisions.set(streamId, revision);
  rows.push([streamId, revision, categoryOf(streamId), event.id!, event.type, event.data, event.metadata]);
}
