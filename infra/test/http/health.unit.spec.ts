import { expect } from 'chai';
import { startApp, type StartedApp } from './start-app.js';

describe('HTTP: health and readiness', () => {
  let redisUp = true;
  let server: StartedApp;
  before(async () => {
    server = await startApp(() => {}, {
      readinessChecks: {
        postgres: async () => {},
        redis: async () => {
          if (!redisUp) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        },
      },
    });
  });
  after(() => server.close());
  afterEach(() => {
    redisUp = true;
  });

  it('When the process runs, Then /health answers 200 ok', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
  });

  it('When every check passes, Then /ready answers 200 with each check ok', async () => {
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('When a check fails, Then /ready answers 503 with the error and Retry-After', async () => {
    redisUp = false;
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('1');
    expect(await res.json()).to.deep.equal({
      status: 'unavailable',
      checks: { postgres: 'ok', redis: 'connect ECONNREFUSED 127.0.0.1:6379' },
    });
  });

  it('When a check hangs, Then /ready gives up after one second and answers 503', async () => {
    const hanging = await startApp(() => {}, { readinessChecks: { nats: () => new Promise<void>(() => {}) } });
    try {
      const started = Date.now();
      const res = await fetch(`${hanging.url}/ready`);
      expect(res.status).to.equal(503);
      expect(Date.now() - started).to.be.within(900, 2500);
      expect(await res.json()).to.deep.equal({ status: 'unavailable', checks: { nats: 'timed out after 1000 ms' } });
    } finally {
      await hanging.close();
    }
  });

  it('When a passing check resolves a role, Then /ready answers 200 and shows the role in place of ok', async () => {
    const roles = await startApp(() => {}, {
      readinessChecks: { 'projector:catalog': async () => 'leader', 'projector:sales': async () => 'standby' },
    });
    try {
      const res = await fetch(`${roles.url}/ready`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({
        status: 'ready',
        checks: { 'projector:catalog': 'leader', 'projector:sales': 'standby' },
      });
    } finally {
      await roles.close();
    }
  });
});
