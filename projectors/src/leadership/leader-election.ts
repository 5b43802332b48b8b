import type { Logger } from '@concert/infra';
import pg from 'pg';
import { abortableSleep as sleep } from '@concert/infra';

export interface LeaderElectionOptions {
  connectionString: string;
  /** What is led; hashed to the advisory lock key, so each name has its own leader. */
  lockName: string;
  /** Shown as `application_name` in pg_stat_activity, to tell the instances apart. */
  instanceId: string;
  logger: Logger;
  /** How often a standby tries to take the lock. */
  retryIntervalMs?: number;
  /** How often the leader checks its lock connection still answers (a silent network loss). */
  heartbeatIntervalMs?: number;
}

/** Leadership held until `lost` aborts (the lock connection died) or `release()` is called. */
export interface LeaderTerm {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

const DEFAULT_RETRY_MS = 1000;
const DEFAULT_HEARTBEAT_MS = 1000;

/**
 * Leader election with a PostgreSQL session advisory lock held on a dedicated connection. The
 * server frees the lock the moment that connection ends, so a standby takes over within one
 * retry interval of a crash; and the leader learns of the loss from the connection's error,
 * at once, and stops. Exclusivity is not absolute during that instant (a deposed leader may
 * still have publishes in flight), which is why the relay also fences its publishes.
 */
export class LeaderElection {
  private readonly retryMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.retryMs = options.retryIntervalMs ?? DEFAULT_RETRY_MS;
    this.heartbeatMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** Waits until this instance holds the lock; undefined if `stop` aborts first. */
  async acquire(stop: AbortSignal): Promise<LeaderTerm | undefined> {
    while (!stop.aborted) {
      const term = await this.tryOnce().catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'leader election: lock attempt failed');
        return undefined;
      });
      if (term) return term;
      await sleep(this.retryMs, stop);
    }
    return undefined;
  }

  private async tryOnce(): Promise<LeaderTerm | undefined> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.instanceId.slice(0, 63),
      keepAlive: true,
      query_timeout: Math.max(2000, this.heartbeatMs * 2),
    });
    const lost = new AbortController();
    const onLost = (): void => lost.abort(new Error('leader lock connection lost'));
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [this.options.lockName],
      );
      if (rows[0]?.locked !== true) {
        await client.end();
        return undefined;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.options.logger.info({ lock: this.options.lockName }, 'leader lock acquired');
    const heartbeat = setInterval(() => {
      client.query('SELECT 1').catch(onLost);
    }, this.heartbeatMs);
    lost.signal.addEventListener('abort', () => {
      clearInterval(heartbeat);
      void client.end().catch(() => undefined);
    });
    return {
      lost: lost.signal,
      release: async () => {
        clearInterval(heartbeat);
        client.off('end', onLost);
        // Ending the session frees the lock; an explicit unlock first is just tidier in the logs.
        await client
          .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [this.options.lockName])
          .catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }
}
