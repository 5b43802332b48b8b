import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { Config } from '../config/config.js';
import { connectNats } from './connect-nats.js';
import { ensureEventStream } from './ensure-event-stream.js';

export interface EventStreamConnection {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
}

/** Connects to NATS and makes sure the event feed's stream exists as configured: the start of every process that reads or writes the feed. */
export async function openEventStream(
  config: Pick<Config, 'NATS_URL' | 'NATS_STREAM' | 'NATS_SUBJECT_PREFIX' | 'NATS_MAX_AGE_HOURS'>,
  clientName: string,
): Promise<EventStreamConnection> {
  const nc = await connectNats(config.NATS_URL, clientName);
  const jsm = await nc.jetstreamManager();
  await ensureEventStream(jsm, {
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    maxAgeHours: config.NATS_MAX_AGE_HOURS,
  });
  return { nc, jsm, js: nc.jetstream() };
}
