import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/config.js';
import { isReachable, servicesOf, type ServiceCheck } from '../../src/preflight/check-services.js';
import { freePort } from '../../src/testing/free-port.js';
import {
  installedOnThisMachine,
  startDecision,
  startInstalledServices,
  type Installed,
} from '../../src/preflight/start-service.js';

const everything: Installed = {
  which: (binary) => `/usr/bin/${binary}`,
  postgresClusters: () => ['16'],
};
const nothing: Installed = { which: () => undefined, postgresClusters: () => [] };

function service(name: ServiceCheck['name'], env: Record<string, string> = {}): ServiceCheck {
  return servicesOf(loadConfig({ ...env })).find((s) => s.name === name)!;
}

describe('npm start: what it does about a server that does not answer (startDecision)', () => {
  it('When Redis is local and installed, Then it is started as .ci/run does, on the configured port', () => {
    expect(startDecision(service('Redis', { REDIS_URL: 'redis://127.0.0.1:6390' }), everything)).to.deep.equal({
      action: 'start',
      command: '/usr/bin/redis-server',
      args: ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6390', '--save', '', '--appendonly', 'no'],
      background: false,
    });
  });

  it('When PostgreSQL is local and a cluster exists, Then pg_ctlcluster starts that cluster', () => {
    expect(startDecision(service('PostgreSQL'), everything)).to.deep.include({
      action: 'start',
      args: ['--skip-systemctl-redirect', '16', 'main', 'start'],
    });
  });

  it('When NATS is local and installed, Then nats-server runs in the background with JetStream on the configured port', () => {
    const decision = startDecision(service('NATS'), everything);
    expect(decision).to.deep.include({ action: 'start', command: '/usr/bin/nats-server', background: true });
    expect(decision)
      .to.have.property('args')
      .that.deep.equals(['-a', '127.0.0.1', '-p', '4222', '-js', '-sd', '/var/lib/nats-server']);
  });

  it('When a server is not installed (or PostgreSQL has no cluster), Then the Debian package to install is named', () => {
    expect(startDecision(service('Redis'), nothing)).to.deep.equal({ action: 'install', aptPackage: 'redis-server' });
    expect(startDecision(service('NATS'), nothing)).to.deep.equal({ action: 'install', aptPackage: 'nats-server' });
    expect(startDecision(service('PostgreSQL'), { ...everything, postgresClusters: () => [] })).to.deep.equal({
      action: 'install',
      aptPackage: 'postgresql',
    });
  });

  it('When the server is on another host, or is EventStoreDB, Then nothing is started: it is only reported', () => {
    expect(startDecision(service('Redis', { REDIS_URL: 'redis://cache.internal:6379' }), everything)).to.deep.equal({
      action: 'report',
    });
    const esdb = servicesOf(loadConfig({ EVENTSTORE: 'esdb', EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false' })).find(
      (s) => s.name === 'EventStoreDB',
    )!;
    expect(startDecision(esdb, everything)).to.deep.equal({ action: 'report' });
  });
});

describe('npm start: a stopped local server that is installed is started (real redis-server and nats-server on free ports)', function () {
  this.timeout(60_000);
  const installed = installedOnThisMachine();

  it('When Redis and NATS do not answer on their ports, Then each is started with one line saying so, and answers', async function () {
    if (!installed.which('redis-server') || !installed.which('nats-server')) this.skip();
    const [redisPort, natsPort] = [await freePort(), await freePort()];
    const down = [
      service('Redis', { REDIS_URL: `redis://127.0.0.1:${redisPort}` }),
      service('NATS', { NATS_URL: `nats://127.0.0.1:${natsPort}` }),
    ];
    const lines: string[] = [];
    try {
      const problems = await startInstalledServices(down, (line) => lines.push(line));
      expect(problems).to.deep.equal([]);
      expect(lines).to.have.length(2);
      expect(lines[0]).to.match(
        new RegExp(
          `^Redis is not running on 127\\.0\\.0\\.1:${redisPort}: starting it \\(.*redis-server --daemonize yes`,
        ),
      );
      expect(lines[1]).to.match(
        new RegExp(
          `^NATS is not running on 127\\.0\\.0\\.1:${natsPort}: starting it \\(.*nats-server -a 127\\.0\\.0\\.1 -p ${natsPort} -js`,
        ),
      );
      expect(await isReachable('127.0.0.1', redisPort)).to.equal(true);
      expect(await isReachable('127.0.0.1', natsPort)).to.equal(true);
    } finally {
      await send(redisPort, 'SHUTDOWN NOSAVE\r\n');
      stopNats(natsPort);
    }
  });

  it('When a server is not installed, Then nothing is started and the line names the apt package', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const problems = await startInstalledServices(
      [service('Redis', { REDIS_URL: `redis://127.0.0.1:${port}` })],
      (line) => lines.push(line),
      nothing,
    );
    expect(lines).to.deep.equal([]);
    expect(problems).to.deep.equal([
      `Redis is not reachable at 127.0.0.1:${port} (REDIS_URL) and is not installed.\n  Install it with: sudo apt-get install redis-server (or set REDIS_URL to a running one)`,
    ]);
    expect(await isReachable('127.0.0.1', port)).to.equal(false);
  });
});

function send(port: number, text: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.end(text));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

/** The nats-server this spec started (found by its exact arguments), stopped by its pid; its store removed. */
function stopNats(port: number): void {
  let pids: number[] = [];
  try {
    pids = execFileSync('pgrep', ['-f', `nats-server -a 127.0.0.1 -p ${port} -js`])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    // none running
  }
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  rmSync(join(tmpdir(), `nats-server-${port}`), { recursive: true, force: true });
}
