import pg from 'pg';
import { createRedis, deleteKeysWithPrefix } from '@concert/infra';
import type { RunningSystem } from '../onsale/launch-system.js';
import type { OwnServer } from '../onsale/own-servers.js';

export interface Fault {
  name: string;
  /** Injects the fault; returns what it did, in a few words. */
  inject(system: RunningSystem): Promise<string>;
}

/** SIGKILL of one process under the supervisor, which restarts it with backoff. */
export function killProcess(name: string): Fault {
  return {
    name: `SIGKILL ${name}`,
    async inject(system) {
      const pid = system.processes().find((p) => p.name === name)?.pid;
      if (pid === undefined) return `${name} was not running`;
      process.kill(pid, 'SIGKILL');
      return `killed pid ${pid}`;
    },
  };
}

export const deleteSeatLocks: Fault = {
  name: 'seat-lock keys deleted',
  async inject(system) {
    const redis = createRedis({ url: system.config.REDIS_URL });
    try {
      return `${await deleteKeysWithPrefix(redis, `${system.config.REDIS_KEY_PREFIX}lock:`)} keys deleted`;
    } finally {
      redis.disconnect();
    }
  },
};

/** SIGKILL of the system's own redis-server or nats-server, then the same server on the same port. */
function restartOwnServer(name: string, server: (system: RunningSystem) => OwnServer | undefined, did: string): Fault {
  return {
    name,
    async inject(system) {
      const own = server(system);
      if (!own) throw new Error(`the system runs on a shared server: no ${name}`);
      await own.restart();
      return did;
    },
  };
}

export const restartRedis = restartOwnServer(
  'Redis restarted',
  (system) => system.redis,
  'SIGKILL, started again empty',
);

export const restartNats = restartOwnServer(
  'NATS restarted',
  (system) => system.nats,
  'SIGKILL, started again on its store',
);

/** pg_terminate_backend of every connection to the system's database, three times within a second. */
export const postgresConnectionStorm: Fault = {
  name: 'PostgreSQL connection storm',
  async inject(system) {
    const database = new URL(system.env.DATABASE_URL!).pathname.slice(1);
    const admin = new URL(system.env.DATABASE_URL!);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    let terminated = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [database],
        );
        terminated += Number(rows[0]?.n ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    } finally {
      await client.end();
    }
    return `${terminated} connections terminated`;
  },
};

/** Every kind of fault the suite knows, in the order `npm run chaos` injects them. */
export function allFaults(): Fault[] {
  return [
    killProcess('gateway'),
    killProcess('command-api-1'),
    killProcess('query-api-1'),
    killProcess('projectors'),
    killProcess('workers'),
    deleteSeatLocks,
    restartRedis,
    restartNats,
    postgresConnectionStorm,
  ];
}
