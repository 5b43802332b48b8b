import { expect } from 'chai';
import { Writable } from 'node:stream';
import { loggerOf, requestIdOf } from '../../src/http/request-context.js';
import { createLogger } from '../../src/logging/logger.js';
import { startApp, type StartedApp } from './start-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('HTTP: request id and request logging', () => {
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
        app.get('/whoami', (req, res) => {
          loggerOf(req).info('inside the handler');
          res.json({ requestId: requestIdOf(res) });
        });
      },
      { logger: createLogger({ LOG_LEVEL: 'info' }, 'test-service', sink) },
    );
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
    // The completion line is written on 'finish', which may trail the client's read.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = logLines.filter((line) => line.requestId === 'trace-me');
    expect(lines.map((line) => line.msg)).to.include.members(['inside the handler', 'request completed']);
    for (const line of lines) expect(line.service).to.equal('test-service');
    expect(JSON.stringify(logLines)).not.to.include('secret-token');
    const completed = lines.find((line) => line.msg === 'request completed') as { req: { headers: Record<string, string> } };
    expect(completed.req.headers.authorization).to.equal('[redacted]');
  });

  it('When a probe calls /health, Then it is not logged', async () => {
    await (await fetch(`${server.url}/health`)).json();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logLines).to.be.empty;
  });
});
