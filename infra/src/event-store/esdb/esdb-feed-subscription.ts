import type { AllStreamResolvedEvent, AllStreamSubscription, EventStoreDBClient } from '@eventstore/db-client';
import type { FeedSubscription, SubscribeOptions, SubscriptionMessage } from '../event-store.js';
import type { GlobalPosition } from '../global-position.js';
import { feedPredicate, isAfter, serverFilterFor, toReadPosition, toRecordedEvent } from './esdb-mapping.js';

export interface EsdbFeedSubscriptionSettings {
  /** Messages buffered ahead of the consumer before the server stream is paused. */
  maxBuffered: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** Told about every dropped connection before the resubscription; for logs. */
  onDrop?: (error: Error, retryInMs: number) => void;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: EsdbFeedSubscriptionSettings = {
  maxBuffered: 256,
  initialRetryDelayMs: 100,
  maxRetryDelayMs: 5_000,
};

const ignore = (): void => undefined;

/**
 * A catch-up subscription to `$all` that outlives its gRPC call: each drop resubscribes
 * after the last position received, with exponential backoff, until close().
 */
export class EsdbFeedSubscription implements FeedSubscription {
  private readonly queue: SubscriptionMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly matches: (streamId: string, type: string) => boolean;
  private current: AllStreamSubscription | undefined;
  private paused = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  /** Resume point: the last event received from the server, delivered or filtered out. */
  private lastPosition: GlobalPosition | undefined;

  constructor(
    private readonly client: Pick<EventStoreDBClient, 'subscribeToAll'>,
    private readonly options: SubscribeOptions,
    private readonly settings: EsdbFeedSubscriptionSettings,
    private readonly onClosed: () => void,
  ) {
    this.matches = feedPredicate(options.filter);
    this.lastPosition = options.after;
    this.retryDelayMs = settings.initialRetryDelayMs;
    this.connect();
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.queue.length = 0;
    this.wake();
    const subscription = this.current;
    this.current = undefined;
    this.onClosed();
    if (subscription) await unsubscribe(subscription);
  }

  private async next(): Promise<IteratorResult<SubscriptionMessage>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const message = this.queue.shift();
      if (message) {
        this.resumeIfDrained();
        return { done: false, value: message };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private connect(): void {
    if (this.closed) return;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        fromPosition: toReadPosition(this.lastPosition),
        filter: serverFilterFor(this.options.filter),
      });
    } catch (error) {
      // Runs from a retry timer too, where a throw would be an uncaught exception.
      this.retryLater(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.current = subscription;
    this.paused = false;
    // 'caughtUp' is emitted while events read before it may still sit in the stream's own
    // buffer; it is delivered after those, counted in raw 'data' events of this call.
    let received = 0;
    const caughtUpAfter: number[] = [];

    subscription.on('confirmation', () => {
      if (subscription === this.current) this.retryDelayMs = this.settings.initialRetryDelayMs;
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (subscription !== this.current) return;
      received += 1;
      const event = resolved.event;
      if (event && isAfter(event.position, this.lastPosition)) {
        this.lastPosition = event.position;
        if (this.matches(event.streamId, event.type)) this.push({ kind: 'event', event: toRecordedEvent(event) });
      }
      while (caughtUpAfter[0] !== undefined && caughtUpAfter[0] <= received) {
        caughtUpAfter.shift();
        this.push({ kind: 'caught-up' });
      }
      if (!this.paused && this.queue.length >= this.settings.maxBuffered) {
        this.paused = true;
        subscription.pause();
      }
    });
    subscription.on('caughtUp', () => {
      if (subscription !== this.current) return;
      const pending = subscription.readableLength;
      if (pending === 0) this.push({ kind: 'caught-up' });
      else caughtUpAfter.push(received + pending);
    });
    subscription.on('error', (error: Error) => this.drop(subscription, error));
    subscription.on('end', () => this.drop(subscription, new Error('subscription to $all ended by the server')));
  }

  private drop(subscription: AllStreamSubscription, error: Error): void {
    if (subscription !== this.current || this.closed) return;
    this.current = undefined;
    void unsubscribe(subscription);
    this.retryLater(error);
  }

  private retryLater(error: Error): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, this.settings.maxRetryDelayMs);
    this.settings.onDrop?.(error, delay);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private push(message: SubscriptionMessage): void {
    this.queue.push(message);
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private resumeIfDrained(): void {
    if (this.paused && this.current && this.queue.length <= this.settings.maxBuffered / 2) {
      this.paused = false;
      this.current.resume();
    }
  }
}

/** Cancels the gRPC call; a late 'error' from it must not crash the process. */
async function unsubscribe(subscription: AllStreamSubscription): Promise<void> {
  subscription.on('error', ignore);
  try {
    await subscription.unsubscribe();
  } catch {
    // The call never started (connection failure): nothing to cancel.
  }
}
