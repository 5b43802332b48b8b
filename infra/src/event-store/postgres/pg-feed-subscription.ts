import pg from 'pg';
import type { FeedSubscription, RecordedEvent, SubscriptionMessage } from '../event-store.js';
import type { GlobalPosition } from '../global-position.js';

export interface PgFeedSubscriptionOptions {
  connectionString: string;
  readBatch(after: GlobalPosition, maxCount: number): Promise<RecordedEvent[]>;
  /** Whether an event after this position has committed, readable or not yet (held back by an older open transaction). */
  hasCommittedAfter(after: GlobalPosition): Promise<boolean>;
  batchSize: number;
  /** Fallback poll when no notification arrives (a NOTIFY can be lost with its connection). */
  pollIntervalMs: number;
  /** Cap of the reconnect backoff after a failed read or a lost LISTEN connection. */
  maxBackoffMs: number;
}

const DEFAULTS = { batchSize: 500, pollIntervalMs: 1000, maxBackoffMs: 5000 };
/** First re-poll after a wake-up that found nothing readable yet (an older transaction was still open). */
const FIRST_RETRY_MS = 5;

/**
 * Catch-up then live reading of the PostgreSQL feed: reads batches after the last delivered
 * position until a short batch, then sleeps until LISTEN/NOTIFY wakes it or the fallback poll
 * fires. A notification carries no data: it only says "read again".
 */
export class PgFeedSubscription implements FeedSubscription {
  private readonly options: PgFeedSubscriptionOptions;
  private closed = false;
  private iterating = false;
  private listener: pg.Client | undefined;
  private listenerRetry: NodeJS.Timeout | undefined;
  private listenerBackoffMs = 100;
  private wakeUp: (() => void) | undefined;
  private notified = false;

  constructor(
    options: Partial<PgFeedSubscriptionOptions> &
      Pick<PgFeedSubscriptionOptions, 'connectionString' | 'readBatch' | 'hasCommittedAfter'>,
    private readonly start: GlobalPosition,
    private readonly onClose: () => void,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SubscriptionMessage> {
    if (this.iterating) throw new Error('a feed subscription can be iterated once');
    this.iterating = true;
    void this.listen();
    let after = this.start;
    let caughtUp = false;
    let retryMs = FIRST_RETRY_MS;
    let failures = 0;
    // A full batch means more is there: the next one is read while this one is delivered.
    let prefetched: Promise<RecordedEvent[]> | undefined;
    try {
      while (!this.closed) {
        this.notified = false;
        let batch: RecordedEvent[];
        let heldBack = false;
        try {
          const reading = prefetched ?? this.options.readBatch(after, this.options.batchSize);
          prefetched = undefined;
          batch = await reading;
          if (batch.length === this.options.batchSize) {
            prefetched = this.options.readBatch(batch.at(-1)!.position, this.options.batchSize);
            // Awaited on the next turn, or dropped when the subscription closes first.
            prefetched.catch(() => undefined);
          }
          // "Caught up" promises that everything committed so far was delivered: not while
          // a committed event still waits behind an older open transaction.
          if (!caughtUp && batch.length < this.options.batchSize) {
            heldBack = await this.options.hasCommittedAfter(batch.at(-1)?.position ?? after);
          }
          failures = 0;
        } catch {
          // The pool replaces broken connections; keep the position and try again.
          failures += 1;
          await this.sleep(Math.min(this.options.maxBackoffMs, 50 * 2 ** failures));
          continue;
        }
        for (const event of batch) {
          yield { kind: 'event', event };
          after = event.position;
          if (this.closed) return;
        }
        if (batch.length === this.options.batchSize) {
          caughtUp = false;
          continue;
        }
        if (heldBack) {
          await this.sleep(FIRST_RETRY_MS);
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught-up' };
        }
        if (batch.length > 0) {
          retryMs = FIRST_RETRY_MS;
          continue;
        }
        if (this.notified) {
          // Something committed but is not readable yet: retry soon, then less and less often.
          retryMs = FIRST_RETRY_MS;
          await this.sleep(retryMs);
          continue;
        }
        await this.sleep(Math.min(retryMs, this.options.pollIntervalMs));
        retryMs = this.notified ? FIRST_RETRY_MS : Math.min(retryMs * 2, this.options.pollIntervalMs);
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.listenerRetry);
    this.wakeUp?.();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    this.onClose();
  }

  /** Resolves after `ms`, or earlier on a notification or close. */
  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Read again now: something was appended. */
  wake(): void {
    this.notify();
  }

  private notify(): void {
    this.notified = true;
    this.wakeUp?.();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString });
    const lost = (): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      this.scheduleListen();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.notify());
    try {
      await client.connect();
      await client.query('LISTEN es_events');
      if (this.closed) {
        await client.end();
        return;
      }
      this.listener = client;
      this.listenerBackoffMs = 100;
      // Whatever committed while we were not listening: read again.
      this.notify();
    } catch {
      await client.end().catch(() => undefined);
      this.scheduleListen();
    }
  }

  private scheduleListen(): void {
    if (this.closed) return;
    const delay = this.listenerBackoffMs;
    this.listenerBackoffMs = Math.min(this.listenerBackoffMs * 2, this.options.maxBackoffMs);
    this.listenerRetry = setTimeout(() => void this.listen(), delay);
  }
}
