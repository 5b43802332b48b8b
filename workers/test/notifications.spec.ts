import { randomUUID } from 'node:crypto';
import { reservationStreamId } from '@concert/domain';
import { loadConfig, signDevToken, type RecordedEvent, type Registry } from '@concert/infra';
import { chargeWallet, requestPayment } from '@concert/write-model';
import { startService, waitFor } from '@concert/infra/testing';
import { expect } from 'chai';
import { configuredSender } from '../src/notifications/configured-sender.js';
import { NOTIFIER_DURABLE } from '../src/notifications/notifier.js';
import type { NotificationSender } from '../src/notifications/notification.js';
import { webhookSender } from '../src/notifications/webhook-sender.js';
import { verifyWebhookSignature } from '../src/index.js';
import type { NotificationOptions } from '../src/start-workers.js';
import { sagaFixture, type SagaFixture } from './support/saga-fixture.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'notify-test-secret-0123456789';
const LONG_HOLD_MS = 120_000;

describe('notifications: the feed to a signed webhook or the inbox, at most once per event (real PostgreSQL, NATS, Redis)', function () {
  this.timeout(60_000);
  let f: SagaFixture;
  const receivers: WebhookReceiver[] = [];

  before(async () => {
    f = await sagaFixture('notify');
  });
  afterEach(async () => {
    await f.stopWorkers();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  after(async () => {
    await f?.close();
  });

  async function receiver(behaviour: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(behaviour);
    receivers.push(started);
    return started;
  }

  function webhook(url: string, overrides: Partial<NotificationOptions> = {}): NotificationOptions {
    return {
      sender: webhookSender({ url, secret: SECRET, timeoutMs: 5000 }),
      maxAttempts: 5,
      retryBaseMs: 100,
      ...overrides,
    };
  }

  async function heldEvent(reservationId: string): Promise<RecordedEvent> {
    const held = (await f.events(reservationStreamId(reservationId))).find((e) => e.type === 'ReservationHeld');
    if (!held) throw new Error(`no ReservationHeld for ${reservationId}`);
    return held;
  }

  async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
    const found = registry.getSingleMetric(name);
    if (!found) throw new Error(`no metric ${name}`);
    const { values } = await found.get();
    return values
      .filter((v) => Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value))
      .reduce((sum, v) => sum + v.value, 0);
  }

  const delivery = (
    eventId: string,
  ): Promise<{ status: string; attempts: number; last_error: string | null; next_attempt_at: Date } | undefined> =>
    f.knex('notification_deliveries').where('event_id', eventId).first();

  it('When the receiver fails the first two attempts, Then the notification arrives once after backed-off retries, signed, with the event in its body', async () => {
    const hook = await receiver({ failFirst: 2 });
    const workers = await f.startWorkers({ notifications: webhook(hook.url, { retryBaseMs: 150 }) });
    const { scheduleId } = await f.newSchedule(2);
    const hold = await f.hold('fan-retry', scheduleId, ['A-1', 'A-2'], LONG_HOLD_MS);
    const held = await heldEvent(hold.reservationId);

    await waitFor('a 2xx answer', () => hook.requestsFor(held.id).some((r) => r.status === 204), 15_000);
    await waitFor('the delivery recorded', async () => (await delivery(held.id))?.status === 'delivered', 5000);
    // Longer than any retry would wait: nothing more may arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const attempts = hook.requestsFor(held.id);
    expect(attempts.map((r) => r.status)).to.deep.equal([500, 500, 204]);
    expect(attempts[1]!.at - attempts[0]!.at, 'first retry after the base delay').to.be.at.least(150);
    expect(attempts[2]!.at - attempts[1]!.at, 'second retry after twice the base delay').to.be.at.least(300);
    for (const attempt of attempts) {
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          body: attempt.body,
          timestamp: attempt.timestamp,
          signature: attempt.signature,
        }),
      ).to.equal(true);
    }
    const last = attempts[2]!;
    expect(
      verifyWebhookSignature({
        secret: 'another-secret-of-16+',
        body: last.body,
        timestamp: last.timestamp,
        signature: last.signature,
      }),
    ).to.equal(false);
    expect(
      verifyWebhookSignature({
        secret: SECRET,
        body: last.body.replace('fan-retry', 'fan-other'),
        timestamp: last.timestamp,
        signature: last.signature,
      }),
    ).to.equal(false);

    expect(JSON.parse(last.body)).to.deep.equal({
      id: held.id,
      userId: 'fan-retry',
      kind: 'reservation-held',
      reservationId: hold.reservationId,
      occurredAt: new Date(held.metadata.occurredAt).toISOString(),
      payload: { scheduleId, seatIds: ['A-1', 'A-2'], amount: 200, expiresAt: hold.expiresAt.toISOString() },
    });
    expect(await delivery(held.id)).to.include({ status: 'delivered', attempts: 3 });
    expect(
      await metric(workers.registry, 'workers_notifications_delivered_total', {
        kind: 'reservation-held',
        sender: 'webhook',
      }),
    ).to.equal(1);
    expect(await metric(workers.registry, 'workers_notification_failures_total', { sender: 'webhook' })).to.equal(2);
  });

  it('When the receiver always fails, Then after NOTIFY_MAX_ATTEMPTS attempts the notification is a dead letter with its last error, and is not sent again', async () => {
    const hook = await receiver({ failFirst: Infinity });
    const workers = await f.startWorkers({ notifications: webhook(hook.url, { maxAttempts: 3, retryBaseMs: 50 }) });
    const { scheduleId } = await f.newSchedule(1);
    const hold = await f.hold('fan-dead', scheduleId, ['A-1'], LONG_HOLD_MS);
    const held = await heldEvent(hold.reservationId);

    await waitFor(
      'the dead letter',
      async () => (await f.knex('notification_dead_letters').where('event_id', held.id).first()) !== undefined,
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(hook.requestsFor(held.id).map((r) => r.status)).to.deep.equal([500, 500, 500]);
    const dead = await f.knex('notification_dead_letters').where('event_id', held.id).first();
    expect(dead.attempts).to.equal(3);
    expect(dead.last_error).to.include('webhook answered 500');
    expect(dead.notification).to.include({ id: held.id, userId: 'fan-dead', kind: 'reservation-held' });
    expect(await delivery(held.id)).to.include({ status: 'dead', attempts: 3 });
    expect(
      await metric(workers.registry, 'workers_notification_dead_letters_total', { sender: 'webhook' }),
    ).to.be.at.least(1);
  });

  it('When the worker stops between two attempts, Then the retry waits in PostgreSQL and a restarted worker delivers it once', async () => {
    const hook = await receiver({ failFirst: 1 });
    await f.startWorkers({ notifications: webhook(hook.url, { retryBaseMs: 3000 }) });
    const { scheduleId } = await f.newSchedule(1);
    const hold = await f.hold('fan-restart', scheduleId, ['A-1'], LONG_HOLD_MS);
    const held = await heldEvent(hold.reservationId);

    await waitFor('the failed first attempt', async () => (await delivery(held.id))?.attempts === 1, 15_000);
    await f.stopWorkers();
    const waiting = await delivery(held.id);
    expect(waiting).to.include({ status: 'pending', attempts: 1 });
    expect(waiting!.last_error).to.include('500');
    expect(waiting!.next_attempt_at.getTime()).to.be.above(Date.now());

    await f.startWorkers({ notifications: webhook(hook.url, { retryBaseMs: 3000 }) });
    await waitFor('the retry delivered', async () => (await delivery(held.id))?.status === 'delivered', 15_000);
    expect(hook.requestsFor(held.id).map((r) => r.status)).to.deep.equal([500, 204]);
  });

  it('When two worker instances share the feed and NATS delivers every event again, Then each event id reaches the receiver once', async () => {
    const hook = await receiver({ delayMs: 20 });
    // Small batches and one sender lane each, so that both instances take part.
    const options = (): NotificationOptions => ({ ...webhook(hook.url), batchSize: 4, concurrency: 1 });
    const startTwo = async () => [
      await f.startWorkers({ notifications: options() }),
      await f.startWorkers({ notifications: options() }),
    ];
    const first = await startTwo();
    const { scheduleId, seatIds } = await f.newSchedule(12);
    const holds = await Promise.all(
      seatIds.map((seatId, i) => f.hold(`fan-twice-${i}`, scheduleId, [seatId], LONG_HOLD_MS)),
    );
    const held = await Promise.all(holds.map((h) => heldEvent(h.reservationId)));
    await waitFor(
      'every notification delivered',
      async () => (await Promise.all(held.map((e) => delivery(e.id)))).every((d) => d?.status === 'delivered'),
      15_000,
    );
    const byInstance = await Promise.all(
      first.map((w) => metric(w.registry, 'workers_notifications_delivered_total', { sender: 'webhook' })),
    );
    console.log(`      (notifications delivered by instance: ${byInstance.join(' + ')})`);

    // The consumer lost (deleted, recreated from the start of the stream): every event is delivered again.
    await f.stopWorkers();
    await (await f.nc.jetstreamManager()).consumers.delete(f.config.NATS_STREAM, NOTIFIER_DURABLE);
    const second = await startTwo();
    const duplicates = async (): Promise<number> =>
      (await metric(second[0]!.registry, 'workers_notifier_events_total', { outcome: 'duplicate' })) +
      (await metric(second[1]!.registry, 'workers_notifier_events_total', { outcome: 'duplicate' }));
    await waitFor('the redelivered events seen as duplicates', async () => (await duplicates()) >= held.length, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(held.map((e) => hook.requestsFor(e.id).length)).to.deep.equal(held.map(() => 1));
  });

  it('When the workers process runs with NOTIFY_WEBHOOK_URL, Then it posts signed notifications, reports them in /metrics and stops on SIGTERM', async () => {
    const hook = await receiver({ failFirst: 1 });
    const port = Number(f.env.WORKERS_PORT);
    const worker = await startService('workers/src/main.ts', port, {
      ...f.env,
      NOTIFY_WEBHOOK_URL: hook.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_RETRY_BASE_MS: '100',
    });
    try {
      const { scheduleId } = await f.newSchedule(1);
      const hold = await f.hold('fan-process', scheduleId, ['A-1'], LONG_HOLD_MS);
      const held = await heldEvent(hold.reservationId);
      await waitFor(
        'the notification delivered',
        async () => (await delivery(held.id))?.status === 'delivered',
        15_000,
      );
      const [failed, delivered] = hook.requestsFor(held.id);
      expect([failed?.status, delivered?.status]).to.deep.equal([500, 204]);
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          body: delivered!.body,
          timestamp: delivered!.timestamp,
          signature: delivered!.signature,
        }),
      ).to.equal(true);

      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      expect(metrics).to.match(
        /^workers_notifications_delivered_total\{kind="reservation-held",sender="webhook",service="workers"\} 1$/m,
      );
      expect(metrics).to.match(/^workers_notification_failures_total\{sender="webhook",service="workers"\} 1$/m);
      expect(metrics).to.match(/^workers_notification_deliveries_pending\{service="workers"\} 0$/m);
      expect(metrics).to.include('workers_notification_dead_letters_total');
    } finally {
      await worker.stop();
    }
    expect(worker.output()).to.not.match(/"level":(50|60)/);
  });

  it('When no webhook is configured, Then each user finds their own notifications at GET /me/notifications, newest first', async () => {
    const sender: NotificationSender = configuredSender(loadConfig({ ...process.env, ...f.env }), f.knex);
    expect(sender.name).to.equal('inbox');
    await f.startWorkers({ notifications: { sender, maxAttempts: 3, retryBaseMs: 100 } });
    const { scheduleId } = await f.newSchedule(2);
    const payer = await f.hold('fan-inbox-a', scheduleId, ['A-1'], LONG_HOLD_MS);
    await f.hold('fan-inbox-b', scheduleId, ['A-2'], 1500);
    await chargeWallet(f.ctx(), { userId: 'fan-inbox-a', chargeId: randomUUID(), amount: 1000, maxAmount: 10_000 });
    const paid = await requestPayment(f.ctx(), {
      reservationId: payer.reservationId,
      userId: 'fan-inbox-a',
      paymentId: randomUUID(),
    });
    expect(paid.status).to.equal('COMPLETED');

    const kindsOf = async (userId: string): Promise<string[]> =>
      (await f.knex('notifications').where('user_id', userId).select('kind'))
        .map((r: { kind: string }) => r.kind)
        .sort();
    await waitFor('the payer notified thrice', async () => (await kindsOf('fan-inbox-a')).length === 3, 15_000);
    await waitFor('the lapsed hold notified twice', async () => (await kindsOf('fan-inbox-b')).length === 2, 15_000);
    expect(await kindsOf('fan-inbox-a')).to.deep.equal([
      'payment-completed',
      'reservation-confirmed',
      'reservation-held',
    ]);
    expect(await kindsOf('fan-inbox-b')).to.deep.equal(['reservation-expired', 'reservation-held']);

    const port = Number(f.env.WORKERS_PORT) + 1;
    const queryApi = await startService('query-api/src/main.ts', port, { ...f.env, QUERY_API_PORT: String(port) });
    try {
      const token = signDevToken(f.config, { userId: 'fan-inbox-a', roles: [], expiresInSeconds: 600 });
      const response = await fetch(`${queryApi.url}/me/notifications`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).to.equal(200);
      const items = (await response.json()) as Array<{ kind: string; reservationId: string; occurredAt: string }>;
      expect(items.map((i) => i.kind).sort()).to.deep.equal([
        'payment-completed',
        'reservation-confirmed',
        'reservation-held',
      ]);
      expect(items.every((i) => i.reservationId === payer.reservationId)).to.equal(true);
      expect(items.at(-1)!.kind, 'the hold came first, so it is listed last').to.equal('reservation-held');
      const times = items.map((i) => Date.parse(i.occurredAt));
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      expect((await fetch(`${queryApi.url}/me/notifications`)).status).to.equal(401);
    } finally {
      await queryApi.stop();
    }
  });
});
