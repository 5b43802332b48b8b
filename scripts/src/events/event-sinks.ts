import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { ChunkWriter } from './chunk-writer.js';
import { CsvRowBuilder } from './csv-columns.js';
import type { ExportedEvent } from './exported-event.js';

/** Where exported events go, formatted. write() returns a promise only under back-pressure. */
export interface EventSink {
  write(event: ExportedEvent): Promise<void> | undefined;
  /** Writes what is buffered; does not end the destination. */
  flush(): Promise<void>;
}

export type ExportFormat = 'ndjson' | 'csv';

/** One JSON object per line. */
export class NdjsonSink implements EventSink {
  private readonly writer: ChunkWriter;

  constructor(out: Writable) {
    this.writer = new ChunkWriter(out);
  }

  write(event: ExportedEvent): Promise<void> | undefined {
    return this.writer.write(`${JSON.stringify(event)}\n`);
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }
}

const CSV_ROWS_PER_CHUNK = 256;

/** A header row, then one row per event; quoting by csv-stringify (RFC 4180: commas, quotes, line breaks). */
export class CsvSink implements EventSink {
  private readonly writer: ChunkWriter;
  private readonly rows: CsvRowBuilder;
  private pending: string[][] = [];

  constructor(out: Writable, columns: readonly string[]) {
    this.writer = new ChunkWriter(out);
    this.rows = new CsvRowBuilder(columns);
    void this.writer.write(stringify([columns]));
  }

  write(event: ExportedEvent): Promise<void> | undefined {
    this.pending.push(this.rows.row(event));
    if (this.pending.length < CSV_ROWS_PER_CHUNK) return undefined;
    return this.writeRows();
  }

  async flush(): Promise<void> {
    await this.writeRows();
    await this.writer.flush();
  }

  private writeRows(): Promise<void> | undefined {
    if (this.pending.length === 0) return undefined;
    const text = stringify(this.pending);
    this.pending = [];
    return this.writer.write(text);
  }
}
