import {
  allEventsSubject,
  decodeEvent,
  ensureDurableConsumer,
  isConnectionClosed,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Logger,
} from '@concert/infra';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { PeriodicLoop } from '../runtime/periodic-loop.js';
import { abortableSleep as sleep } from '@concert/infra';
import type { DeadlineChange } from './deadline.js';
import { deadlineChangeOf } from './deadline-changes.js';
import { recordChanges } from './deadline-store.js';

export interface DeadlineRecorderOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  knex: Knex;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  metrics: WorkerMetrics;
  batchSize?: number;
  /** Redelivery of a message nobody acked (a crashed worker); default 30 s. */
  ackWaitMs?: number;
  /** How long a batch that failed waits before it is delivered again. */
  retryDelayMs?: number;
}

/** The saga's durable consumer; every worker instance pulls from it, so each event goes to one of them. */
export const RECORDER_DURABLE = 'saga_expiry';
const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_ACK_WAIT_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 1000;
/** How long one pull request waits for messages: also the longest a stop waits for the batch in hand. */
const FETCH_EXPIRES_MS = 1000;

/**
 * Records hold deadlines from the feed: a hold sets one, its end settles it, in one transaction
 * per batch, acked after the commit. Unlike a projector it needs no checkpoint or ordering: a
 * redelivered event is a no-op, and set/settle commute (a settle leaves a tombstone that a later
 * set cannot revive), so instances may take the events in any order.
 */
export async function startDeadlineRecorder(options: DeadlineRecorderOptions): Promise<PeriodicLoop> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  await ensureDurableConsumer(options.jsm, {
    stream: options.stream,
    durable: RECORDER_DURABLE,
    filterSubject: allEventsSubject(options.subjectPrefix),
    maxAckPending: batchSize * 4,
    ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
  });
  const consumer = await options.js.consumers.get(options.stream, RECORDER_DURABLE);
  const { logger, metrics } = options;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const controller = new AbortController();
  let running = true;

  async function record(batch: readonly JsMsg[]): Promise<void> {
    const changes: DeadlineChange[] = [];
    let recorded = 0;
    let undecodable = 0;
    for (const message of batch) {
      try {
        const change = deadlineChangeOf(decodeEvent(message.data));
        if (change) {
          changes.push(change);
          recorded++;
        }
      } catch (error) {
        // Not held back as a projector would: no order to keep here, and waiting would stall
        // every other deadline. Lost at worst is one deadline, whose seats the other kind still covers.
        undecodable++;
        logger.error({ err: error, streamSequence: message.info.streamSequence }, 'undecodable event skipped by the deadline recorder');
      }
    }
    try {
      await recordChanges(options.knex, changes);
    } catch (error) {
      logger.warn({ err: error, events: batch.length }, 'recording deadlines failed, the batch will be redelivered');
      for (const message of batch) settle(message, 'nak', retryDelayMs);
      return;
    }
    for (const message of batch) settle(message, 'ack');
    metrics.recorderEvents.inc({ outcome: 'recorded' }, recorded);
    metrics.recorderEvents.inc({ outcome: 'passed' }, batch.length - recorded - undecodable);
    if (undecodable > 0) metrics.recorderEvents.inc({ outcome: 'undecodable' }, undecodable);
  }

  /** One pull request, recorded in batches as its messages arrive (as the projectors' runner does). */
  async function fetchAndRecord(): Promise<void> {
    let messages: ConsumerMessages;
    try {
      messages = await consumer.fetch({ max_messages: batchSize, expires: FETCH_EXPIRES_MS });
    } catch (error) {
      if (isConnectionClosed(error)) throw error;
      logger.warn({ err: error }, 'fetch failed, retrying');
      await sleep(retryDelayMs, controller.signal);
      return;
    }
    let batch: JsMsg[] = [];
    try {
      for await (const message of messages) {
        batch.push(message);
        // 1: only the message in hand is buffered, nothing else has arrived yet.
        if (messages.getPending() <= 1 || batch.length >= batchSize) {
          await record(batch);
          batch = [];
        }
      }
    } catch (error) {
      logger.warn({ err: error }, 'fetch ended with an error');
    }
    if (batch.length > 0) await record(batch);
  }

  const done = (async () => {
    logger.info('deadline recorder started');
    try {
      while (!controller.signal.aborted) await fetchAndRecord();
      logger.info('deadline recorder stopped');
    } catch (error) {
      logger.error({ err: error }, 'deadline recorder failed');
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
      if (!running) throw new Error('deadline recorder is not running');
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
    // Redelivered after ack_wait; recording it again is a no-op.
  }
}
