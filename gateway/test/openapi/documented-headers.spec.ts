import { expect } from 'chai';
import { removeRunResources, startPatiently, waitFor, type ServiceProcess } from '@concert/infra/testing';
import { createApiClient, documentedHeader, type ApiClient } from '../../src/openapi/client/api-client.js';
import { InProcessGateway, portBlock, runId, startUpstream } from '../gateway-harness.js';

type Json = Record<string, unknown>;

/** Framing headers every HTTP answer may carry: the only ones the document need not name. */
const FRAMING = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

const PAGE_ORIGIN = 'http://tickets.test';

interface Seen {
  method: string;
  /** The document's path template the request matched. */
  path: string;
  status: number;
  headers: string[];
}

/**
 * A fan's whole purchase through the generated client (openapi-fetch over api-types.ts)
 * against a gateway in this process, over real command-api, query-api and projectors
 * processes: queue, poll, hold, charge, pay, read back, plus the refusals and replays a client
 * meets on the way. Every answer is recorded; the last test checks that each header the
 * services actually sent is declared by the served document for that operation and status.
 */
describe('gateway: the OpenAPI document declares every header the services send', function () {
  this.timeout(300_000);
  const run = runId();
  const [command, query, projectors] = portBlock(3) as [number, number, number];
  const services: ServiceProcess[] = [];
  let gateway: InProcessGateway;
  let document: Json;
  const seen: Seen[] = [];
  const templates: { method: string; path: string; pattern: RegExp }[] = [];

  /** Records every answer, matched to the document's path templates. */
  const recordingFetch = async (request: Request): Promise<Response> => {
    const response = await fetch(request);
    const pathname = new URL(request.url).pathname;
    const method = request.method.toLowerCase();
    const template = templates.find((t) => t.method === method && t.pattern.test(pathname));
    seen.push({
      method,
      path: template?.path ?? pathname,
      status: response.status,
      headers: [...response.headers.keys()],
    });
    return response;
  };

  const client = (accessToken?: string): ApiClient =>
    createApiClient({
      baseUrl: gateway.url,
      fetch: recordingFetch,
      // From a page on an allowed origin: the CORS headers are on every answer, and checked too.
      headers: {
        Origin: PAGE_ORIGIN,
        ...(accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` }),
      },
    });

  before(async () => {
    const env = {
      NATS_STREAM: `GW_OAS_${run}`,
      NATS_SUBJECT_PREFIX: `gw_oas_${run}`,
      REDIS_KEY_PREFIX: `test:gw-oas:${run}:`,
      COMMAND_API_URLS: `http://127.0.0.1:${command}`,
      QUERY_API_URLS: `http://127.0.0.1:${query}`,
      PROJECTORS_PORT: String(projectors),
      PROJECTORS_URLS: `http://127.0.0.1:${projectors}`,
      HOLD_DURATION_MS: '120000',
      CONSISTENCY_WAIT_MS: '15000',
    };
    services.push(await startUpstream('command-api', command, env));
    services.push(await startUpstream('query-api', query, env));
    services.push(await startPatiently('projectors/src/main.ts', projectors, env));
    gateway = await new InProcessGateway({
      ...env,
      AUTH_DEV_LOGIN: 'true',
      CORS_ORIGINS: PAGE_ORIGIN,
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '500',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '30000',
      QUEUE_ADMIT_PER_SECOND: '1000',
      QUEUE_TICK_INTERVAL_MS: '50',
      // Low enough for the last poll of the flow to meet the 429 and its Retry-After.
      RATE_LIMIT_POLLS_PER_MINUTE: '20',
    }).start();
    await gateway.untilRedisAnswers();
    const served = await client().GET('/openapi.json');
    expect(served.response.status).to.equal(200);
    document = served.data as Json;
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
      for (const method of Object.keys(item)) templates.push({ method, path, pattern });
    }
  });

  after(async () => {
    await gateway?.close();
    await Promise.all(services.map((service) => service.stop()));
    // Its database is the mocha run's own, dropped by the global teardown.
    if (gateway) await removeRunResources(gateway.config, { keepDatabase: true });
  });

  async function login(userId: string, roles: string[] = []): Promise<string> {
    const { data, response } = await client().POST('/auth/token', { body: { userId, roles } });
    expect(response.status).to.equal(200);
    return data!.accessToken;
  }

  let concertId = '';
  let scheduleId = '';
  let catalogToken = '';

  it('Given an admin, When they create two concerts and a date, Then each 201 gives Location and X-Consistency-Token', async () => {
    const admin = client(await login(`admin-${run}`, ['admin']));
    for (const title of ['Headers A', 'Headers B']) {
      const created = await admin.POST('/admin/concerts', { body: { title, venue: 'Hall' } });
      const at = { path: '/admin/concerts', method: 'post', status: 201 } as const;
      expect(documentedHeader(created.response, at, 'Location')).to.equal(
        `/concerts/${created.data!.concertId}/schedules`,
      );
      concertId = created.data!.concertId;
    }
    const added = await admin.POST('/admin/concerts/{concertId}/schedules', {
      params: { path: { concertId } },
      body: {
        startsAt: '2027-09-01T19:00:00.000Z',
        seats: ['A-1', 'A-2', 'A-3'].map((seatId) => ({ seatId, grade: 'R', price: 1000 })),
      },
    });
    scheduleId = added.data!.scheduleId;
    const at = { path: '/admin/concerts/{concertId}/schedules', method: 'post', status: 201 } as const;
    catalogToken = documentedHeader(added.response, at, 'X-Consistency-Token') ?? '';
    expect(catalogToken).to.match(/^\d+\.\d+$/);
  });

  it('When a fan reads the catalog with that token, Then lists page with X-Next-Cursor and Link, and an unchanged read is 304', async () => {
    const fan = client(await login(`reader-${run}`));
    const consistent = { 'X-Consistency-Token': catalogToken };
    const page = await fan.GET('/concerts', { params: { query: { limit: 1 }, header: consistent } });
    const at = { path: '/concerts', method: 'get', status: 200 } as const;
    const cursor = documentedHeader(page.response, at, 'X-Next-Cursor');
    expect(cursor, 'two concerts, one per page').to.be.a('string');
    expect(documentedHeader(page.response, at, 'Link')).to.include('rel="next"');
    await fan.GET('/concerts', { params: { query: { limit: 1, cursor: cursor! } } });
    const seats = await fan.GET('/schedules/{scheduleId}/seats', {
      params: { path: { scheduleId }, header: consistent },
    });
    expect(seats.data!.map((seat) => seat.seatId)).to.have.members(['A-1', 'A-2', 'A-3']);
    const etag = documentedHeader(
      seats.response,
      { path: '/schedules/{scheduleId}/seats', method: 'get', status: 200 },
      'ETag',
    );
    const again = await fan.GET('/schedules/{scheduleId}/seats', {
      params: { path: { scheduleId }, header: { 'If-None-Match': etag! } },
      // fetch() adds `Cache-Control: no-cache` to a conditional request unless one is set (see IfNoneMatch).
      headers: { 'Cache-Control': 'max-age=0' },
    });
    expect(again.response.status).to.equal(304);
    await fan.GET('/concerts/{concertId}/schedules', { params: { path: { concertId }, query: { all: 'true' } } });
  });

  it('When a fan queues, is admitted, holds, charges, pays and reads back through the client, Then every step succeeds', async () => {
    const fan = client(await login(`fan-${run}`));
    const entered = await fan.POST('/queue/entries', {
      params: { header: { 'Idempotency-Key': `enter-${run}` } },
      body: { concertId },
    });
    expect(entered.response.status).to.equal(202);
    // The gateway answers this POST itself, and still honours the key.
    const repeated = await fan.POST('/queue/entries', {
      params: { header: { 'Idempotency-Key': `enter-${run}` } },
      body: { concertId },
    });
    const enteredAt = { path: '/queue/entries', method: 'post', status: 202 } as const;
    expect(documentedHeader(repeated.response, enteredAt, 'Idempotent-Replayed')).to.equal('true');
    expect(repeated.data).to.deep.equal(entered.data);

    let queueToken = '';
    await waitFor(
      'admission from the waiting room',
      async () => {
        const status = await fan.GET('/queue/entries/{entryId}', {
          params: { path: { entryId: entered.data!.entryId! } },
        });
        queueToken = status.data?.queueToken ?? '';
        return status.data?.status === 'ADMITTED' && queueToken !== '';
      },
      20_000,
      100,
    );

    const withQueue = { 'Queue-Token': queueToken };
    const held = await fan.POST('/reservations', {
      params: { header: withQueue },
      body: { scheduleId, seatIds: ['A-1'] },
    });
    const heldAt = { path: '/reservations', method: 'post', status: 201 } as const;
    const reservationId = held.data!.reservationId;
    expect(documentedHeader(held.response, heldAt, 'Location')).to.equal(`/reservations/${reservationId}`);
    const taken = await fan.POST('/reservations', {
      params: { header: withQueue },
      body: { scheduleId, seatIds: ['A-1'] },
    });
    expect(taken.error).to.include({ status: 409, code: 'seat-unavailable' });

    const second = await fan.POST('/reservations', {
      params: { header: withQueue },
      body: { scheduleId, seatIds: ['A-2'] },
    });
    const cancelled = await fan.POST('/reservations/{reservationId}/cancel', {
      params: { path: { reservationId: second.data!.reservationId } },
    });
    expect(cancelled.data).to.include({ status: 'CANCELLED' });

    const charge = { params: { header: { 'Idempotency-Key': `charge-${run}` } }, body: { amount: 5000 } };
    const charged = await fan.POST('/wallet/charges', charge);
    expect(charged.data).to.deep.equal({ balance: 5000 });
    const reused = await fan.POST('/wallet/charges', { ...charge, body: { amount: 10 } });
    expect(reused.error).to.include({ status: 422, code: 'idempotency-key-reused' });

    const payment = {
      params: { header: { ...withQueue, 'Idempotency-Key': `pay-${run}` } },
      body: { reservationId },
    };
    const paid = await fan.POST('/payments', payment);
    const paidAt = { path: '/payments', method: 'post', status: 201 } as const;
    const location = documentedHeader(paid.response, paidAt, 'Location');
    expect(location).to.equal(`/payments/${paid.data!.paymentId}`);
    const afterPayment = { 'X-Consistency-Token': documentedHeader(paid.response, paidAt, 'X-Consistency-Token')! };
    const replayed = await fan.POST('/payments', payment);
    expect(documentedHeader(replayed.response, paidAt, 'Idempotent-Replayed')).to.equal('true');
    expect(replayed.data).to.deep.equal(paid.data);

    const reservation = await fan.GET('/reservations/{reservationId}', {
      params: { path: { reservationId }, header: afterPayment },
    });
    expect(reservation.data).to.include({ status: 'CONFIRMED', paymentId: paid.data!.paymentId });
    const readBack = await fan.GET('/payments/{paymentId}', {
      params: { path: { paymentId: paid.data!.paymentId }, header: afterPayment },
    });
    expect(readBack.data).to.include({ status: 'COMPLETED', amount: 1000 });
    const wallet = await fan.GET('/me/wallet', { params: { header: afterPayment } });
    expect(wallet.data).to.deep.equal({ balance: 4000 });
    const mine = await fan.GET('/me/reservations', { params: { query: { limit: 1 }, header: afterPayment } });
    const mineAt = { path: '/me/reservations', method: 'get', status: 200 } as const;
    expect(documentedHeader(mine.response, mineAt, 'X-Next-Cursor'), 'two reservations, one per page').to.be.a(
      'string',
    );
    await fan.GET('/me/notifications', {});

    // Polling past its budget: 429, and how long to wait, read as the document names it.
    let retryAfter: string | undefined;
    await waitFor(
      'the poll budget to run out',
      async () => {
        const status = await fan.GET('/queue/entries/{entryId}', {
          params: { path: { entryId: entered.data!.entryId! } },
        });
        if (status.response.status !== 429) return false;
        const at = { path: '/queue/entries/{entryId}', method: 'get', status: 429 } as const;
        retryAfter = documentedHeader(status.response, at, 'Retry-After');
        return true;
      },
      20_000,
      10,
    );
    expect(Number(retryAfter)).to.be.greaterThan(0);
  });

  it('When a request is refused, Then the problem answers come through the client too', async () => {
    const anonymous = await client().GET('/me/wallet', {});
    const at = { path: '/me/wallet', method: 'get', status: 401 } as const;
    expect(documentedHeader(anonymous.response, at, 'WWW-Authenticate')).to.match(/^Bearer/);
    const fan = client(await login(`stranger-${run}`));
    const missing = await fan.GET('/reservations/{reservationId}', { params: { path: { reservationId: 'nope' } } });
    expect(missing.error).to.include({ status: 404, code: 'reservation-not-found' });
    const noKey = await fan.POST('/wallet/charges', {
      params: { header: {} as { 'Idempotency-Key': string } },
      body: { amount: 1 },
    });
    expect(noKey.error).to.include({ status: 400, code: 'idempotency-key-required' });
    await client().GET('/health');
    await client().GET('/ready');
  });

  it('Then every header seen on every answer is declared by the document for that operation and status', () => {
    const sent = new Set(seen.flatMap((answer) => answer.headers));
    // What the flow read: the check below saw each of them on real answers.
    expect([...sent]).to.include.members([
      'x-request-id',
      'etag',
      'location',
      'x-consistency-token',
      'x-next-cursor',
      'link',
      'retry-after',
      'idempotent-replayed',
      'www-authenticate',
      'ratelimit',
      'ratelimit-policy',
      'cache-control',
      'vary',
      'access-control-allow-origin',
      'access-control-expose-headers',
    ]);
    const missing: string[] = [];
    for (const answer of seen) {
      const operation = (document.paths as Record<string, Record<string, Json>>)[answer.path]?.[answer.method];
      const where = `${answer.method.toUpperCase()} ${answer.path} ${answer.status}`;
      if (operation === undefined) {
        missing.push(`${where}: no such operation`);
        continue;
      }
      const response = resolve((operation.responses as Record<string, Json>)[String(answer.status)]);
      if (response === undefined) {
        missing.push(`${where}: status not documented`);
        continue;
      }
      const declared = new Set(Object.keys((response.headers as Json | undefined) ?? {}).map((h) => h.toLowerCase()));
      for (const header of answer.headers) {
        if (!FRAMING.has(header) && !declared.has(header)) missing.push(`${where}: ${header}`);
      }
    }
    expect([...new Set(missing)]).to.deep.equal([]);
  });

  /** A `$ref` of the served document, resolved. */
  function resolve(node: Json | undefined): Json | undefined {
    const ref = node?.$ref;
    if (typeof ref !== 'string') return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<Json | undefined>((at, key) => at?.[key] as Json | undefined, document);
  }
});
