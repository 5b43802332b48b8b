import { expect } from 'chai';
import { holdSeatsBody } from '@concert/infra';
import { z } from 'zod';
import { InProcessGateway, runId, send } from './gateway-harness.js';

/** Every public endpoint of docs/api.md, as the gateway serves it, and the read endpoints of issue 6 (notifications, statistics). */
const API_MD_ENDPOINTS = [
  'post /auth/token',
  'post /admin/concerts',
  'post /admin/concerts/{concertId}/schedules',
  'get /concerts',
  'get /concerts/{concertId}/schedules',
  'get /schedules/{scheduleId}/seats',
  'post /queue/entries',
  'get /queue/entries/{entryId}',
  'post /reservations',
  'post /reservations/{reservationId}/cancel',
  'get /reservations/{reservationId}',
  'get /me/reservations',
  'post /wallet/charges',
  'get /me/wallet',
  'post /payments',
  'get /payments/{paymentId}',
  'get /me/notifications',
  'get /admin/stats/concerts/{concertId}',
  'get /admin/stats/schedules/{scheduleId}',
  'get /admin/console/snapshot',
  'post /admin/console/parked/{id}/retry',
  'get /health',
  'get /ready',
];

type Json = Record<string, unknown>;

describe('gateway: GET /openapi.json', function () {
  this.timeout(30_000);
  let gateway: InProcessGateway;
  let document: Json;

  before(async () => {
    gateway = await new InProcessGateway({
      AUTH_DEV_LOGIN: 'true',
      REDIS_KEY_PREFIX: `test:gw-openapi:${runId()}:`,
      COMMAND_API_URLS: 'http://127.0.0.1:9',
      QUERY_API_URLS: 'http://127.0.0.1:9',
    }).start();
    const answer = await send('GET', `${gateway.url}/openapi.json`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^application\/json/);
    document = answer.body;
  });

  after(async () => {
    await gateway?.close();
  });

  const paths = (): Record<string, Record<string, Json>> => document.paths as Record<string, Record<string, Json>>;

  it('When fetched without a token, Then it is an OpenAPI 3.1 document', () => {
    expect(document.openapi).to.match(/^3\.1\.\d+$/);
    expect(document.info).to.include.keys('title', 'version');
    expect(paths()).to.be.an('object');
  });

  it('Then it lists every public endpoint of docs/api.md and nothing internal', () => {
    const listed = Object.entries(paths()).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(listed).to.have.members(API_MD_ENDPOINTS);
  });

  it('Then every operation has responses, declares its path parameters, and every $ref resolves', () => {
    for (const [path, item] of Object.entries(paths())) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(Object.keys(operation.responses as Json), where).to.not.be.empty;
        const declared = ((operation.parameters as Json[] | undefined) ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name);
        const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared, where).to.have.members(inPath);
        for (const status of Object.keys(operation.responses as Json)) expect(status, where).to.match(/^[1-5]\d\d$/);
      }
    }
    for (const ref of JSON.stringify(document).matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = ref[1]!.split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
      expect(target, ref[1]).to.not.equal(undefined);
    }
  });

  it('Then a request body is the zod schema the command API validates with', () => {
    const hold = paths()['/reservations']!.post!;
    const schema = ((hold.requestBody as Json).content as Record<string, Json>)['application/json']!.schema as Json;
    expect(schema.required).to.have.members(['scheduleId', 'seatIds']);
    expect(schema.additionalProperties).to.equal(false);
    const seatIds = (schema.properties as Record<string, Json>).seatIds!;
    // The same bounds as holdSeatsBody, read from the schema itself rather than restated.
    const bounds = z.toJSONSchema(holdSeatsBody, { io: 'input' }) as { properties: Record<string, Json> };
    expect(seatIds.minItems).to.equal(bounds.properties.seatIds!.minItems);
    expect(seatIds.maxItems).to.equal(bounds.properties.seatIds!.maxItems);
  });

  it('Then the operations that need them declare the Queue-Token and Idempotency-Key headers', () => {
    const headersOf = (path: string): unknown[] =>
      ((paths()[path]!.post!.parameters as Json[] | undefined) ?? [])
        .filter((p) => p.in === 'header')
        .map((p) => p.name);
    expect(headersOf('/reservations')).to.include('queue-token');
    expect(headersOf('/payments')).to.include.members(['queue-token', 'idempotency-key']);
    expect(headersOf('/wallet/charges')).to.include('idempotency-key');
  });
});
