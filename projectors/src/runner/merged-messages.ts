import type { ConsumerMessages, JsMsg } from '@concert/infra';

/** One durable consumer of a projection's feed (one subject filter). */
export interface FeedSource {
  messages: ConsumerMessages;
  /** The consumer sequence of its last delivery before these messages (deliveries of earlier sessions). */
  delivered: number;
  /**
   * Asks the server whether the consumer has nothing left to deliver; resolves the consumer
   * sequence of its last delivery when so, undefined when it has (or the question failed).
   */
  drainedThrough(): Promise<number | undefined>;
}

/** What the runner reads messages from: a projection's consumers as one feed in stream order. */
export interface FeedMessages extends AsyncIterable<JsMsg> {
  /** Ends the feed: what the consumers still buffer or deliver comes out (to give back), then the iteration ends. */
  stop(): void;
  /** Messages ready to be read right now: none means a batch should be applied now. */
  buffered(): number;
}

/** How soon a consumer that still had messages to deliver is asked again, in case none comes. */
const RECHECK_MS = 20;

/**
 * Several filtered consumers of one stream read as one feed, in stream order. Each consumer
 * delivers its own subjects in stream order; a message is passed on once no other consumer can
 * still deliver an earlier one: that consumer has a later message waiting here, or, asked after
 * the message arrived, had delivered everything of its filter (nothing pending then means none
 * older than the message can come). With one consumer, messages pass straight through.
 * Nothing is reordered or dropped here: what the runner checks (duplicates, lost deliveries)
 * it checks on the merged feed.
 */
export class MergedMessages implements FeedMessages {
  private readonly queues: JsMsg[][];
  /** Per consumer: stream sequence up to which it is known to have delivered all it has. */
  private readonly clearThrough: number[];
  /** Per consumer: highest consumer (delivery) sequence received. */
  private readonly lastDelivery: number[];
  private readonly checking: boolean[];
  private readonly ready: JsMsg[] = [];
  private readyHead = 0;
  /** Highest stream sequence received from any consumer. */
  private maxSeen = 0;
  private running: number;
  private stopped = false;
  private dropped = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private recheck: NodeJS.Timeout | undefined;

  /**
   * `closed`: the connection's end, which stops the consumers (their iterators, read ahead
   * here, would otherwise wait for messages that never come).
   */
  constructor(
    private readonly sources: readonly FeedSource[],
    closed: Promise<unknown>,
  ) {
    this.queues = sources.map(() => []);
    this.clearThrough = sources.map(() => 0);
    this.lastDelivery = sources.map((source) => source.delivered);
    this.checking = sources.map(() => false);
    this.running = sources.length;
    for (const [i, source] of sources.entries()) void this.pump(i, source.messages);
    void closed.finally(() => this.drop());
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.recheck);
    for (const source of this.sources) {
      try {
        source.messages.stop();
      } catch {
        // Already ended (a closed connection): nothing more comes from it.
      }
    }
    // Everything held here goes out to be given back; order no longer matters.
    for (const queue of this.queues) this.ready.push(...queue.splice(0));
    this.notify();
  }

  /** The connection is gone: what is held here can be neither applied and acked nor given back (the server redelivers it). */
  private drop(): void {
    this.ready.length = 0;
    this.readyHead = 0;
    for (const queue of this.queues) queue.length = 0;
    this.stop();
    this.stopped = true;
    this.dropped = true;
  }

  buffered(): number {
    return this.ready.length - this.readyHead;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<JsMsg> {
    for (;;) {
      if (this.readyHead < this.ready.length) {
        const message = this.ready[this.readyHead++]!;
        if (this.readyHead === this.ready.length) {
          this.ready.length = 0;
          this.readyHead = 0;
        }
        yield message;
        continue;
      }
      if (this.running === 0) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private async pump(i: number, messages: ConsumerMessages): Promise<void> {
    try {
      for await (const message of messages) {
        if (this.dropped) continue;
        if (this.stopped) {
          this.ready.push(message);
        } else {
          this.queues[i]!.push(message);
          this.lastDelivery[i] = Math.max(this.lastDelivery[i]!, message.info.deliverySequence);
          this.maxSeen = Math.max(this.maxSeen, message.info.streamSequence);
          this.release();
        }
        this.notify();
      }
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.running -= 1;
      // One consumer gone (a closed connection, an error): the feed cannot stay in order without it.
      this.stop();
      this.notify();
    }
  }

  /** Moves every message no other consumer can precede to `ready`. */
  private release(): void {
    if (this.stopped) return;
    for (;;) {
      let first = -1;
      for (const [i, queue] of this.queues.entries()) {
        const head = queue[0];
        if (head && (first < 0 || head.info.streamSequence < this.queues[first]![0]!.info.streamSequence)) first = i;
      }
      if (first < 0) return;
      const sequence = this.queues[first]![0]!.info.streamSequence;
      let blocked = false;
      for (const [i, queue] of this.queues.entries()) {
        if (i === first || queue.length > 0 || this.clearThrough[i]! >= sequence) continue;
        blocked = true;
        this.check(i);
      }
      if (blocked) return;
      this.ready.push(this.queues[first]!.shift()!);
    }
  }

  /** Asks whether consumer `i` has anything left; if not, it cannot precede what arrived before the question. */
  private check(i: number): void {
    if (this.checking[i]) return;
    this.checking[i] = true;
    const asOf = this.maxSeen;
    void this.sources[i]!.drainedThrough()
      .catch(() => undefined)
      .then((delivered) => {
        this.checking[i] = false;
        if (delivered !== undefined && delivered <= this.lastDelivery[i]!)
          this.clearThrough[i] = Math.max(this.clearThrough[i]!, asOf);
        const before = this.buffered();
        this.release();
        if (this.buffered() > before) this.notify();
        // Still waiting on a consumer that said it had more: ask again unless a message comes first.
        if (!this.stopped && this.queues.some((q) => q.length > 0) && this.recheck === undefined) {
          this.recheck = setTimeout(() => {
            this.recheck = undefined;
            const waiting = this.buffered();
            this.release();
            if (this.buffered() > waiting) this.notify();
          }, RECHECK_MS);
        }
      });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
