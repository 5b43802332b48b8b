import {
  abortableSleep as sleep,
  decodeEvent,
  eventTypeToken,
  isConnectionClosed,
  metricsRegistry,
  type JsMsg,
  type Logger,
  type Projection,
  type RecordedEvent,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import type { Knex } from 'knex';
import { applyBatch, handledTypes, type BatchResult } from './apply-batch.js';
import { passCheckpoint, readCheckpoint, type Checkpoint } from './checkpoint-store.js';
import { invalidateCache } from './invalidate-cache.js';
import { parkEvent } from './park-event.js';
import type { ProjectionFeed } from './projection-feed.js';
import { UndecodedEvent } from './undecoded-event.js';
import { projectorMetrics, type ProjectorMetrics } from './projector-metrics.js';
import type { LeaderElection } from '../leadership/leader-election.js';

export interface RunProjectorOptions {
  /** The projection's durable consumer (projection-feed.ts). */
  feed: ProjectionFeed;
  knex: Knex;
  /** Where the query cache lives; stale keys are deleted after each commit. */
  redis?: RedisClient;
  projection: Projection;
  batchSize: number;
  /** Failed applications of one event before it is parked (PROJECTION_MAX_ATTEMPTS). */
  maxAttempts: number;
  logger: Logger;
  registry?: Registry;
  /** Pause before retrying a failed event, and before reopening the consumer after a resync. */
  retryDelayMs?: number;
  /**
   * When given, the projector consumes only while it holds this lock, so that of several
   * processes exactly one reads the projection's consumer; the others stand by. Without it,
   * the projector always consumes (one process, or tests).
   */
  election?: LeaderElection;
  /**
   * Runs after a batch committed, before its ack. If it throws, the consumer is reopened and
   * the batch comes again: skipped as a duplicate. (Tests use it to stop a projector there.)
   */
  afterCommit?: (result: BatchResult) => Promise<void> | void;
}

/** `leader`: consuming; `standby`: another process holds the projection's lock; `stopped`. */
export type ProjectorRole = 'leader' | 'standby' | 'stopped';

export interface RunningProjector {
  readonly projection: string;
  readonly role: ProjectorRole;
  /** Finishes the batch in hand, gives back what is buffered (nak), and stops. */
  stop(): Promise<void>;
  /** Rejects unless the projector is running and, when it leads, its consumer answers; resolves its role. */
  ready(): Promise<ProjectorRole>;
  /** Resolves when the projector has stopped: by `stop()`, or because its NATS connection closed. */
  readonly done: Promise<void>;
}

const DEFAULT_RETRY_DELAY_MS = 1000;
/** How often an idle filtered projection moves its checkpoint to the stream's end (passedTail). */
const IDLE_PASS_MS = 50;
const BEFORE_ANY: Checkpoint = { position: { commit: 0n, prepare: 0n }, streamSequence: 0 };

/** Starts a projector: applies its consumer's messages in batches until stopped. */
export function runProjector(options: RunProjectorOptions): RunningProjector {
  return new ProjectorRunner(options);
}

interface Decoded {
  messages: JsMsg[];
  events: RecordedEvent[];
  sequences: number[];
}

/**
 * The delivery loop. Messages come from one `consume()` per session, in stream order, and are
 * applied in batches: whatever arrived while the previous batch was being applied forms the
 * next one, so batches are small when the feed is quiet (low latency) and full under load.
 * Each committed batch is acked once (cumulative ack) after its commit; nothing is nak'd in
 * normal operation, so JetStream redelivers only after a crash, an expired ack_wait, or a
 * resync. A resync (a delivery lost in transit, a failed after-commit hook, an undecodable
 * message, an event that can be neither applied nor parked) ends the session: what is buffered
 * is nak'd once the pull requests are gone, and the consumer is reopened at the checkpoint.
 * Messages after a gap in the stream are held back (nak with a delay) within the session.
 */
class ProjectorRunner implements RunningProjector {
  readonly projection: string;
  readonly done: Promise<void>;
  private readonly metrics: ProjectorMetrics;
  private readonly logger: Logger;
  private readonly retryDelayMs: number;
  private readonly contiguous: boolean;
  private stopping = false;
  private running = false;
  private leading = false;
  private resyncing = false;
  /** A batch or an idle pass is running: the next idle pass waits its turn. */
  private busy = false;
  /** Messages to nak when the session has ended (after its pull requests are gone). */
  private giveBack: JsMsg[] = [];
  /** The checkpoint's stream sequence when the session opened: messages up to it are redeliveries. */
  private replayUpTo = 0;
  /**
   * The stream sequence this session's checkpoint is known to have reached (its start, a batch
   * committed, a pass): an idle pass asks nothing about a stream end at or before it.
   */
  private reached = 0;
  /** Per consumer, the delivery sequence its next message must carry (a filtered consumer's loss check). */
  private nextDelivery = new Map<string, number>();
  private readonly stopController = new AbortController();

  constructor(private readonly options: RunProjectorOptions) {
    this.projection = options.projection.name;
    this.logger = options.logger.child({ projection: this.projection });
    this.metrics = projectorMetrics(options.registry ?? metricsRegistry());
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.contiguous = options.feed.wholeStream;
    this.done = this.run();
  }

  get role(): ProjectorRole {
    if (!this.running) return 'stopped';
    return this.leading ? 'leader' : 'standby';
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopController.abort();
    await this.done;
  }

  async ready(): Promise<ProjectorRole> {
    if (!this.running) throw new Error(`projector ${this.projection} is not running`);
    if (this.leading) await this.options.feed.pending();
    return this.role;
  }

  private async run(): Promise<void> {
    const unregisterLag = this.metrics.registerLagSource(this.projection, () => this.options.feed.pending());
    this.running = true;
    this.logger.info('projector started');
    const stop = this.stopController.signal;
    try {
      const { election } = this.options;
      while (!stop.aborted) {
        if (!election) {
          this.leading = true;
          await this.consumeUntil(stop);
          break;
        }
        const term = await election.acquire(stop);
        if (!term) break;
        this.leading = true;
        this.logger.info('leading the projection');
        try {
          await this.consumeUntil(AbortSignal.any([term.lost, stop]));
        } finally {
          this.leading = false;
          await term.release();
        }
      }
      this.logger.info('projector stopped');
    } catch (error) {
      // Not rethrown: nobody may be awaiting `done`, and ready() reports the projector down.
      this.logger.error({ err: error }, 'projector failed');
    } finally {
      this.leading = false;
      this.running = false;
      unregisterLag();
    }
  }

  /** Sessions one after another until the signal ends them; only a closed connection escapes. */
  private async consumeUntil(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (await this.session(signal)) return;
      } catch (error) {
        if (isConnectionClosed(error)) throw error;
        if (signal.aborted) return;
        this.logger.warn({ err: error }, 'consumer failed, reopening');
      }
      await sleep(this.retryDelayMs, signal);
    }
  }

  /**
   * One `consume()` from the checkpoint until stopped or resynced. Returns true when the
   * consumer ended on its own (the connection closed): nothing more will come.
   */
  private async session(signal: AbortSignal): Promise<boolean> {
    const checkpoint = (await readCheckpoint(this.options.knex, this.projection)) ?? BEFORE_ANY;
    const session = await this.options.feed.open(checkpoint);
    const { messages } = session;
    this.nextDelivery = session.nextDelivery;
    this.replayUpTo = checkpoint.streamSequence;
    this.reached = checkpoint.streamSequence;
    this.resyncing = false;
    this.giveBack = [];
    const end = (): void => messages.stop();
    signal.addEventListener('abort', end);
    if (signal.aborted) end();
    const idle = this.contiguous ? undefined : setInterval(() => void this.passIdle(), IDLE_PASS_MS);
    let batch: JsMsg[] = [];
    try {
      for await (const message of messages) {
        if (signal.aborted || this.resyncing) {
          this.giveBack.push(message);
          continue;
        }
        batch.push(message);
        // Nothing buffered behind this one: apply what has come.
        if (messages.buffered() <= 0 || batch.length >= this.options.batchSize) {
          this.busy = true;
          try {
            await this.process(batch);
          } finally {
            this.busy = false;
          }
          batch = [];
          if (this.resyncing) end();
        }
      }
    } finally {
      clearInterval(idle);
      signal.removeEventListener('abort', end);
      this.giveBack.push(...batch);
      // Naks only once the server knows the pull requests are gone: a message nak'd before
      // could be handed straight back to them, and be lost until ack_wait.
      if (this.giveBack.length > 0) {
        await this.options.feed.flush().catch(() => undefined);
        for (const message of this.giveBack) settle(message, 'nak');
        this.giveBack = [];
      }
    }
    return !signal.aborted && !this.resyncing;
  }

  /** A filtered projection with nothing to do passes the stream's end (see ProjectionFeed.passedTail). */
  private async passIdle(): Promise<void> {
    if (this.busy || this.resyncing) return;
    this.busy = true;
    try {
      const tail = await this.options.feed.passedTail(this.reached);
      const moved = tail && (await passCheckpoint(this.options.knex, this.projection, tail));
      if (moved) this.movedTo(moved.streamSequence);
    } catch (error) {
      this.logger.debug({ err: error }, 'idle checkpoint pass failed');
    } finally {
      this.busy = false;
    }
  }

  /** The checkpoint committed at `streamSequence` (0: a reset checkpoint, whose sequence is unknown). */
  private movedTo(streamSequence: number): void {
    this.metrics.checkpointSequence.set({ projection: this.projection }, streamSequence);
    this.reached = Math.max(this.reached, streamSequence);
  }

  /** Ends the session: `unsettled` and everything still buffered is nak'd, the consumer reopened. */
  private resync(unsettled: readonly JsMsg[]): void {
    this.resyncing = true;
    this.giveBack.push(...unsettled);
  }

  private async process(arrived: JsMsg[]): Promise<void> {
    // Messages held back (nak) come again after newer ones: stream order is the order to apply.
    if (this.contiguous) arrived.sort((a, b) => a.info.streamSequence - b.info.streamSequence);
    // Redeliveries from before the session's checkpoint form batches of their own (all duplicates).
    const fresh = arrived.findIndex((m) => m.info.streamSequence > this.replayUpTo);
    if (fresh > 0) {
      await this.process(arrived.slice(0, fresh));
      if (this.resyncing) this.resync(arrived.slice(fresh));
      else await this.process(arrived.slice(fresh));
      return;
    }
    const batch = this.contiguous ? arrived : this.untilLostDelivery(arrived);
    const decoded = this.decode(batch);
    if (decoded.events.length > 0) {
      if (decoded.events.length > 1 && (await this.applyAll(decoded))) return;
      await this.processOneByOne(decoded);
    }
    if (batch.length < arrived.length && !this.resyncing) this.resync(arrived.slice(batch.length));
  }

  /**
   * A filtered consumer cannot tell a missing message by stream sequence, but every delivery
   * carries its consumer's own sequence, one more than the previous: a jump means deliveries
   * were lost in transit (say, in a reconnect). The messages before it are applied; the
   * session then resyncs, and the consumer is recreated at the checkpoint.
   */
  private untilLostDelivery(batch: JsMsg[]): JsMsg[] {
    for (const [i, message] of batch.entries()) {
      const { consumer, deliverySequence } = message.info;
      const expected = this.nextDelivery.get(consumer);
      if (deliverySequence !== expected) {
        this.logger.warn(
          { consumer, expected, got: deliverySequence },
          'deliveries lost in transit, resuming from the checkpoint',
        );
        return batch.slice(0, i);
      }
      this.nextDelivery.set(consumer, deliverySequence + 1);
    }
    return batch;
  }

  private async applyAll(decoded: Decoded): Promise<boolean> {
    const stop = this.metrics.batchSeconds.startTimer({ projection: this.projection });
    try {
      const result = await applyBatch(this.options.knex, this.options.projection, decoded.events, {
        streamSequences: decoded.sequences,
        contiguous: this.contiguous,
      });
      stop();
      await this.committed(result, decoded.messages);
      return true;
    } catch (error) {
      this.metrics.batches.inc({ projection: this.projection, result: 'failed' });
      this.logger.warn(
        { err: error, events: decoded.events.length },
        'batch failed, applying its events one at a time',
      );
      return false;
    }
  }

  /**
   * After a failed batch: every event in its own transaction, so the events before a bad one
   * still commit. A failing event is retried here, after a pause, until it has failed
   * `maxAttempts` times; then it is parked and the projector goes on.
   */
  private async processOneByOne({ messages, events, sequences }: Decoded): Promise<void> {
    const { knex, projection } = this.options;
    for (const [i, event] of events.entries()) {
      const message = messages[i]!;
      const sequence = sequences[i]!;
      for (let attempts = 1; ; attempts++) {
        try {
          const result = await applyBatch(knex, projection, [event], {
            streamSequences: [sequence],
            contiguous: this.contiguous,
          });
          await this.committed(result, [message]);
          break;
        } catch (error) {
          this.metrics.batches.inc({ projection: this.projection, result: 'failed' });
          if (attempts >= this.options.maxAttempts) {
            if (await this.park(event, sequence, error, attempts, message)) break;
            this.resync(messages.slice(i));
            return;
          }
          this.logger.warn(
            { err: error, eventId: event.id, eventType: event.type, attempts },
            'event failed, retrying',
          );
          for (const waiting of messages.slice(i)) settle(waiting, 'working');
          await sleep(this.retryDelayMs, this.stopController.signal);
          if (this.stopping) {
            this.resync(messages.slice(i));
            return;
          }
        }
      }
      if (this.resyncing) {
        this.resync(messages.slice(i + 1));
        return;
      }
    }
  }

  /** Whether the projector may go on past the event (parked, or already behind the checkpoint). */
  private async park(
    event: RecordedEvent,
    sequence: number,
    error: unknown,
    attempts: number,
    message: JsMsg,
  ): Promise<boolean> {
    try {
      const { outcome, checkpoint } = await parkEvent(this.options.knex, this.options.projection, event, {
        error,
        attempts,
        streamSequence: sequence,
        contiguous: this.contiguous,
      });
      if (outcome === 'deferred') return false;
      settle(message, 'ack');
      if (outcome === 'parked') {
        this.metrics.events.inc({ projection: this.projection, outcome: 'parked' });
        this.movedTo(checkpoint.streamSequence);
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

  /** Acks what the commit took (one cumulative ack); anything deferred is held back. */
  private async committed(result: BatchResult, messages: readonly JsMsg[]): Promise<void> {
    this.metrics.batches.inc({ projection: this.projection, result: 'committed' });
    try {
      await this.options.afterCommit?.(result);
    } catch (error) {
      this.logger.warn({ err: error }, 'after-commit hook failed, batch will be redelivered');
      this.resync(messages);
      return;
    }
    let taken = 0;
    for (let i = 0; i < messages.length; i++) {
      const outcome = result.outcomes[i] ?? 'deferred';
      this.metrics.events.inc({ projection: this.projection, outcome });
      if (outcome !== 'deferred') taken = i + 1;
    }
    // Ack policy `all`: acking the last message taken of each consumer acks every one before it.
    const lastOfConsumer = new Map<string, JsMsg>();
    for (let i = 0; i < taken; i++) lastOfConsumer.set(messages[i]!.info.consumer, messages[i]!);
    for (const message of lastOfConsumer.values()) settle(message, 'ack');
    if (taken < messages.length) {
      this.logger.warn(
        {
          expectedSequence: result.checkpoint.streamSequence + 1,
          gotSequence: messages[taken]!.info.streamSequence,
          held: messages.length - taken,
        },
        'messages delivered out of order held back',
      );
      this.holdBack(messages.slice(taken));
    }
    this.metrics.lastAppliedSeconds.set({ projection: this.projection }, Date.now() / 1000);
    this.movedTo(result.checkpoint.streamSequence);
    await invalidateCache(this.options.redis, result.staleCacheKeys, this.logger);
  }

  /**
   * Out of order (a gap before them): redelivered after a pause, in this session. The rest of
   * the batch follows them, and anything after it is held back the same way until the gap fills.
   */
  private holdBack(messages: readonly JsMsg[]): void {
    for (const message of messages) {
      try {
        message.nak(this.retryDelayMs);
      } catch {
        // Redelivered after ack_wait instead.
      }
    }
  }

  /**
   * Decodes the batch up to the first message that is not an event. That one is held back
   * like a gap rather than dropped: skipping it would lose an event without a trace. (A message
   * left undecoded is only ever passed over: nothing of it is lost to this projection.)
   */
  private decode(batch: readonly JsMsg[]): Decoded {
    const decoded: Decoded = { messages: [], events: [], sequences: [] };
    const handled = handledTypes(this.options.projection);
    const last = batch.length - 1;
    for (const [i, message] of batch.entries()) {
      try {
        // A consumer of the whole stream gets every type; those it does not read (by the type
        // token of the subject) stay undecoded, except the last one, whose position is the
        // checkpoint's and which is held back here if it is not an event.
        const type = eventTypeToken(message.subject);
        decoded.events.push(
          this.contiguous && i < last && !handled.has(type)
            ? new UndecodedEvent(type, message.data)
            : decodeEvent(message.data),
        );
      } catch (error) {
        this.logger.error({ err: error, streamSequence: message.info.streamSequence }, 'undecodable message held back');
        this.resync(batch.slice(i));
        break;
      }
      decoded.messages.push(message);
      decoded.sequences.push(message.info.streamSequence);
    }
    return decoded;
  }
}

/** Acks and naks are fire-and-forget; on a closed connection they fail, and redelivery covers it. */
function settle(message: JsMsg, how: 'ack' | 'nak' | 'working'): void {
  try {
    if (how === 'ack') message.ack();
    else if (how === 'nak') message.nak();
    else message.working();
  } catch {
    // The message will be redelivered after ack_wait; applying it again is skipped as a duplicate.
  }
}
