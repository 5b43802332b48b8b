import { expect } from 'chai';
import { holdSeatsBody } from '@concert/infra';
import { z } from 'zod';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../../src/cors/cors-policy.js';
import { InProcessGateway, runId, send } from '../gateway-harness.js';

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
  'post /queue/entries/{entryId}/leave',
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
  'get /openapi.json',
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

  /** A `$ref` of this document, resolved. */
  const resolve = (node: Json): Json => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<Json>((at, key) => at[key] as Json, document);
  };

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
    const schema = resolve(
      ((hold.requestBody as Json).content as Record<string, Json>)['application/json']!.schema as Json,
    );
    expect(schema.required).to.have.members(['scheduleId', 'seatIds']);
    expect(schema.additionalProperties).to.equal(false);
    const seatIds = (schema.properties as Record<string, Json>).seatIds!;
    // The same bounds as holdSeatsBody, read from the schema itself rather than restated.
    const bounds = z.toJSONSchema(holdSeatsBody, { io: 'input' }) as { properties: Record<string, Json> };
    expect(seatIds.minItems).to.equal(bounds.properties.seatIds!.minItems);
    expect(seatIds.maxItems).to.equal(bounds.properties.seatIds!.maxItems);
  });

  const operationsOf = (): [string, Json][] =>
    Object.entries(paths()).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [`${method} ${path}`, operation] as [string, Json]),
    );
  const headerParameters = (operation: Json): Json[] =>
    ((operation.parameters as Json[] | undefined) ?? []).map(resolve).filter((p) => p.in === 'header');

  it('Then the operations that need them declare the Queue-Token and Idempotency-Key headers', () => {
    const required = (path: string): unknown[] =>
      headerParameters(paths()[path]!.post!)
        .filter((p) => p.required === true)
        .map((p) => p.name);
    expect(required('/reservations')).to.include('Queue-Token');
    expect(required('/payments')).to.include.members(['Queue-Token', 'Idempotency-Key']);
    expect(required('/wallet/charges')).to.include('Idempotency-Key');
  });

  it('Then every POST behind authentication takes an Idempotency-Key, and every GET an If-None-Match with its 304', () => {
    for (const [where, operation] of operationsOf()) {
      const names = headerParameters(operation).map((p) => p.name);
      if (where.startsWith('post ') && where !== 'post /auth/token') expect(names, where).to.include('Idempotency-Key');
      if (where.startsWith('get ')) {
        expect(names, where).to.include('If-None-Match');
        expect(operation.responses as Json, where).to.have.property('304');
      }
    }
  });

  it('Then every operation has a unique operationId, and only the public ones need no bearer token', () => {
    const ids = operationsOf().map(([, operation]) => operation.operationId);
    expect(
      ids.every((id) => typeof id === 'string' && id !== ''),
      'every operation has one',
    ).to.equal(true);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(document.security).to.deep.equal([{ bearer: [] }]);
    const open = operationsOf()
      .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length === 0)
      .map(([where]) => where);
    expect(open).to.have.members(['post /auth/token', 'get /health', 'get /ready', 'get /openapi.json']);
  });

  it('Then problems are the named Problem schema, with errors[] and instance, and lists take an integer limit of 1 to 100', () => {
    const problem = (document.components as Record<string, Record<string, Json>>).schemas!.Problem!;
    expect(problem.required).to.include.members(['type', 'title', 'status', 'detail', 'code']);
    expect(problem.properties).to.include.keys('errors', 'instance');
    const limit = (paths()['/concerts']!.get!.parameters as Json[]).find((p) => p.name === 'limit')!;
    expect(limit.schema).to.include({ type: 'integer', minimum: 1, maximum: 100 });
    const hold = paths()['/reservations']!.post!.responses as Record<string, Json>;
    expect(resolve(hold['409']!).description).to.include('seat-unavailable');
    expect(Object.keys(resolve(hold['201']!).headers as Json)).to.include.members(['Location', 'X-Consistency-Token']);
  });

  it('Then every header CORS lets a page send or read is one the document declares', () => {
    const components = document.components as Record<string, Record<string, Json>>;
    expect(Object.keys(components.headers!)).to.include.members([...CORS_EXPOSED_HEADERS]);
    const requestHeaders = Object.values(components.parameters!).map((p) => p.name);
    // Authorization is the bearer security scheme; Content-Type is each body's media type.
    const declared = [...requestHeaders, 'Authorization', 'Content-Type'];
    expect(declared).to.include.members([...CORS_ALLOWED_HEADERS]);
  });
});
