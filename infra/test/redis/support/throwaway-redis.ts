import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../../src/testing/wait-for.js';

/**
 * Throwaway redis-server processes from the Debian package, on free ports in a temp dir,
 * for tests that need a cluster or a Redis they may kill. Daemonized, so `stop` must run.
 */
const run = promisify(execFile);

export interface ThrowawayRedis {
  readonly ports: readonly number[];
  readonly urls: string;
  stop(): Promise<void>;
}

export async function startRedisServers(count: number, options: { cluster: boolean }): Promise<ThrowawayRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'concert-redis-'));
  const ports: number[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(ports.map((port) => redisCli(port, ['shutdown', 'nosave']).catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i += 1) ports.push(await freePort(options.cluster));
    for (const port of ports) {
      await run(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'yes',
          '--pidfile',
          join(dir, `${port}.pid`),
          '--logfile',
          join(dir, `${port}.log`),
          ...(options.cluster
            ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)]
            : []),
        ],
        { timeout: 5000 },
      );
    }
    for (const port of ports)
      await waitFor(`redis on ${port} to answer PING`, () => answers(port, ['ping'], 'PONG'), 5000, 50);
    if (options.cluster) {
      await run(
        'redis-cli',
        ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 15_000 },
      );
      for (const port of ports) {
        await waitFor(
          `cluster_state:ok on ${port}`,
          () => answers(port, ['cluster', 'info'], 'cluster_state:ok'),
          5000,
          50,
        );
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, urls: ports.map((p) => `redis://127.0.0.1:${p}`).join(','), stop };
}

async function redisCli(port: number, args: readonly string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 3000 });
  return stdout.trim();
}

/** Whether redis-cli's answer includes `expected` (a server not up yet answers nothing). */
async function answers(port: number, args: readonly string[], expected: string): Promise<boolean> {
  return (await redisCli(port, args).catch(() => '')).includes(expected);
}

/** A cluster node also listens on port + 10000 (the cluster bus), so both must be free. */
async function freePort(withBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(port)) && (!withBus || (await isFree(port + 10_000)))) return port;
  }
  throw new Error('no free port found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
