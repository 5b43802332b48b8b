import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { NatsConnection } from 'nats';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { connectNats } from '../../src/nats/connect-nats.js';
import { encodeEvent } from '../../src/nats/event-codec.js';
import { eventSubject } from '../../src/nats/event-subject.js';
import { ensureEventStream } from '../../src/nats/ensure-event-stream.js';
import { readLastMessage, readStreamTail } from '../../src/nats/read-stream-tail.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function recorded(n: number): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'WalletCharged',
    data: { userId: 'u-1', amount: '100', chargeId: `c${n}` },
    metadata: { correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
    streamId: 'wallet-u-1',
    category: 'wallet',
    revision: BigInt(n),
    position: { commit: BigInt(n), prepare: BigInt(n) },
    recordedAt: new Date('2026-01-01T00:00:00.000Z'),
  };
}

describe('readStreamTail / readLastMessage: where the feed stream ends (real NATS)', () => {
  let nc: NatsConnection;
  const suffix = randomBytes(4).toString('hex');
  const stream = `T_tail_${suffix}`;
  const subjectPrefix = `t_tail_${suffix}`;

  before(async () => {
    nc = await connectNats(NATS_URL, 'test-tail');
    await ensureEventStream(await nc.jetstreamManager(), { stream, subjectPrefix, maxAgeHours: 1 });
  });

  after(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('Given an empty stream, When its end is read, Then there is no last message and the last sequence is 0', async () => {
    const jsm = await nc.jetstreamManager();
    expect(await readLastMessage(jsm, stream, subjectPrefix)).to.equal(undefined);
    expect(await readStreamTail(jsm, stream, subjectPrefix)).to.deep.equal({ lastSequence: 0 });
  });

  it('Given two events published, When the last message alone is read (one request), Then it is the second, decoded, as readStreamTail gives it', async () => {
    const js = nc.jetstream();
    for (const n of [1, 2]) {
      const event = recorded(n);
      await js.publish(eventSubject(subjectPrefix, event.category, event.type), encodeEvent(event));
    }
    const jsm = await nc.jetstreamManager();
    const last = await readLastMessage(jsm, stream, subjectPrefix);
    expect(last?.sequence).to.equal(2);
    expect(last?.event).to.deep.equal(recorded(2));
    expect(await readStreamTail(jsm, stream, subjectPrefix)).to.deep.equal({ lastSequence: 2, last });
  });
});
