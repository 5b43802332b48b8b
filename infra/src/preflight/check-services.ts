import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/config.js';

export interface ServiceCheck {
  name: string;
  variable: string;
  host: string;
  port: number;
  /** How to start it on a development machine. */
  hint: string;
  /** How `npm start` starts it when it is installed on this machine (as .ci/run does). */
  starter?: ServiceStarter;
}

export interface ServiceStarter {
  /** The Debian package that installs it. */
  aptPackage: string;
  /** The program that starts it (looked up on PATH and in the sbin directories). */
  binary: string;
  /** `{cluster}` stands for the PostgreSQL cluster version found in /etc/postgresql. */
  args: string[];
  /** A foreground server: started in the background and left running; otherwise the command daemonises it and returns. */
  background: boolean;
}

/** The servers a process needs, from its configuration. */
export function servicesOf(config: Config): ServiceCheck[] {
  const at = (url: string, defaultPort: number): { host: string; port: number } => {
    const first = url.split(',')[0]!.trim();
    const parsed = new URL(first.includes('://') ? first : `tcp://${first}`);
    return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : defaultPort };
  };
  const redis = at(config.REDIS_URL, 6379);
  const nats = at(config.NATS_URL, 4222);
  const checks: ServiceCheck[] = [
    {
      name: 'PostgreSQL',
      variable: 'DATABASE_URL',
      ...at(config.DATABASE_URL, 5432),
      hint: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
      starter: {
        aptPackage: 'postgresql',
        binary: 'pg_ctlcluster',
        args: ['--skip-systemctl-redirect', '{cluster}', 'main', 'start'],
        background: false,
      },
    },
    {
      name: 'Redis',
      variable: 'REDIS_URL',
      ...redis,
      hint: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
      starter: {
        aptPackage: 'redis-server',
        binary: 'redis-server',
        args: [
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '--port',
          String(redis.port),
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        background: false,
      },
    },
    {
      name: 'NATS',
      variable: 'NATS_URL',
      ...nats,
      hint: 'nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server &',
      starter: {
        aptPackage: 'nats-server',
        binary: 'nats-server',
        // The default port keeps the system's JetStream directory (as .ci/run); another port gets its own.
        args: [
          '-a',
          '127.0.0.1',
          '-p',
          String(nats.port),
          '-js',
          '-sd',
          nats.port === 4222 ? '/var/lib/nats-server' : join(tmpdir(), `nats-server-${nats.port}`),
        ],
        background: true,
      },
    },
  ];
  if (config.EVENTSTORE === 'esdb' && config.EVENTSTORE_URL) {
    checks.push({
      name: 'EventStoreDB',
      variable: 'EVENTSTORE_URL',
      ...at(config.EVENTSTORE_URL, 2113),
      hint: 'docker compose up -d eventstore',
    });
  }
  return checks;
}

export function isReachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The servers (of those named in `only`, when given) that do not answer. */
export async function unreachableServiceChecks(
  config: Config,
  only?: readonly ServiceCheck['name'][],
): Promise<ServiceCheck[]> {
  const needed = servicesOf(config).filter((s) => !only || only.includes(s.name));
  const results = await Promise.all(needed.map(async (s) => ((await isReachable(s.host, s.port)) ? undefined : s)));
  return results.filter((s): s is ServiceCheck => s !== undefined);
}

/** Two lines: which server, where, and how to start it. */
export function describeUnreachable(s: ServiceCheck): string {
  return `${s.name} is not reachable at ${s.host}:${s.port} (${s.variable}).\n  Start it with: ${s.hint}`;
}

/** One or two lines per unreachable server (of those named in `only`, when given): which, where, and how to start it. */
export async function unreachableServices(config: Config, only?: readonly ServiceCheck['name'][]): Promise<string[]> {
  return (await unreachableServiceChecks(config, only)).map(describeUnreachable);
}
