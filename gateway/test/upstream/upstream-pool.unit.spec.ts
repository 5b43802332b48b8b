import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLogger, KEEP_ALIVE_TIMEOUT_MS, serve } from '@concert/infra';
import { UPSTREAM_IDLE_CONNECTION_MS, UpstreamPool } from '../../src/upstream/upstream-pool.js';

/** An instance's readiness endpoint, switchable: 200 while `ready`, 503 otherwise. */
async function readinessEndpoint(): Promise<{ url: string; ready: boolean; close(): Promise<void> }> {
  const state = { ready: true };
  const server: Server = createServer((req, res) => {
    res.statusCode = req.url === '/ready' && state.ready ? 200 : 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get ready() {
      return state.ready;
    },
    set ready(value: boolean) {
      state.ready = value;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('gateway: the upstream pool', function () {
  this.timeout(20_000);
  let instances: Awaited<ReturnType<typeof readinessEndpoint>>[] = [];
  let pool: UpstreamPool | undefined;

  beforeEach(async () => {
    instances = await Promise.all([readinessEndpoint(), readinessEndpoint(), readinessEndpoint()]);
  });

  afterEach(async () => {
    await pool?.stop();
    await Promise.all(instances.map((instance) => instance.close()));
  });

  /** Probes run every 100 ms; a loaded machine may take longer, so wait for the state, not a time. */
  const eventually = async (condition: () => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('the pool never reached the expected state');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('When every instance is ready, Then pick() hands them out in turn', async () => {
    pool = new UpstreamPool({ kind: 'query-api', urls: instances.map((i) => i.url), intervalMs: 100 });
    await pool.start();
    const picks = Array.from({ length: 6 }, () => pool!.pick());
    expect(picks).to.deep.equal([...instances.map((i) => i.url), ...instances.map((i) => i.url)]);
  });

  it('When the proxy reports an instance down, Then it is skipped until a probe passes again', async () => {
    pool = new UpstreamPool({ kind: 'query-api', urls: instances.map((i) => i.url), intervalMs: 100 });
    await pool.start();
    pool.markDown(instances[1]!.url, 'ECONNREFUSED while proxying');
    expect(new Set(Array.from({ length: 4 }, () => pool!.pick()))).to.deep.equal(
      new Set([instances[0]!.url, instances[2]!.url]),
    );
    await eventually(() => pool!.healthyCount() === 3);
  });

  it('When an instance answers 503 twice in a row, Then it leaves the rotation, and rejoins once ready', async () => {
    pool = new UpstreamPool({ kind: 'query-api', urls: instances.map((i) => i.url), intervalMs: 100 });
    await pool.start();
    instances[0]!.ready = false;
    await eventually(() => pool!.healthyCount() === 2);
    expect(Array.from({ length: 4 }, () => pool!.pick())).not.to.include(instances[0]!.url);
    instances[0]!.ready = true;
    await eventually(() => pool!.healthyCount() === 3);
  });

  it('When an instance refuses connections, Then one probe takes it out', async () => {
    const dead = instances.pop()!;
    await dead.close();
    pool = new UpstreamPool({ kind: 'command-api', urls: [instances[0]!.url, dead.url], intervalMs: 60_000 });
    await pool.start();
    expect(pool.states()).to.deep.equal([
      { url: instances[0]!.url, healthy: true },
      { url: dead.url, healthy: false },
    ]);
  });

  it('When the proxy suspects an instance after a broken connection, Then a live one stays in rotation and a dead one leaves at once', async () => {
    pool = new UpstreamPool({ kind: 'command-api', urls: instances.map((i) => i.url), intervalMs: 60_000 });
    await pool.start();
    pool.suspect(instances[0]!.url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.healthyCount()).to.equal(3);

    await instances[1]!.close();
    pool.suspect(instances[1]!.url);
    await eventually(() => pool!.healthyCount() === 2);
    expect(pool.states().find((state) => state.url === instances[1]!.url)?.healthy).to.equal(false);
  });

  it('When an instance is served by serve(), Then it keeps an idle connection longer than the pool does, so the gateway always closes first', async () => {
    const running = await serve((_req, res) => res.end(), 0, {
      logger: createLogger({ LOG_LEVEL: 'silent' }, 'keep-alive-test'),
      host: '127.0.0.1',
    });
    try {
      expect(running.server.keepAliveTimeout).to.equal(KEEP_ALIVE_TIMEOUT_MS);
      expect(running.server.keepAliveTimeout).to.be.greaterThan(UPSTREAM_IDLE_CONNECTION_MS + 1000);
    } finally {
      await running.close();
    }
  });

  it('When every instance reports not ready but still answers, Then they are still picked in turn; one that refuses connections never is', async () => {
    const dead = instances.pop()!;
    await dead.close();
    pool = new UpstreamPool({ kind: 'command-api', urls: [...instances.map((i) => i.url), dead.url], intervalMs: 100 });
    await pool.start();
    for (const instance of instances) instance.ready = false;
    await eventually(() => pool!.healthyCount() === 0);
    const picks = Array.from({ length: 4 }, () => pool!.pick());
    expect(new Set(picks)).to.deep.equal(new Set(instances.map((i) => i.url)));
    expect(pool.pickExcept(new Set(instances.map((i) => i.url)))).to.equal(undefined);
  });

  it('When no instance is healthy, Then pick() gives undefined and pickExcept() never repeats a tried one', async () => {
    pool = new UpstreamPool({ kind: 'query-api', urls: instances.map((i) => i.url), intervalMs: 60_000 });
    await pool.start();
    const tried = new Set<string>();
    for (let i = 0; i < 3; i++) tried.add(pool.pickExcept(tried)!);
    expect(tried.size).to.equal(3);
    expect(pool.pickExcept(tried)).to.equal(undefined);
    for (const instance of instances) pool.markDown(instance.url, 'test');
    expect(pool.pick()).to.equal(undefined);
  });
});
