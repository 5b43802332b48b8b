import {
  decodeEvent,
  isConnectionClosed,
  metricsRegistry,
  type Consumer,
  type ConsumerMessages,
  type JsMsg,
  type Logger,
  type Projection,
  type RecordedEvent,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import type { Knex } from 'knex';
import { applyBatch, type BatchResult } from './apply-batch.js';
import { invalidateCache } from './invalidate-cache.js';
import { parkEvent } from './park-event.js';
import { projectorMetrics, type ProjectorMetrics } from './projector-metrics.js';
import { abortableSleep as sleep } from '@concert/infra';

export interface RunProjectorOptions {
  /** The projection's durable pull consumer (`proj_<name>`, filter `<prefix>.>`). */
  consumer: Consumer;
  knex: Knex;
  /** Where the query cache lives; stale keys are deleted after each commit. */
  redis?: RedisClient;
  projection: Projection;
  batchSize: number;
  /** Failed applications of one event before it is parked (PROJECTION_MAX_ATTEMPTS). */
  maxAttempts: number;
  logger: Logger;
  registry?: Registry;
  /** How long a message held back (a failure, a gap) waits before it is redelivered. */
  retryDelayMs?: number;
  /**
   * Runs after a batch committed, before its acks. If it throws, the batch is nak'd: the
   * redelivery is skipped as a duplicate. (Tests use it to stop a projector at that point.)
   */
  afterCommit?: (result: BatchResult) => Promise<void> | void;
}

export interface RunningProjector {
  readonly projection: string;
  /** Finishes the pull request in hand (at most about a second of messages), acks, and stops. */
  stop(): Promise<void>;
  /** Rejects unless the projector is consuming and its consumer answers. */
  ready(): Promise<void>;
  /** Resolves when the projector has stopped: by `stop()`, or because its NATS connection closed. */
  readonly done: Promise<void>;
}

const DEFAULT_RETRY_DELAY_MS = 1000;
/** How long one pull request waits for messages: also the longest a stop waits for the batch in hand. */
const FETCH_EXPIRES_MS = 1000;

/** Starts a projector: applies its consumer's messages in batches until stopped. */
export function runProjector(options: RunProjectorOptions): RunningProjector {
  return new ProjectorRunner(options);
}

interface Decoded {
  messages: JsMsg[];
  events: RecordedEvent[];
  sequences: number[];
}

class ProjectorRunner implements RunningProjector {
  readonly projection: string;
  readonly done: Promise<void>;
  private readonly metrics: ProjectorMetrics;
  private readonly logger: Logger;
  private readonly retryDelayMs: number;
  /**
   * Failed applications per event id, across redeliveries, until it succeeds or is parked.
   * Counted here rather than from JetStream's delivery count, which also counts the times a
   * message was held back for ordering. A restart starts the count again.
   */
  private readonly failures = new Map<string, number>();
  private stopping = false;
  private running = false;
  private readonly stopController = new AbortController();

  constructor(private readonly options: RunProjectorOptions) {
    this.projection = options.projection.name;
    this.logger = options.logger.child({ projection: this.projection });
    this.metrics = projectorMetrics(options.registry ?? metricsRegistry());
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopController.abort();
    await this.done;
  }

  async ready(): Promise<void> {
    if (!this.running) throw new Error(`projector ${this.projection} is not running`);
    await this.options.consumer.info(false);
  }

  private async run(): Promise<void> {
    const unregisterLag = this.metrics.registerLagSource(this.projection, async () => {
      const info = await this.options.consumer.info(false);
      return info.num_pending + info.num_ack_pending;
    });
    this.running = true;
    this.logger.info('projector started');
    try {
      while (!this.stopping) await this.fetchAndApply();
      this.logger.info('projector stopped');
    } catch (error) {
      // Not rethrown: nobody may be awaiting `done`, and ready() reports the projector down.
      this.logger.error({ err: error }, 'projector failed');
    } finally {
      this.running = false;
      unregisterLag();
    }
  }

  /**
   * One pull request, applied in batches as its messages arrive: whatever came in while the
   * previous batch was being applied forms the next one, so batches are small when the feed is
   * quiet (low latency) and full under load. Every pull request ends (full, or expired) before
   * the next starts: a stopped projector leaves none behind at the server to swallow messages
   * until ack_wait, and holds at most one batch unacknowledged.
   */
  private async fetchAndApply(): Promise<void> {
    let messages: ConsumerMessages;
    try {
      messages = await this.options.consumer.fetch({ max_messages: this.options.batchSize, expires: FETCH_EXPIRES_MS });
    } catch (error) {
      if (isConnectionClosed(error)) throw error;
      this.logger.warn({ err: error }, 'fetch failed, retrying');
      await sleep(this.retryDelayMs, this.stopController.signal);
      return;
    }
    let batch: JsMsg[] = [];
    try {
      for await (const message of messages) {
        batch.push(message);
        // 1: only the message in hand is buffered, nothing else has arrived yet.
        if (messages.getPending() <= 1 || batch.length >= this.options.batchSize) {
          await this.process(batch);
          batch = [];
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'fetch ended with an error');
    }
    if (batch.length > 0) await this.process(batch);
  }

  private async process(batch: JsMsg[]): Promise<void> {
    // Redeliveries come ahead of new messages in a pull: stream order is the order to apply.
    batch.sort((a, b) => a.info.streamSequence - b.info.streamSequence);
    const decoded = this.decode(batch);
    if (decoded.events.length === 0) return;
    if (decoded.events.length > 1) {
      const stop = this.metrics.batchSeconds.startTimer({ projection: this.projection });
      try {
        const result = await applyBatch(this.options.knex, this.options.projection, decoded.events, {
          streamSequences: decoded.sequences,
        });
        stop();
        await this.committed(result, decoded.messages);
        return;
      } catch (error) {
        this.metrics.batches.inc({ projection: this.projection, result: 'failed' });
        this.logger.warn({ err: error, events: decoded.events.length }, 'batch failed, applying its events one at a time');
      }
    }
    await this.processOneByOne(decoded);
  }

  /**
   * After a failed batch: every event in its own transaction, so the events before a bad one
   * still commit. A failing event is retried later (nak with a delay, and the rest of the batch
   * with it, to keep the order) until it has failed `maxAttempts` times; then it is parked.
   */
  private async processOneByOne({ messages, events, sequences }: Decoded): Promise<void> {
    const { knex, projection } = this.options;
    for (const [i, event] of events.entries()) {
      const message = messages[i]!;
      const sequence = sequences[i]!;
      let result: BatchResult;
      try {
        result = await applyBatch(knex, projection, [event], { streamSequences: [sequence] });
      } catch (error) {
        this.metrics.batches.inc({ projection: this.projection, result: 'failed' });
        const attempts = (this.failures.get(event.id) ?? 0) + 1;
        if (attempts < this.options.maxAttempts) {
          this.failures.set(event.id, attempts);
          this.logger.warn({ err: error, eventId: event.id, eventType: event.type, attempts }, 'event failed, retrying later');
          this.holdBack(messages.slice(i));
          return;
        }
        if (!(await this.park(event, sequence, error, attempts, message))) {
          this.holdBack(messages.slice(i));
          return;
        }
        continue;
      }
      this.failures.delete(event.id);
      await this.committed(result, [message]);
      if (result.outcomes[0] === 'deferred') {
        this.holdBack(messages.slice(i + 1));
        return;
      }
    }
  }

  /** Whether the projector may go on past the event (parked, or already behind the checkpoint). */
  private async park(event: RecordedEvent, sequence: number, error: unknown, attempts: number, message: JsMsg): Promise<boolean> {
    try {
      const { outcome, checkpoint } = await parkEvent(this.options.knex, this.options.projection, event, {
        error,
        attempts,
        streamSequence: sequence,
      });
      if (outcome === 'deferred') return false;
      this.failures.delete(event.id);
      settle(message, 'ack');
      if (outcome === 'parked') {
        this.metrics.events.inc({ projection: this.projection, outcome: 'parked' });
        this.metrics.checkpointSequence.set({ projection: this.projection }, checkpoint.streamSequence);
        this.logger.error(
          { err: error, eventId: event.id, eventType: event.type, streamId: event.streamId, attempts },
          'event parked after repeated failures',
        );
      }
      return true;
    } catch (parkError) {
      this.logger.error({ err: parkError, eventId: event.id }, 'could not park event, retrying later');
      return false;
    }
  }

  private async committed(result: BatchResult, messages: readonly JsMsg[]): Promise<void> {
    this.metrics.batches.inc({ projection: this.projection, result: 'committed' });
    try {
      await this.options.afterCommit?.(result);
    } catch (error) {
      this.logger.warn({ err: error }, 'after-commit hook failed, batch will be redelivered');
      this.holdBack(messages);
      return;
    }
    const deferred: JsMsg[] = [];
    for (const [i, message] of messages.entries()) {
      const outcome = result.outcomes[i] ?? 'deferred';
      this.metrics.events.inc({ projection: this.projection, outcome });
      if (outcome === 'deferred') deferred.push(message);
      else settle(message, 'ack');
    }
    if (deferred.length > 0) {
      this.logger.warn(
        { expectedSequence: result.checkpoint.streamSequence + 1, gotSequence: deferred[0]!.info.streamSequence, held: deferred.length },
        'messages delivered out of order held back',
      );
      this.holdBack(deferred);
    }
    this.metrics.lastAppliedSeconds.set({ projection: this.projection }, Date.now() / 1000);
    this.metrics.checkpointSequence.set({ projection: this.projection }, result.checkpoint.streamSequence);
    await invalidateCache(this.options.redis, result.staleCacheKeys, this.logger);
  }

  /**
   * Decodes the batch up to the first message that is not an event. That one is held back
   * like a gap rather than dropped: skipping it would lose an event without a trace.
   */
  private decode(batch: readonly JsMsg[]): Decoded {
    const decoded: Decoded = { messages: [], events: [], sequences: [] };
    for (const [i, message] of batch.entries()) {
      try {
        decoded.events.push(decodeEvent(message.data));
      } catch (error) {
        this.logger.error({ err: error, streamSequence: message.info.streamSequence }, 'undecodable message held back');
        this.holdBack(batch.slice(i));
        break;
      }
      decoded.messages.push(message);
      decoded.sequences.push(message.info.streamSequence);
    }
    return decoded;
  }

  private holdBack(messages: readonly JsMsg[]): void {
    for (const message of messages) settle(message, 'nak', this.retryDelayMs);
  }
}

/** Acks and naks are fire-and-forget; on a closed connection they fail, and redelivery covers it. */
function settle(message: JsMsg, how: 'ack' | 'nak', delayMs?: number): void {
  try {
    if (how === 'ack') message.ack();
    else message.nak(delayMs);
  } catch {
    // The message will be redelivered after ack_wait; applying it again is skipped as a duplicate.
  }
}
