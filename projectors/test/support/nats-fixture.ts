import {
  connectNats,
  ensureEventStream,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from '@concert/infra';
import { uniqueSuffix } from './test-names.js';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export interface NatsFixture {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  /** Deletes the stream and closes the connection. */
  close(): Promise<void>;
}

/** A stream of its own for one test (name and subject prefix with a random suffix). */
export async function natsFixture(label: string): Promise<NatsFixture> {
  const suffix = uniqueSuffix();
  const stream = `T_${label}_${suffix}`;
  const subjectPrefix = `t_${label}_${suffix}`;
  const nc = await connectNats(NATS_URL, `test-${label}`);
  const jsm = await nc.jetstreamManager();
  await ensureEventStream(jsm, { stream, subjectPrefix, maxAgeHours: 1 });
  return {
    nc,
    js: nc.jetstream(),
    jsm,
    stream,
    subjectPrefix,
    async close() {
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}
