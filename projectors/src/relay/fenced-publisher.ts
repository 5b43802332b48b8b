import {
  JetStreamErrorCode,
  JetStreamPipeline,
  encodeEvent,
  eventSubject,
  isJetStreamError,
  type NatsConnection,
  type PipelinedAck,
  type RecordedEvent,
} from '@concert/infra';

/** Another publisher wrote to the stream (or a publish's fate is unknown): resync from the stream's tail. */
export class FencedOut extends Error {
  override readonly name = 'FencedOut';
}

export interface FencedPublisherOptions {
  subjectPrefix: string;
  /** The stream's last sequence when this publisher was made (read back from the stream). */
  lastSequence: number;
  /** Unacknowledged publishes allowed at once. */
  maxInFlight: number;
  /** Called in publish order for each stored event. */
  onAcked(event: RecordedEvent, sequence: number): void;
  /** Called once, when the first publish fails (so a caller idle on its input can stop at once). */
  onFailed?(error: Error): void;
  /** A publish not acked within this fails the publisher (its fate is unknown); default 5000 ms. */
  publishTimeoutMs?: number;
}

interface InFlight {
  event: RecordedEvent;
  /** The stream sequence it must get; also its token on the pipeline. */
  sequence: number;
  sentAt: number;
  ack?: PipelinedAck;
}

const DEFAULT_PUBLISH_TIMEOUT_MS = 5000;

/**
 * Publishes events in feed order, pipelined, each fenced on what must precede it in the stream:
 * - `expect.lastSequence`: the sequence the previous publish will have, so a publish fails if
 *   anyone else stored a message since this publisher read the tail;
 * - `expect.lastMsgID` (from the second publish on): the previous event's id. Pipelined publishes
 *   are sent before the previous one is acked, and a sequence alone could be matched by someone
 *   else's message after ours failed; the id makes each publish say "right after that event",
 *   so nothing can ever be stored out of feed order. (Not on the first publish: the server
 *   forgets the last id on restart when it is older than the duplicate window.)
 * Once one publish fails, every later one fails too and the publisher is dead: make a new one.
 * Limit: the server does not check an expected last sequence of 0, so the very first message
 * of a brand-new stream is protected by the leader lock alone.
 */
export class FencedPublisher {
  private readonly inFlight: InFlight[] = [];
  /** Published but not sent yet: sent together by the pending `sending`. */
  private readonly queued: RecordedEvent[] = [];
  private readonly pipeline: JetStreamPipeline;
  private readonly timeoutMs: number;
  private readonly watchdog: NodeJS.Timeout;
  private sending: NodeJS.Immediate | undefined;
  private expectedLast: number;
  private previousId: string | undefined;
  private failure: Error | undefined;
  private progressed: (() => void) | undefined;

  constructor(
    nc: NatsConnection,
    private readonly options: FencedPublisherOptions,
  ) {
    this.expectedLast = options.lastSequence;
    this.pipeline = new JetStreamPipeline(nc, (token, ack) => this.received(token, ack));
    this.timeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
    this.watchdog = setInterval(() => this.checkTimeout(), Math.max(10, Math.min(1000, this.timeoutMs / 4)));
    this.watchdog.unref();
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /**
   * Sends the event; waits only while `maxInFlight` publishes are unacknowledged. Events are sent
   * in bursts, from a setImmediate after the caller's run of publishes: the NATS client writes to
   * its socket once per microtask turn with something to send, and the caller awaits each publish,
   * so sending at once cost one socket write per event (~10% of the projectors process's CPU in
   * bench:projections); a burst is one write.
   */
  async publish(event: RecordedEvent): Promise<void> {
    if (this.failure) throw this.failure;
    this.queued.push(event);
    this.sending ??= setImmediate(() => this.sendQueued());
    while (this.inFlight.length + this.queued.length >= this.options.maxInFlight && !this.failure)
      await this.progress();
    if (this.failure) throw this.failure;
  }

  private sendQueued(): void {
    this.sending = undefined;
    const sentAt = Date.now();
    for (const event of this.queued.splice(0)) {
      if (this.failure) return;
      this.send(event, sentAt);
    }
  }

  private send(event: RecordedEvent, sentAt: number): void {
    const sequence = this.expectedLast + 1;
    this.pipeline.publish(sequence, {
      subject: eventSubject(this.options.subjectPrefix, event.category, event.type),
      data: encodeEvent(event),
      msgID: event.id,
      lastSequence: this.expectedLast,
      ...(this.previousId === undefined ? {} : { lastMsgID: this.previousId }),
    });
    this.expectedLast = sequence;
    this.previousId = event.id;
    this.inFlight.push({ event, sequence, sentAt });
  }

  /** Waits until every publish so far is acked; throws the first failure. */
  async drain(): Promise<void> {
    while ((this.inFlight.length > 0 || this.queued.length > 0) && !this.failure) await this.progress();
    if (this.failure) throw this.failure;
  }

  /** Stops accepting publishes; those in flight settle on their own and are ignored. */
  abandon(reason: Error): void {
    this.fail(reason);
  }

  /** An ack (or refusal) from the server: recorded on its publish, taken once those before it are. */
  private received(token: number, ack: PipelinedAck): void {
    if (this.failure || this.inFlight.length === 0) return;
    const entry = this.inFlight[token - this.inFlight[0]!.sequence];
    if (entry?.sequence !== token) return;
    entry.ack = ack;
    this.takeAcked();
  }

  /** Takes acks in publish order, so `onAcked` (and the checkpoint) only ever moves forward. */
  private takeAcked(): void {
    let took = false;
    while (this.inFlight.length > 0 && !this.failure) {
      const head = this.inFlight[0]!;
      const ack = head.ack;
      if (!ack) break;
      if (!ack.ok) {
        this.fail(
          isJetStreamError(ack.error, JetStreamErrorCode.WrongLastSequence, JetStreamErrorCode.WrongLastMsgId)
            ? new FencedOut(`stream moved under the relay: ${ack.error.message}`, { cause: ack.error })
            : ack.error,
        );
        return;
      }
      if (ack.duplicate || ack.seq !== head.sequence) {
        // Already stored by someone else: our expectations for the later publishes are off.
        this.fail(new FencedOut(`event ${head.event.id} was already in the stream at ${ack.seq}`));
        return;
      }
      this.inFlight.shift();
      took = true;
      this.options.onAcked(head.event, ack.seq);
    }
    if (took) this.signalProgress();
  }

  /** The oldest publish without an answer for too long: its fate is unknown, so nothing after it can be trusted. */
  private checkTimeout(): void {
    const head = this.inFlight[0];
    if (head && !head.ack && Date.now() - head.sentAt > this.timeoutMs)
      this.fail(new Error(`no ack for event ${head.event.id} within ${this.timeoutMs} ms`));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    clearInterval(this.watchdog);
    this.pipeline.close();
    this.options.onFailed?.(error);
    this.inFlight.length = 0;
    this.queued.length = 0;
    if (this.sending) clearImmediate(this.sending);
    this.sending = undefined;
    this.signalProgress();
  }

  private progress(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.progressed;
      this.progressed = () => {
        previous?.();
        resolve();
      };
    });
  }

  private signalProgress(): void {
    const progressed = this.progressed;
    this.progressed = undefined;
    progressed?.();
  }
}
