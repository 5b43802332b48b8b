import {
  categorySubject,
  consumerInfo,
  ensureDurableConsumer,
  resetDurableConsumer,
  type ConsumerMessages,
  type DurableConsumerOptions,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from '@concert/infra';
import type { Checkpoint } from './checkpoint-store.js';
import { MergedMessages, type FeedMessages } from './merged-messages.js';
import { SharedStreamTail } from './shared-stream-tail.js';

/** One durable consumer of the projection and the subjects it takes. */
export interface FeedConsumer {
  /** `proj_<name>`, or `proj_<name>_<category>` for one of several. */
  durable: string;
  /** `<prefix>.>` (the whole stream) or `<prefix>.<category>.>` (categorySubject). */
  filterSubject: string;
}

export interface ProjectionFeedOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  /**
   * The projection's durable consumers, one per subject filter (nats-server 2.9 takes one filter
   * per consumer): the whole stream, one category, or one per category read as one feed in
   * stream order (merged-messages.ts).
   */
  consumers: readonly FeedConsumer[];
  /** Whether the one filter takes every message of the stream (then stream sequences have no gaps). */
  wholeStream: boolean;
  /** Messages per pull; also what the client buffers at most beyond what is being applied. */
  batchSize: number;
  /** A message not acked within this is redelivered (a crashed consumer). */
  ackWaitMs: number;
  /** The stream's last message as the process's projections share it; default: this feed's own reads. */
  tail?: SharedStreamTail;
}

/** One run of the consumers: their messages and the delivery sequence each one's first must carry. */
export interface FeedSession {
  messages: FeedMessages;
  /** Per consumer (by durable name), its delivery sequence expected next: a jump means a delivery was lost in transit. */
  nextDelivery: Map<string, number>;
}

/**
 * The JetStream side of one projection: durable pull consumers read with `consume()`, whose
 * pull requests stay open across batches (none ends while a batch is applied, so no message
 * goes to a request the client gave up on). The server hands out at most `4 x batchSize`
 * unacknowledged messages (`max_ack_pending`): the bound of the client's buffer. Acks are
 * cumulative (ack policy `all`), one per consumer and committed batch.
 */
export class ProjectionFeed {
  private readonly tail: SharedStreamTail;
  /** The consumers' subject filters (categorySubject of each category read). */
  private readonly filters: ReadonlySet<string>;

  constructor(private readonly options: ProjectionFeedOptions) {
    this.filters = new Set(options.consumers.map((consumer) => consumer.filterSubject));
    this.tail = options.tail ?? SharedStreamTail.of(options.jsm, options.stream, options.subjectPrefix, 0);
  }

  get wholeStream(): boolean {
    return this.options.wholeStream;
  }

  /**
   * Starts consuming after the checkpoint. A consumer with unacknowledged deliveries (a
   * crashed or stopped predecessor, a resync), or created otherwise, is created again from
   * the first message not both acked and applied: everything after it then comes in stream
   * order, and what the predecessor committed without acking comes again first, skipped as
   * duplicates. (Left as it was, JetStream would hand out newer messages before redelivering
   * the old ones after ack_wait.)
   */
  async open(checkpoint: Checkpoint): Promise<FeedSession> {
    const opened = await Promise.all(this.options.consumers.map((consumer) => this.openConsumer(consumer, checkpoint)));
    const { nc, jsm, stream } = this.options;
    const messages = new MergedMessages(
      opened.map(({ messages, durable, nextDelivery }) => ({
        messages,
        delivered: nextDelivery - 1,
        async drainedThrough() {
          const info = await jsm.consumers.info(stream, durable);
          return info.num_pending === 0 ? info.delivered.consumer_seq : undefined;
        },
      })),
      nc.closed(),
    );
    return { messages, nextDelivery: new Map(opened.map(({ durable, nextDelivery }) => [durable, nextDelivery])) };
  }

  private async openConsumer(
    { durable, filterSubject }: FeedConsumer,
    checkpoint: Checkpoint,
  ): Promise<{ durable: string; messages: ConsumerMessages; nextDelivery: number }> {
    const { js, jsm, stream } = this.options;
    const existing = await consumerInfo(jsm, stream, durable);
    // No consumer (first start, or the stream itself was recreated): from the stream's start,
    // where the continuity check skips what the checkpoint has and holds back a stream whose
    // sequences restarted, rather than trusting the checkpoint's sequence in a new stream.
    const acked = existing?.ack_floor.stream_seq ?? 0;
    const wanted: DurableConsumerOptions = {
      stream,
      durable,
      filterSubject,
      maxAckPending: this.options.batchSize * 4,
      ackWaitMs: this.options.ackWaitMs,
      ackPolicy: 'all',
      startSequence:
        (existing === undefined || checkpoint.streamSequence === 0
          ? acked
          : Math.min(acked, checkpoint.streamSequence)) + 1,
    };
    const inSync =
      existing !== undefined &&
      existing.config.ack_policy === 'all' &&
      existing.config.filter_subject === wanted.filterSubject &&
      existing.num_ack_pending === 0;
    const info = inSync ? await ensureDurableConsumer(jsm, wanted) : await resetDurableConsumer(jsm, wanted);
    const consumer = await js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: this.options.batchSize });
    return { durable, messages, nextDelivery: info.delivered.consumer_seq + 1 };
  }

  /** Resolves once the server has processed everything sent so far (a stopped consume's unsubscribe). */
  flush(): Promise<void> {
    return this.options.nc.flush();
  }

  /**
   * Where a filtered projection stands when it has nothing left to do: the stream's last
   * message, provided that, read after it, the consumer has nothing pending or unacked (every
   * message of its filter up to there was applied and acked). Undefined while it has work.
   * Without this, a filtered projection's checkpoint would stop at its own category's last
   * event, and a consistency token of a later event elsewhere would wait for it in vain.
   * A tail in one of its own categories is left to the batch that applies it (which moves the
   * checkpoint there), without asking the consumers: under writes of a few categories, that
   * spared half the consumer-info requests of the idle passes. A tail at or before `reached`
   * (the stream sequence the checkpoint is known to be at) is not asked about either: a quiet
   * stream costs the idle passes one shared tail read, not their consumers' states.
   */
  async passedTail(reached = 0): Promise<Checkpoint | undefined> {
    const { jsm, stream } = this.options;
    const last = await this.tail.read();
    if (!last || last.sequence <= reached) return undefined;
    if (this.filters.has(categorySubject(this.options.subjectPrefix, last.event.category))) return undefined;
    for (const { durable } of this.options.consumers) {
      const info = await jsm.consumers.info(stream, durable);
      if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined;
    }
    return { position: last.event.position, streamSequence: last.sequence };
  }

  /** Messages not yet acked by this projection: its lag. */
  async pending(): Promise<number> {
    const { jsm, stream } = this.options;
    const infos = await Promise.all(this.options.consumers.map(({ durable }) => jsm.consumers.info(stream, durable)));
    return infos.reduce((sum, info) => sum + info.num_pending + info.num_ack_pending, 0);
  }
}
