import { connect } from 'node:net';
import type { Config } from '../config/config.js';

export interface ServiceCheck {
  name: string;
  variable: string;
  host: string;
  port: number;
  /** How to start it on a development machine. */
  hint: string;
}

/** The servers a process needs, from its configuration. */
export function servicesOf(config: Config): ServiceCheck[] {
  const at = (url: string, defaultPort: number): { host: string; port: number } => {
    const first = url.split(',')[0]!.trim();
    const parsed = new URL(first.includes('://') ? first : `tcp://${first}`);
    return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : defaultPort };
  };
  const checks: ServiceCheck[] = [
    {
      name: 'PostgreSQL',
      variable: 'DATABASE_URL',
      ...at(config.DATABASE_URL, 5432),
      hint: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    },
    {
      name: 'Redis',
      variable: 'REDIS_URL',
      ...at(config.REDIS_URL, 6379),
      hint: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    },
    {
      name: 'NATS',
      variable: 'NATS_URL',
      ...at(config.NATS_URL, 4222),
      hint: 'nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server &',
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

/** One or two lines per unreachable server (of those named in `only`, when given): which, where, and how to start it. */
export async function unreachableServices(config: Config, only?: readonly ServiceCheck['name'][]): Promise<string[]> {
  const needed = servicesOf(config).filter((s) => !only || only.includes(s.name));
  const results = await Promise.all(needed.map(async (s) => ((await isReachable(s.host, s.port)) ? undefined : s)));
  return results
    .filter((s): s is ServiceCheck => s !== undefined)
    .map((s) => `${s.name} is not reachable at ${s.host}:${s.port} (${s.variable}).\n  Start it with: ${s.hint}`);
}
