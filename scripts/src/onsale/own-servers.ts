import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@concert/infra/testing';

/**
 * A redis-server or nats-server of the run's own, on a free port, that the chaos suite may
 * kill and start again on the same port (NATS keeps its JetStream store directory, so the
 * stream survives a restart; Redis runs without persistence, so a restart loses every key,
 * as a crashed cache would).
 */
export interface OwnServer {
  readonly name: 'redis-server' | 'nats-server';
  readonly url: string;
  readonly pid: () => number | undefined;
  /** SIGKILL, then the same server on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnServer> {
  const port = await freePort();
  return ownServer('redis-server', `redis://127.0.0.1:${port}`, port, () =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    ),
  );
}

export async function startOwnNats(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'onsale-nats-'));
  const server = await ownServer('nats-server', `nats://127.0.0.1:${port}`, port, () =>
    spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' }),
  );
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ownServer(
  name: OwnServer['name'],
  url: string,
  port: number,
  launch: () => ChildProcess,
): Promise<OwnServer> {
  let child = launch();
  // The run may end without stop() (mocha --exit after a timeout, an uncaught error): the server goes with it.
  process.once('exit', () => child.kill('SIGKILL'));
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await untilListening(port, name);
  return {
    name,
    url,
    pid: () => child.pid,
    async restart() {
      await kill();
      child = launch();
      await untilListening(port, name);
    },
    stop: kill,
  };
}

async function untilListening(port: number, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not listen on ${port} within 10 s`);
}
