import type { FeedSubscription, RecordedEvent, SubscriptionMessage } from '../event-store.js';
import type { GlobalPosition } from '../global-position.js';

const BATCH_SIZE = 500;

/**
 * Catch-up then live reading of the in-memory feed: reads batches after the last delivered
 * position until a short one, says caught-up, then sleeps until the store wakes it after an
 * append (nothing can be lost in one process, so there is no polling).
 */
export class MemoryFeedSubscription implements FeedSubscription {
  private closed = false;
  private iterating = false;
  private appended = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly readBatch: (after: GlobalPosition, maxCount: number) => Promise<RecordedEvent[]>,
    private readonly start: GlobalPosition,
    private readonly onClose: () => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<SubscriptionMessage> {
    if (this.iterating) throw new Error('a feed subscription can be iterated once');
    this.iterating = true;
    let after = this.start;
    let caughtUp = false;
    try {
      while (!this.closed) {
        this.appended = false;
        const batch = await this.readBatch(after, BATCH_SIZE);
        for (const event of batch) {
          yield { kind: 'event', event };
          after = event.position;
          if (this.closed) return;
        }
        if (batch.length === BATCH_SIZE) continue;
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught-up' };
        }
        if (batch.length === 0 && !this.appended) await this.nextAppend();
      }
    } finally {
      await this.close();
    }
  }

  /** Read again: something was appended. */
  wake(): void {
    this.appended = true;
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    this.onClose();
  }

  private nextAppend(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = () => {
        this.wakeUp = undefined;
        resolve();
      };
    });
  }
}
