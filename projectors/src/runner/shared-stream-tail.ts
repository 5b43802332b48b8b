import { readLastMessage, type JetStreamManager, type StreamTail } from '@concert/infra';

/** What readLastMessage answers: the stream's last message, decoded, or undefined for none. */
export type LastMessage = StreamTail['last'];

/**
 * The stream's last message, read once for every projection of a process that asks within
 * `maxAgeMs` of the same read (or while it is in flight): the idle passes of six projections,
 * each every 50 ms, asked JetStream 120 times a second for the same message. An earlier read
 * serves as well as a new one: passedTail only needs the tail to be read before the consumers'
 * state, and a caller awaits the read before asking for that state. A failed read is not
 * shared beyond the callers that were waiting for it.
 */
export class SharedStreamTail {
  private latest: { startedAt: number; read: Promise<LastMessage> } | undefined;

  constructor(
    private readonly readLast: () => Promise<LastMessage>,
    private readonly maxAgeMs: number,
  ) {}

  static of(jsm: JetStreamManager, stream: string, subjectPrefix: string, maxAgeMs = 25): SharedStreamTail {
    return new SharedStreamTail(() => readLastMessage(jsm, stream, subjectPrefix), maxAgeMs);
  }

  read(): Promise<LastMessage> {
    const now = performance.now();
    if (this.latest !== undefined && now - this.latest.startedAt <= this.maxAgeMs) return this.latest.read;
    const latest = { startedAt: now, read: this.readLast() };
    this.latest = latest;
    latest.read.catch(() => {
      if (this.latest === latest) this.latest = undefined;
    });
    return latest.read;
  }
}
