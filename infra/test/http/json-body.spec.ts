import { expect } from 'chai';
import { startApp, type StartedApp } from './start-app.js';

describe('HTTP: JSON request bodies', () => {
  let server: StartedApp;
  before(async () => {
    server = await startApp((app) => {
      app.post('/echo', (req, res) => {
        res.json({ received: req.body as unknown });
      });
    });
  });
  after(() => server.close());

  const post = (body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/echo`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });

  it('When the body is well-formed JSON, Then the handler receives it parsed', async () => {
    const res = await post('{"a":1}', { 'content-type': 'application/json' });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ received: { a: 1 } });
  });

  it('When the JSON is malformed, Then 400 problem+json with code validation', async () => {
    const res = await post('{"a":', { 'content-type': 'application/json' });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).to.include({ status: 400, code: 'validation' });
    expect(problem.detail).to.match(/malformed JSON/);
    expect(problem).to.have.keys('type', 'title', 'status', 'detail', 'code', 'errors');
  });

  it('When the body nests deeper than 32 levels, Then 400 validation; 32 levels are accepted', async () => {
    const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deep = await post(nested(33), { 'content-type': 'application/json' });
    expect(deep.status).to.equal(400);
    expect(await deep.json()).to.include({ code: 'validation' });
    expect((await post(nested(32), { 'content-type': 'application/json' })).status).to.equal(200);
  });

  it('When the content type is not JSON, Then 415 unsupported-media-type', async () => {
    const res = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).to.equal(415);
    expect(await res.json()).to.include({ code: 'unsupported-media-type' });
  });

  it('When a body comes without any content type, Then 415 unsupported-media-type', async () => {
    const res = await fetch(`${server.url}/echo`, { method: 'POST', body: new Uint8Array([123, 125]) });
    expect(res.status).to.equal(415);
  });

  it('When the body is 17 KiB, Then 413 payload-too-large', async () => {
    const res = await post(JSON.stringify({ pad: 'x'.repeat(17 * 1024) }), { 'content-type': 'application/json' });
    expect(res.status).to.equal(413);
    expect(await res.json()).to.include({ code: 'payload-too-large', status: 413 });
  });

  it('When a POST has no body and no content type, Then the handler receives {}', async () => {
    const res = await post(undefined);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ received: {} });
  });

  it('When the JSON body is a bare string, Then 400 validation (only objects and arrays are bodies)', async () => {
    const res = await post('"hello"', { 'content-type': 'application/json' });
    expect(res.status).to.equal(400);
    expect(await res.json()).to.include({ code: 'validation' });
  });

  it('When the charset is not UTF-8, Then 415 rather than a garbled parse', async () => {
    const res = await post('{}', { 'content-type': 'application/json; charset=latin-9000' });
    expect(res.status).to.equal(415);
  });
});
