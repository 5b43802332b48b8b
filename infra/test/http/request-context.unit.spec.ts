import { expect } from 'chai';
import { Writable } from 'node:stream';
import { loggerOf, requestIdOf, type RequestLogPolicy } from '../../src/http/request-context.js';
import { createLogger } from '../../src/logging/logger.js';
import { startApp, type StartedApp } from './start-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown>;

/** An app whose log lines land in `lines`, at the given level and request-log policy. */
async function loggedApp(
  level: 'info' | 'debug',
  lines: LogLine[],
  requestLog?: RequestLogPolicy,
): Promise<StartedApp> {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return startApp(
    (app) => {
      app.get('/whoami', (req, res) => {
        loggerOf(req).info('inside the handler');
        res.json({ requestId: requestIdOf(res) });
      });
      app.get('/quiet', (_req, res) => {
        res.json({ ok: true });
      });
      app.get('/slow', (_req, res) => {
        setTimeout(() => res.json({ ok: true }), 60);
      });
      app.get('/broken', () => {
        throw new Error('boom');
      });
    },
    { logger: createLogger({ LOG_LEVEL: level }, 'test-service', sink), ...(requestLog ? { requestLog } : {}) },
  );
}

/** The completion line is written on 'close', which may trail the client's read. */
const settle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 20));

describe('HTTP: request id and request logging (LOG_LEVEL=debug: every request, with its headers)', () => {
  let server: StartedApp;
  const logLines: LogLine[] = [];
  before(async () => {
    server = await loggedApp('debug', logLines);
  });
  after(() => server.close());
  beforeEach(() => {
    logLines.length = 0;
  });

  it('When the client sends a sane X-Request-Id, Then it is echoed and given to the handler', async () => {
    const res = await fetch(`${server.url}/whoami`, { headers: { 'x-request-id': 'abc.DEF_123-x' } });
    expect(res.headers.get('x-request-id')).to.equal('abc.DEF_123-x');
    expect(await res.json()).to.deep.equal({ requestId: 'abc.DEF_123-x' });
  });

  it('When the client sends no X-Request-Id, Then a uuid is generated', async () => {
    const res = await fetch(`${server.url}/whoami`);
    const id = res.headers.get('x-request-id');
    expect(id).to.match(UUID);
    expect(await res.json()).to.deep.equal({ requestId: id });
  });

  it('When the client X-Request-Id is unsafe or too long, Then it is replaced by a uuid', async () => {
    for (const bad of ['has space', 'x'.repeat(129), 'quote"inside', 'nl%0Ainside']) {
      const res = await fetch(`${server.url}/whoami`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).to.match(UUID);
    }
  });

  it('When a request is handled, Then every log line carries its id and the bearer token is redacted', async () => {
    const res = await fetch(`${server.url}/whoami`, {
      headers: { 'x-request-id': 'trace-me', authorization: 'Bearer secret-token' },
    });
    await res.json();
    await settle();
    const lines = logLines.filter((line) => line.requestId === 'trace-me');
    expect(lines.map((line) => line.msg)).to.include.members(['inside the handler', 'request completed']);
    for (const line of lines) expect(line.service).to.equal('test-service');
    expect(JSON.stringify(logLines)).not.to.include('secret-token');
    const completed = lines.find((line) => line.msg === 'request completed') as {
      req: { headers: Record<string, string> };
    };
    expect(completed.req.headers.authorization).to.equal('[redacted]');
  });

  it('When a probe calls /health, Then it is not logged', async () => {
    await (await fetch(`${server.url}/health`)).json();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logLines).to.be.empty;
  });
});

describe('HTTP: request logging at LOG_LEVEL=info (failures, slow requests and a sample only)', () => {
  const defaults: LogLine[] = [];
  const tuned: LogLine[] = [];
  let byDefault: StartedApp;
  let slowAndSampled: StartedApp;
  before(async () => {
    byDefault = await loggedApp('info', defaults);
    slowAndSampled = await loggedApp('info', tuned, { slowMs: 30, sampleRate: 1 });
  });
  after(async () => {
    await byDefault.close();
    await slowAndSampled.close();
  });
  beforeEach(() => {
    defaults.length = 0;
    tuned.length = 0;
  });

  it('When a request succeeds quickly, Then no line is written for it', async () => {
    await (await fetch(`${byDefault.url}/quiet`, { headers: { 'x-request-id': 'ordinary' } })).json();
    await settle();
    expect(defaults).to.deep.equal([]);
  });

  it('When a request fails with a 5xx, Then one error line names its method, url, status and time, without headers', async () => {
    const res = await fetch(`${byDefault.url}/broken?x=1`, {
      headers: { 'x-request-id': 'broken-1', authorization: 'Bearer secret-token' },
    });
    expect(res.status).to.equal(500);
    await res.text();
    await settle();
    const line = defaults.find((l) => l.msg === 'request failed');
    expect(line, JSON.stringify(defaults)).to.include({ requestId: 'broken-1', level: 50 });
    expect(line!.req).to.deep.equal({ method: 'GET', url: '/broken?x=1' });
    expect(line!.res).to.deep.equal({ statusCode: 500 });
    expect(line!.responseTime).to.be.a('number');
    expect(JSON.stringify(defaults)).not.to.include('secret-token');
  });

  it('When a request takes longer than slowMs, Then one warn line says so', async () => {
    await (await fetch(`${slowAndSampled.url}/slow`, { headers: { 'x-request-id': 'slow-1' } })).json();
    await settle();
    const line = tuned.find((l) => l.requestId === 'slow-1');
    expect(line, JSON.stringify(tuned)).to.include({ msg: 'slow request', level: 40 });
    expect(line!.responseTime as number).to.be.at.least(30);
  });

  it('When sampleRate is 1, Then an ordinary request gets an info line without headers', async () => {
    await (await fetch(`${slowAndSampled.url}/quiet`, { headers: { 'x-request-id': 'sampled-1' } })).json();
    await settle();
    const line = tuned.find((l) => l.requestId === 'sampled-1');
    expect(line, JSON.stringify(tuned)).to.include({ msg: 'request completed', level: 30 });
    expect(line!.req).to.deep.equal({ method: 'GET', url: '/quiet' });
  });
});
