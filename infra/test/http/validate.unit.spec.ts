import { expect } from 'chai';
import { z } from 'zod';
import { parseBody, parseHeaders, parseParams, parseQuery } from '../../src/http/validate.js';
import { startApp, type StartedApp } from './start-app.js';

const holdSeats = z
  .object({
    scheduleId: z.uuid(),
    seatIds: z.array(z.string().min(1)).min(1).max(4),
  })
  .strict();

describe('HTTP: request validation with zod', () => {
  let server: StartedApp;
  before(async () => {
    server = await startApp((app) => {
      app.post('/reservations', (req, res) => {
        res.status(201).json(parseBody(holdSeats, req));
      });
      app.get('/schedules/:scheduleId', (req, res) => {
        const { scheduleId } = parseParams(z.object({ scheduleId: z.uuid() }), req);
        const { all } = parseQuery(z.object({ all: z.enum(['true', 'false']).optional() }).strict(), req);
        const { 'queue-token': queueToken } = parseHeaders(z.object({ 'queue-token': z.string().min(1) }), req);
        res.json({ scheduleId, all, queueToken });
      });
    });
  });
  after(() => server.close());

  const postJson = (body: unknown) =>
    fetch(`${server.url}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('When the body fails the schema, Then 400 validation lists every failing path', async () => {
    const res = await postJson({ scheduleId: 'nope', seatIds: ['', 'A-2'], extra: true });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; errors: Array<{ path: string; message: string }> };
    expect(problem.code).to.equal('validation');
    expect(problem.errors.map((e) => e.path)).to.have.members(['scheduleId', 'seatIds.0', 'extra']);
    for (const error of problem.errors) expect(error.message).to.be.a('string').and.not.empty;
  });

  it('When the body is an array instead of an object, Then 400 with a root-level error', async () => {
    const res = await postJson([1]);
    expect(res.status).to.equal(400);
    const problem = (await res.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).to.deep.equal(['']);
  });

  it('When the body is valid, Then the handler gets the parsed value', async () => {
    const body = { scheduleId: '7d0b6f5e-8a53-4c1f-9c1e-0d6a2f1b3c4d', seatIds: ['A-1'] };
    const res = await postJson(body);
    expect(res.status).to.equal(201);
    expect(await res.json()).to.deep.equal(body);
  });

  it('When params, query and headers are invalid, Then 400 names the failing field', async () => {
    const bad = await fetch(`${server.url}/schedules/not-a-uuid`, { headers: { 'queue-token': 't' } });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('scheduleId');

    const id = '7d0b6f5e-8a53-4c1f-9c1e-0d6a2f1b3c4d';
    const badQuery = await fetch(`${server.url}/schedules/${id}?all=maybe`, { headers: { 'queue-token': 't' } });
    expect(((await badQuery.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('all');

    const noHeader = await fetch(`${server.url}/schedules/${id}`);
    expect(((await noHeader.json()) as { errors: Array<{ path: string }> }).errors[0]?.path).to.equal('queue-token');

    const good = await fetch(`${server.url}/schedules/${id}?all=true`, { headers: { 'queue-token': 't' } });
    expect(await good.json()).to.deep.equal({ scheduleId: id, all: 'true', queueToken: 't' });
  });
});
