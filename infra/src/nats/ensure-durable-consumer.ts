import {
  AckPolicy,
  DeliverPolicy,
  ReplayPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from 'nats';
import { JetStreamErrorCode, isJetStreamError } from './jetstream-errors.js';

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  /** One subject: nats-server 2.9 has no `filter_subjects` (docs/architecture.md, 'Facts the code relies on'). */
  filterSubject: string;
  /** Unacknowledged messages the server hands out before it waits: bounds a consumer's memory. */
  maxAckPending: number;
  /** A message not acked within this is redelivered (a crashed or stuck consumer). */
  ackWaitMs: number;
  /**
   * `all`: acking a message acks every earlier one (a consumer that applies in stream order
   * acks once per batch). Fixed at creation: an existing consumer keeps its policy
   * (`resetDurableConsumer` replaces it). Default `explicit`.
   */
  ackPolicy?: 'explicit' | 'all';
  /** First stream sequence delivered when the consumer is created; default the stream's first. */
  startSequence?: number;
}

/**
 * A durable pull consumer with explicit acks that starts at the beginning of the stream.
 * Idempotent and safe from several processes at once: whoever loses the create race updates.
 * `max_deliver` stays unlimited: a message held back for ordering must never be dropped.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  options: DurableConsumerOptions,
): Promise<ConsumerInfo> {
  const tunable = {
    filter_subject: options.filterSubject,
    max_ack_pending: options.maxAckPending,
    ack_wait: nanos(options.ackWaitMs),
  };
  const existing = await consumerInfo(jsm, options.stream, options.durable);
  if (existing === undefined) {
    try {
      return await jsm.consumers.add(options.stream, {
        durable_name: options.durable,
        ack_policy: options.ackPolicy === 'all' ? AckPolicy.All : AckPolicy.Explicit,
        ...(options.startSequence !== undefined && options.startSequence > 1
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.startSequence }
          : { deliver_policy: DeliverPolicy.All }),
        replay_policy: ReplayPolicy.Instant,
        max_deliver: -1,
        ...tunable,
      });
    } catch (error) {
      if (!isJetStreamError(error, JetStreamErrorCode.ConsumerNameExists, JetStreamErrorCode.ConsumerAlreadyExists)) {
        throw error;
      }
    }
  } else if (matches(existing.config, tunable)) {
    return existing;
  }
  return jsm.consumers.update(options.stream, options.durable, tunable);
}

/**
 * Deletes the consumer (its delivery state with it) and creates it again from `startSequence`:
 * for a consumer whose position is kept elsewhere (a projection's checkpoint) and whose
 * unacknowledged deliveries must not come back after newer messages.
 */
export async function resetDurableConsumer(
  jsm: JetStreamManager,
  options: DurableConsumerOptions,
): Promise<ConsumerInfo> {
  try {
    await jsm.consumers.delete(options.stream, options.durable);
  } catch (error) {
    if (!isJetStreamError(error, JetStreamErrorCode.ConsumerNotFound)) throw error;
  }
  return ensureDurableConsumer(jsm, options);
}

export async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (isJetStreamError(error, JetStreamErrorCode.ConsumerNotFound)) return undefined;
    throw error;
  }
}

function matches(
  config: ConsumerConfig,
  wanted: Pick<ConsumerConfig, 'filter_subject' | 'max_ack_pending' | 'ack_wait'>,
): boolean {
  return (
    config.filter_subject === wanted.filter_subject &&
    config.max_ack_pending === wanted.max_ack_pending &&
    config.ack_wait === wanted.ack_wait
  );
}
