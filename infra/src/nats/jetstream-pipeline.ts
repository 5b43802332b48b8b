import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from 'nats';

/** The outcome of one pipelined publish: the server's ack, or why it stored nothing. */
export type PipelinedAck = { ok: true; seq: number; duplicate: boolean } | { ok: false; error: Error };

export interface PipelinedPublish {
  subject: string;
  data: Uint8Array;
  /** Nats-Msg-Id: the server drops a repeat within the stream's duplicate window. */
  msgID: string;
  /** Nats-Expected-Last-Sequence. */
  lastSequence: number;
  /** Nats-Expected-Last-Msg-Id. */
  lastMsgID?: string;
}

/** A JetStream API error as the client reports it (`api_error`), so `isJetStreamError` reads both alike. */
export class JetStreamPublishError extends Error {
  override readonly name = 'JetStreamPublishError';
  constructor(readonly api_error: { code: number; err_code: number; description: string }) {
    super(api_error.description);
  }
}

/**
 * JetStream publishes whose acks come back on one subscription of its own, each publish's
 * reply subject ending in its token. `js.publish` makes each publish a request: a promise, a
 * timer and a mux entry each, and an Error built (with its stack) when the request is settled;
 * at the relay's rate that was a quarter of its CPU (bench:relay --profile: NatsError 16.8%).
 * Publishes go out in call order on the connection; the server answers them in that order.
 * Timeouts are the caller's (it knows which publish it waits for).
 */
export class JetStreamPipeline {
  private readonly inbox = createInbox();
  private readonly subscription: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    onAck: (token: number, ack: PipelinedAck) => void,
  ) {
    this.subscription = nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const token = Number(msg.subject.slice(this.inbox.length + 1));
        if (Number.isSafeInteger(token)) onAck(token, readAck(msg));
      },
    });
  }

  publish(token: number, message: PipelinedPublish): void {
    const h = headers();
    h.set('Nats-Msg-Id', message.msgID);
    h.set('Nats-Expected-Last-Sequence', String(message.lastSequence));
    if (message.lastMsgID !== undefined) h.set('Nats-Expected-Last-Msg-Id', message.lastMsgID);
    this.nc.publish(message.subject, message.data, { reply: `${this.inbox}.${token}`, headers: h });
  }

  /** No more acks are delivered after this. */
  close(): void {
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
  }
}

interface AckJson {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}

function readAck(msg: Msg): PipelinedAck {
  // A status reply (503: no stream takes the subject) has headers and no body.
  if (msg.headers?.hasError) {
    return {
      ok: false,
      error: new Error(`publish refused: ${msg.headers.code} ${msg.headers.description || 'no responders'}`),
    };
  }
  let ack: AckJson;
  try {
    ack = msg.json<AckJson>();
  } catch (error) {
    return { ok: false, error: new Error(`unreadable publish ack: ${(error as Error).message}`) };
  }
  if (ack.error) {
    return {
      ok: false,
      error: new JetStreamPublishError({
        code: ack.error.code ?? 0,
        err_code: ack.error.err_code ?? 0,
        description: ack.error.description ?? 'publish failed',
      }),
    };
  }
  if (typeof ack.seq !== 'number' || !ack.stream) return { ok: false, error: new Error('invalid publish ack') };
  return { ok: true, seq: ack.seq, duplicate: ack.duplicate === true };
}
