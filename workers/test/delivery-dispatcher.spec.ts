import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { createLogger, createMetricsRegistry } from '@concert/infra';
import { createWorkerMetrics } from '../src/metrics/worker-metrics.js';
import { dispatchDue } from '../src/notifications/delivery-dispatcher.js';
import { enqueueNotifications } from '../src/notifications/delivery-store.js';
import type { Notification, NotificationSender } from '../src/notifications/notification.js';

describe('notification dispatcher: a claimed batch through the sender (real PostgreSQL)', () => {
  let knex: Knex;
  const ids: string[] = [];

  before(() => {
    knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 4 } });
  });
  afterEach(async () => {
    await knex('notification_deliveries').whereIn('event_id', ids.splice(0)).delete();
  });
  after(async () => {
    await knex.destroy();
  });

  async function givenPending(count: number): Promise<Notification[]> {
    const notifications = Array.from({ length: count }, (): Notification => ({
      id: randomUUID(),
      userId: 'fan',
      kind: 'reservation-expired',
      reservationId: randomUUID(),
      occurredAt: new Date().toISOString(),
      payload: {},
    }));
    ids.push(...notifications.map((n) => n.id));
    await enqueueNotifications(knex, notifications);
    return notifications;
  }

  async function dispatch(sender: NotificationSender): Promise<void> {
    // Other specs' rows may be pending in the same database: these are dispatched too, and ignored.
    while (
      await dispatchDue({
        knex,
        sender,
        now: () => new Date(),
        maxAttempts: 3,
        retryBaseMs: 60_000,
        batchSize: 64,
        concurrency: 4,
        logger: createLogger({ LOG_LEVEL: 'silent' }, 'dispatcher-test'),
        metrics: createWorkerMetrics(createMetricsRegistry()),
      })
    );
  }

  async function statuses(): Promise<Record<string, { status: string; last_error: string | null }>> {
    const rows: Array<{ event_id: string; status: string; last_error: string | null }> = await knex(
      'notification_deliveries',
    ).whereIn('event_id', ids);
    return Object.fromEntries(rows.map((r) => [r.event_id, { status: r.status, last_error: r.last_error }]));
  }

  it('When the sender can take the whole batch, Then every notification is delivered by one sendAll and no send', async () => {
    const pending = await givenPending(3);
    const batches: string[][] = [];
    let sends = 0;

    await dispatch({
      name: 'batching',
      send: async () => {
        sends++;
      },
      sendAll: async (notifications) => {
        batches.push(notifications.map((n) => n.id));
      },
    });

    expect(batches.filter((b) => b.some((id) => ids.includes(id)))).to.have.length(1);
    expect(batches.flat()).to.include.members(pending.map((n) => n.id));
    expect(sends).to.equal(0);
    expect(Object.values(await statuses()).map((s) => s.status)).to.deep.equal(['delivered', 'delivered', 'delivered']);
  });

  it('When sendAll fails, Then each notification is sent alone and gets its own outcome: the failing one is retried later with its error', async () => {
    const [ok1, failing, ok2] = await givenPending(3);

    await dispatch({
      name: 'flaky',
      send: async (n) => {
        if (n.id === failing!.id) throw new Error('receiver refused this one');
      },
      sendAll: async () => {
        throw new Error('batch refused');
      },
    });

    const after = await statuses();
    expect(after[ok1!.id]?.status).to.equal('delivered');
    expect(after[ok2!.id]?.status).to.equal('delivered');
    expect(after[failing!.id]).to.deep.equal({ status: 'pending', last_error: 'Error: receiver refused this one' });
  });
});
