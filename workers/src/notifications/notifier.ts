import {
  abortableSleep as sleep,
  allEventsSubject,
  decodeEvent,
  ensureDurableConsumer,
  isConnectionClosed,
  type ConsumerMessages,
  type EventStore,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Logger,
} from '@concert/infra';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { PeriodicLoop } from '../runtime/periodic-loop.js';
import { enqueueNotifications } from './delivery-store.js';
import type { Notification } from './notification.js';
import { notificationDraftOf, type NotificationDraft } from './notifying-events.js';
import { reservationHolders } from './reservation-holders.js';

export interface NotifierOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  knex: Knex;
  /** Where the recipients of events that do not name them are read (their reservation's ReservationHeld). */
  store: EventStore;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  metrics: WorkerMetrics;
  batchSize?: number;
  /** Redelivery of a message nobody acked (a crashed worker); default 30 s. */
  ackWaitMs?: number;
  retryDelayMs?: number;
}

/** The notifier's durable consumer; every worker instance pulls from it, so each event goes to one of them. */
export const NOTIFIER_DURABLE = 'notifier';
const DEFAULT_BATCH_SIZE = 256;
const DEFAULT_ACK_WAIT_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 1000;
/** How long one pull request waits for messages: also the longest a stop waits for the batch in hand. */
const FETCH_EXPIRES_MS = 1000;

/**
 * Turns the feed's notifying events into outbox rows (delivery-store.ts), one transaction per
 * batch, acked after the commit. The outbox's key on the event id makes a redelivered event a
 * no-op, so no checkpoint or ordering is needed and any number of instances may share the
 * consumer. On nats-server 2.9 a consumer has one filter subject: it takes the whole feed and
 * passes over the other types without parsing them.
 */
export async function startNotifier(options: NotifierOptions): Promise<PeriodicLoop> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  await ensureDurableConsumer(options.jsm, {
    stream: options.stream,
    durable: NOTIFIER_DURABLE,
    filterSubject: allEventsSubject(options.subjectPrefix),
    maxAckPending: batchSize * 4,
    ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
  });
  const consumer = await options.js.consumers.get(options.stream, NOTIFIER_DURABLE);
  const { logger, metrics } = options;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const controller = new AbortController();
  let running = true;

  async function enqueue(batch: readonly JsMsg[]): Promise<void> {
    const drafts: NotificationDraft[] = [];
    let undecodable = 0;
    for (const message of batch) {
      try {
        const draft = notificationDraftOf(decodeEvent(message.data));
        if (draft) drafts.push(draft);
      } catch (error) {
        // A notification lost is better than every later one stalled behind it.
        undecodable++;
        logger.error({ err: error, streamSequence: message.info.streamSequence }, 'undecodable event skipped by the notifier');
      }
    }
    let notifications: Notification[];
    let enqueued: number;
    try {
      notifications = await addressed(drafts);
      enqueued = await enqueueNotifications(options.knex, notifications);
    } catch (error) {
      logger.warn({ err: error, events: batch.length }, 'enqueueing notifications failed, the batch will be redelivered');
      for (const message of batch) settle(message, 'nak', retryDelayMs);
      return;
    }
    for (const message of batch) settle(message, 'ack');
    metrics.notifierEvents.inc({ outcome: 'enqueued' }, enqueued);
    metrics.notifierEvents.inc({ outcome: 'duplicate' }, notifications.length - enqueued);
    metrics.notifierEvents.inc({ outcome: 'no-recipient' }, drafts.length - notifications.length);
    metrics.notifierEvents.inc({ outcome: 'passed' }, batch.length - drafts.length - undecodable);
    if (undecodable > 0) metrics.notifierEvents.inc({ outcome: 'undecodable' }, undecodable);
  }

  /** Gives every draft its recipient; drafts whose reservation was never held are dropped. */
  async function addressed(drafts: readonly NotificationDraft[]): Promise<Notification[]> {
    const unknown = drafts.filter((d) => d.userId === undefined).map((d) => d.reservationId);
    const holders = await reservationHolders(options.store, unknown);
    const notifications: Notification[] = [];
    for (const draft of drafts) {
      const userId = draft.userId ?? holders.get(draft.reservationId);
      if (userId === undefined) {
        logger.debug({ event: draft.id, reservationId: draft.reservationId }, 'no holder to notify');
        continue;
      }
      notifications.push({ ...draft, userId });
    }
    return notifications;
  }

  async function fetchAndEnqueue(): Promise<void> {
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
          await enqueue(batch);
          batch = [];
        }
      }
    } catch (error) {
      logger.warn({ err: error }, 'fetch ended with an error');
    }
    if (batch.length > 0) await enqueue(batch);
  }

  const done = (async () => {
    logger.info('notifier started');
    try {
      while (!controller.signal.aborted) await fetchAndEnqueue();
      logger.info('notifier stopped');
    } catch (error) {
      logger.error({ err: error }, 'notifier failed');
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
      if (!running) throw new Error('notifier is not running');
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
    // Redelivered after ack_wait; enqueueing it again is a no-op.
  }
}
