import {
  JetStreamErrorCode,
  encodeEvent,
  eventSubject,
  isJetStreamError,
  type JetStreamClient,
  type PubAck,
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
  publishTimeoutMs?: number;
}

interface InFlight {
  event: RecordedEvent;
  sequence: number;
  ack: Promise<PubAck>;
}

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
  private sending: NodeJS.Immediate | undefined;
  private expectedLast: number;
  private previousId: string | undefined;
  private failure: Error | undefined;
  private pumping: Promise<void> | undefined;
  private progressed: (() => void) | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: FencedPublisherOptions,
  ) {
    this.expectedLast = options.lastSequence;
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
    for (const event of this.queued.splice(0)) {
      if (this.failure) return;
      this.send(event);
    }
    this.pumping ??= this.pump();
  }

  private send(event: RecordedEvent): void {
    const expect =
      this.previousId === undefined
        ? { lastSequence: this.expectedLast }
        : { lastSequence: this.expectedLast, lastMsgID: this.previousId };
    const ack = this.js.publish(
      eventSubject(this.options.subjectPrefix, event.category, event.type),
      encodeEvent(event),
      {
        msgID: event.id,
        expect,
        ...(this.options.publishTimeoutMs ? { timeout: this.options.publishTimeoutMs } : {}),
      },
    );
    // Awaited by the pump, in order; this keeps a rejection that lands first from being "unhandled".
    ack.catch(() => undefined);
    this.expectedLast += 1;
    this.previousId = event.id;
    this.inFlight.push({ event, sequence: this.expectedLast, ack });
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

  /** Takes acks in publish order, so `onAcked` (and the checkpoint) only ever moves forward. */
  private async pump(): Promise<void> {
    while (this.inFlight.length > 0 && !this.failure) {
      const head = this.inFlight[0]!;
      let ack: PubAck;
      try {
        ack = await head.ack;
      } catch (error) {
        this.fail(
          isJetStreamError(error, JetStreamErrorCode.WrongLastSequence, JetStreamErrorCode.WrongLastMsgId)
            ? new FencedOut(`stream moved under the relay: ${(error as Error).message}`, { cause: error })
            : (error as Error),
        );
        break;
      }
      if (this.failure) break;
      if (ack.duplicate || ack.seq !== head.sequence) {
        // Already stored by someone else: our expectations for the later publishes are off.
        this.fail(new FencedOut(`event ${head.event.id} was already in the stream at ${ack.seq}`));
        break;
      }
      this.inFlight.shift();
      this.options.onAcked(head.event, ack.seq);
      this.signalProgress();
    }
    this.pumping = undefined;
    this.signalProgress();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
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
