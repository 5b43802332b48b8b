import { DomainError } from '@concert/domain';
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { HttpProblem } from '../../src/http/problem.js';
import { createLogger } from '../../src/logging/logger.js';
import { startApp, type StartedApp } from './start-app.js';

describe('HTTP: errors become problem+json', () => {
  let server: StartedApp;
  const logLines: Array<Record<string, unknown>> = [];
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    server = await startApp(
      (app) => {
        app.post('/seats', async () => {
          await Promise.resolve();
          throw new DomainError('seat-unavailable', 'seats A-1 are taken', { seatIds: ['A-1'], status: 999 });
        });
        app.get('/wallet', () => {
          throw new DomainError('insufficient-funds', 'balance too low', { balance: 5 });
        });
        app.get('/mapped', () => {
          throw new DomainError('hold-not-expired', 'the hold still runs');
        });
        app.get('/db-down', async () => {
          await Promise.resolve();
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        });
        app.get('/pg-shutdown', () => {
          throw new Error('query failed', { cause: Object.assign(new Error('terminating'), { code: '57P01' }) });
        });
        app.get('/redis-down', () => {
          throw new Error('Connection is closed.');
        });
        app.get('/bug', () => {
          throw new TypeError('cannot read properties of undefined');
        });
        app.get('/teapot', () => {
          throw new HttpProblem({ status: 429, code: 'rate-limited', detail: 'slow down', retryAfterSeconds: 7 });
        });
        app.get('/items/:id', (req, res) => {
          res.json({ id: req.params.id });
        });
      },
      { codeToStatus: { 'hold-not-expired': 422 }, logger: createLogger({ LOG_LEVEL: 'info' }, 'test', sink) },
    );
  });
  after(() => server.close());

  async function problemAt(path: string, init: RequestInit = {}) {
    const res = await fetch(`${server.url}${path}`, init);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    return { res, body: (await res.json()) as Record<string, unknown> };
  }

  it('When no route matches, Then 404 problem with code not-found', async () => {
    const { res, body } = await problemAt('/nowhere');
    expect(res.status).to.equal(404);
    expect(body).to.include({ code: 'not-found', status: 404 });
    expect(body.type).to.be.a('string');
    expect(body.title).to.be.a('string');
  });

  it('When a handler throws DomainError seat-unavailable, Then 409 with the seatIds', async () => {
    const { res, body } = await problemAt('/seats', { method: 'POST' });
    expect(res.status).to.equal(409);
    expect(body).to.deep.include({ code: 'seat-unavailable', seatIds: ['A-1'], detail: 'seats A-1 are taken' });
    expect(body.status, 'details cannot overwrite the status').to.equal(409);
  });

  it('When a handler throws insufficient-funds, Then 422 by the default map', async () => {
    const { res, body } = await problemAt('/wallet');
    expect(res.status).to.equal(422);
    expect(body).to.include({ code: 'insufficient-funds', balance: 5 });
  });

  it('When the service maps a domain code itself, Then its status wins over the default', async () => {
    const { res, body } = await problemAt('/mapped');
    expect(res.status).to.equal(422);
    expect(body).to.include({ code: 'hold-not-expired' });
  });

  it('When a handler throws an ECONNREFUSED error, Then 503 unavailable with Retry-After', async () => {
    const { res, body } = await problemAt('/db-down');
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('1');
    expect(body).to.include({ code: 'unavailable' });
    expect(JSON.stringify(body)).not.to.include('5432');
  });

  it('When the cause is a PostgreSQL admin shutdown or a closed Redis connection, Then 503', async () => {
    expect((await problemAt('/pg-shutdown')).res.status).to.equal(503);
    expect((await problemAt('/redis-down')).res.status).to.equal(503);
  });

  it('When an unexpected error is thrown, Then 500 internal, logged with its stack', async () => {
    const { res, body } = await problemAt('/bug');
    expect(res.status).to.equal(500);
    expect(body).to.include({ code: 'internal' });
    expect(JSON.stringify(body)).not.to.include('undefined');
    const logged = logLines.find((line) => line.msg === 'unhandled error');
    expect(logged?.level).to.equal(50);
    expect((logged?.err as { stack?: string } | undefined)?.stack).to.include('TypeError');
    expect(logged?.requestId).to.equal(res.headers.get('x-request-id'));
  });

  it('When an HttpProblem is thrown, Then it is sent as is with its Retry-After', async () => {
    const { res, body } = await problemAt('/teapot');
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('7');
    expect(body).to.include({ code: 'rate-limited', detail: 'slow down' });
  });

  it('When a path parameter is badly percent-encoded, Then 400, not 500', async () => {
    const { res, body } = await problemAt('/items/%E0%A4%A');
    expect(res.status).to.equal(400);
    expect(body).to.include({ code: 'validation' });
  });
});
