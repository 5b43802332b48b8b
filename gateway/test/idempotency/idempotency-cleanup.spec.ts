import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createLogger, createMetricsRegistry, PostgresIdempotencyStore } from '@concert/infra';
import { startIdempotencyCleanup } from '../../src/idempotency/index.js';

describe('startIdempotencyCleanup', function () {
  this.timeout(30_000);
  const HOUR = 60 * 60 * 1000;

  it('When records are past their retention, Then the job deletes them, counts them, and stops on request', async () => {
    // A clock before every other test's (see the store's spec): only this test's records are that old.
    let now = new Date(Date.UTC(1970, 0, 2));
    const store = new PostgresIdempotencyStore({
      connectionString: process.env.DATABASE_URL!,
      inFlightTimeoutMs: 1000,
      retentionMs: HOUR,
      now: () => now,
    });
    const registry = createMetricsRegistry();
    const user = `user-${randomUUID()}`;
    try {
      for (const key of ['a', 'b', 'c']) expect((await store.begin(user, key, 'fp')).kind).to.equal('started');
      now = new Date(now.getTime() + 2 * HOUR);
      expect((await store.begin(user, 'fresh', 'fp')).kind).to.equal('started');

      const cleanup = startIdempotencyCleanup({
        store,
        intervalMs: 20,
        registry,
        logger: createLogger({ LOG_LEVEL: 'silent' }, 'test'),
        now: () => new Date(now.getTime() - HOUR / 2),
      });
      const counter = registry.getSingleMetric('gateway_idempotency_expired_deleted_total')!;
      const deadline = Date.now() + 10_000;
      while ((await counter.get()).values[0]?.value !== 3) {
        if (Date.now() > deadline) throw new Error('the cleanup job deleted nothing within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await cleanup.stop();

      expect(await store.begin(user, 'a', 'other')).to.have.property('kind', 'started');
      expect(await store.begin(user, 'fresh', 'fp')).to.deep.equal({ kind: 'in-flight' });
    } finally {
      await store.deleteExpired(new Date(Date.UTC(1970, 0, 10)));
      await store.close();
    }
  });
});
