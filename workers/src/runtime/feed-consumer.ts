import {
  abortableSleep as sleep,
  allEventsSubject,
  ensureDurableConsumer,
  isConnectionClosed,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Logger,
} from '@concert/infra';
import type { PeriodicLoop } from './periodic-loop.js';

export interface FeedConsumerOptions {
  /** Names the consumer in logs. */
  name: string;
  /** The durable consumer every worker instance pulls from, so each event goes to one of them. */
  durable: string;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  batchSize?: number;
  /** Redelivery of a message nobody acked (a crashed worker); default 30 s. */
  ackWaitMs?: number;
  /** How long a batch that failed waits before it is delivered again. */
  retryDelayMs?: number;
  /**
   * Handles a batch, in one transaction of its own; acked once it resolves. Throwing has the
   * whole batch delivered again after `retryDelayMs`, so it must be idempotent per event.
   */
  handle(batch: readonly JsMsg[]): Promise<void>;
}

/** Where a worker's consumer reads the feed, and how it batches: what its caller passes through. */
export type FeedSource = Omit<FeedConsumerOptions, 'name' | 'durable' | 'handle'>;

const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_ACK_WAIT_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 1000;
/** How long one pull request waits for messages: also the longest a stop waits for the batch in hand. */
const FETCH_EXPIRES_MS = 1000;

/**
 * A worker's consumer of the whole feed (nats-server 2.9 allows one filter subject per
 * consumer, so handlers pass over the types they do not need). Unlike a projector it keeps no
 * checkpoint and no order: each batch is handled and acked, and a redelivered event must be a
 * no-op for the handler. Several instances share the durable consumer.
 */
export async function startFeedConsumer(options: FeedConsumerOptions): Promise<PeriodicLoop> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  await ensureDurableConsumer(options.jsm, {
    stream: options.stream,
    durable: options.durable,
    filterSubject: allEventsSubject(options.subjectPrefix),
    maxAckPending: batchSize * 4,
    ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
  });
  const consumer = await options.js.consumers.get(options.stream, options.durable);
  const { logger, name } = options;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const controller = new AbortController();
  let running = true;

  async function handle(batch: readonly JsMsg[]): Promise<void> {
    try {
      await options.handle(batch);
    } catch (error) {
      logger.warn({ err: error, events: batch.length }, `${name}: the batch failed and will be delivered again`);
      for (const message of batch) settle(message, 'nak', retryDelayMs);
      return;
    }
    for (const message of batch) settle(message, 'ack');
  }

  /** One pull request, handled in batches as its messages arrive (as the projectors' runner does). */
  async function fetchAndHandle(): Promise<void> {
    let messages: ConsumerMessages;
    try {
      messages = await consumer.fetch({ max_messages: batchSize, expires: FETCH_EXPIRES_MS });
    } catch (error) {
      if (isConnectionClosed(error)) throw error;
      logger.warn({ err: error }, `${name}: fetch failed, retrying`);
      await sleep(retryDelayMs, controller.signal);
      return;
    }
    let batch: JsMsg[] = [];
    try {
      for await (const message of messages) {
        batch.push(message);
        // 1: only the message in hand is buffered, nothing else has arrived yet.
        if (messages.getPending() <= 1 || batch.length >= batchSize) {
          await handle(batch);
          batch = [];
        }
      }
    } catch (error) {
      logger.warn({ err: error }, `${name}: fetch ended with an error`);
    }
    if (batch.length > 0) await handle(batch);
  }

  const done = (async () => {
    logger.info(`${name} started`);
    try {
      while (!controller.signal.aborted) await fetchAndHandle();
      logger.info(`${name} stopped`);
    } catch (error) {
      logger.error({ err: error }, `${name} failed`);
    } finally {
      running = false;
    }
  })();

  return {
    async stop() {
      controller.abort();
      await done;
    },
    async ready() {
      if (!running) throw new Error(`${name} is not running`);
      await consumer.info(false);
    },
  };
}

/** Acks and naks are fire-and-forget; on a closed connection they fail, and redelivery covers it. */
function settle(message: JsMsg, how: 'ack' | 'nak', delayMs?: number): void {
  try {
    if (how === 'ack') message.ack();
    else message.nak(delayMs);
  } catch {
    // Redelivered after ack_wait; handling it again is a no-op.
  }
}
