import type { Writable } from 'node:stream';
import type { EventStore } from '@concert/infra';
import { csvColumns } from './csv-columns.js';
import { CsvSink, NdjsonSink, type EventSink, type ExportFormat } from './event-sinks.js';
import { toExportedEvent } from './exported-event.js';
import { readSelection } from './read-selection.js';
import type { Selection } from './selection.js';

export interface ExportOptions {
  selection: Selection;
  format: ExportFormat;
  /** Data as stored instead of upcast to the current schema version. */
  raw: boolean;
  follow: boolean;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface ExportSummary {
  events: number;
  /** Position of the last event written (resume with --from-position). */
  lastPosition?: string;
}

/** Streams the selected events to `out` in constant memory; does not end `out`. */
export async function exportEvents(store: EventStore, out: Writable, options: ExportOptions): Promise<ExportSummary> {
  const sink: EventSink =
    options.format === 'csv' ? new CsvSink(out, csvColumns(options.selection.filter)) : new NdjsonSink(out);
  const summary: ExportSummary = { events: 0 };
  // Once live, each event is written at once instead of when a chunk fills up.
  let live = false;
  const events = readSelection(store, options.selection, {
    follow: options.follow,
    signal: options.signal,
    batchSize: options.batchSize,
    onLive: async () => {
      live = true;
      await sink.flush();
    },
  });
  for await (const recorded of events) {
    const exported = toExportedEvent(recorded, options.raw);
    const wait = sink.write(exported);
    summary.events += 1;
    summary.lastPosition = exported.position;
    if (wait) await wait;
    if (live) await sink.flush();
  }
  await sink.flush();
  return summary;
}
