import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { StorageType, nanos, type NatsConnection } from 'nats';
import { connectNats } from '../../src/nats/connect-nats.js';
import { ensureDurableConsumer } from '../../src/nats/ensure-durable-consumer.js';
import { DUPLICATE_WINDOW_MS, ensureEventStream } from '../../src/nats/ensure-event-stream.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('ensureEventStream / ensureDurableConsumer (real NATS)', () => {
  let nc: NatsConnection;
  const suffix = randomBytes(4).toString('hex');
  const stream = `T_ensure_${suffix}`;
  const subjectPrefix = `t_ensure_${suffix}`;

  before(async () => {
    nc = await connectNats(NATS_URL, 'test-ensure');
  });

  after(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });

  it('When it runs three times at once on a new stream, and then twice more, Then there is one file stream with the configured subjects, window and age', async () => {
    const jsm = await nc.jetstreamManager();
    const options = { stream, subjectPrefix, maxAgeHours: 2 };
    await Promise.all([1, 2, 3].map(() => ensureEventStream(jsm, options)));
    await ensureEventStream(jsm, options);
    await ensureEventStream(jsm, options);
    const { config } = await jsm.streams.info(stream);
    expect(config.subjects).to.deep.equal([`${subjectPrefix}.>`]);
    expect(config.storage).to.equal(StorageType.File);
    expect(config.duplicate_window).to.equal(nanos(DUPLICATE_WINDOW_MS));
    expect(config.max_age).to.equal(nanos(2 * 3_600_000));
  });

  it('When the configured age changes, Then the existing stream is updated in place', async () => {
    const jsm = await nc.jetstreamManager();
    await ensureEventStream(jsm, { stream, subjectPrefix, maxAgeHours: 2 });
    await ensureEventStream(jsm, { stream, subjectPrefix, maxAgeHours: 5 });
    expect((await jsm.streams.info(stream)).config.max_age).to.equal(nanos(5 * 3_600_000));
  });

  it('When a durable consumer is ensured three times at once and again, Then it exists once with explicit ack from the start, and a changed setting is applied', async () => {
    const jsm = await nc.jetstreamManager();
    await ensureEventStream(jsm, { stream, subjectPrefix, maxAgeHours: 5 });
    const options = {
      stream,
      durable: 'proj_test',
      filterSubject: `${subjectPrefix}.>`,
      maxAckPending: 100,
      ackWaitMs: 5000,
    };
    await Promise.all([1, 2, 3].map(() => ensureDurableConsumer(jsm, options)));
    await ensureDurableConsumer(jsm, options);
    let info = await jsm.consumers.info(stream, 'proj_test');
    expect(info.config.ack_policy).to.equal('explicit');
    expect(info.config.deliver_policy).to.equal('all');
    expect(info.config.filter_subject).to.equal(`${subjectPrefix}.>`);
    expect(info.config.ack_wait).to.equal(nanos(5000));
    await ensureDurableConsumer(jsm, { ...options, maxAckPending: 200 });
    info = await jsm.consumers.info(stream, 'proj_test');
    expect(info.config.max_ack_pending).to.equal(200);
    const names: string[] = [];
    for await (const page of jsm.consumers.list(stream)) names.push(page.name);
    expect(names).to.deep.equal(['proj_test']);
  });
});
