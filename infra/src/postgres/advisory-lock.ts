import pg from 'pg';

/**
 * Work done under a PostgreSQL advisory lock per key, across processes: at most one holder
 * at a time. Transaction-scoped: the server frees it when the holder's transaction ends or its
 * connection is lost, so a crashed holder never keeps it.
 */
export class PostgresAdvisoryLock {
  private readonly pool: pg.Pool;

  constructor(options: { connectionString: string; maxConnections?: number }) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    this.pool.on('error', () => undefined);
  }

  /** Runs `work` while holding the lock of `key`; 'busy', without running it, when another holder has it. */
  async whileHeld<T>(key: string, work: () => Promise<T>): Promise<T | 'busy'> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
        [key],
      );
      if (!rows[0]?.locked) return 'busy';
      return await work();
    } finally {
      await client.query('COMMIT').catch(() => undefined);
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
