import type { Logger } from '@concert/infra';
import type { Knex } from 'knex';
import { advanceCheckpoint, type Checkpoint } from '../runner/checkpoint-store.js';

/**
 * Stores the relay's checkpoint in the background, coalesced: at most one write in flight and
 * one per `intervalMs`, always of the newest value. A failed write is only logged: the
 * checkpoint is for observability and for an empty stream, the stream itself is the record.
 */
export class CheckpointWriter {
  private latest: Checkpoint | undefined;
  private written: Checkpoint | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = 0;
  private closed = false;

  constructor(
    private readonly knex: Knex,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  offer(checkpoint: Checkpoint): void {
    this.latest = checkpoint;
    this.schedule();
  }

  /** Writes the newest value now and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.latest !== this.written) await this.write();
  }

  /** Writes what is pending, then stops writing. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.closed || this.writing || this.timer) return;
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
  }

  private write(): Promise<void> {
    const value = this.latest;
    if (value === undefined || value === this.written) return Promise.resolve();
    this.lastWriteAt = Date.now();
    this.writing = advanceCheckpoint(this.knex, this.name, value)
      .then(
        () => {
          this.written = value;
        },
        (error: unknown) => this.logger.warn({ err: error }, 'could not store the relay checkpoint'),
      )
      .finally(() => {
        this.writing = undefined;
        if (this.latest !== this.written) this.schedule();
      });
    return this.writing;
  }
}
