import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BeginResult, IdempotencyClaim, IdempotencyStore, StoredResponse } from './idempotency-store.js';

export interface PostgresIdempotencyStoreOptions {
  /** IDEMPOTENCY_DATABASE_URL, migrated by `migrateIdempotencyDatabase`. */
  connectionString: string;
  /**
   * An in-flight record older than this, by the database's clock, was abandoned (see
   * `inFlightTimeoutOf`: never shorter than the gateway's upstream timeout plus a margin).
   */
  inFlightTimeoutMs: number;
  /** IDEMPOTENCY_RETENTION_HOURS, in milliseconds. */
  retentionMs: number;
  maxConnections?: number;
  /**
   * The clock of retention (expires_at) only; tests move it. In-flight age is always measured
   * with the database's clock, which every gateway shares, so a gateway whose clock runs ahead
   * cannot take over a request another gateway is still running.
   */
  now?: () => Date;
  /** Rows one cleanup statement deletes (default 5,000), so cleanup never holds many row locks for long. */
  deleteBatchSize?: number;
}

const DEFAULT_DELETE_BATCH = 5_000;
const CONNECT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 5_000;
/**
 * How long a statement waits in all for a connection while every one of the pool's is busy
 * running statements: a database that answers slowly makes requests slow, not 503.
 */
const BUSY_POOL_WAIT_MS = 30_000;
/**
 * pg-pool's error when `connectionTimeoutMillis` passed while the statement waited for one of
 * a full pool's clients (a connection attempt that times out says "Connection terminated due
 * to connection timeout", and one refused has its own code).
 */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';
/** A claim lost to a concurrent request is followed by another try; bounded, in case of churn. */
const MAX_BEGIN_ATTEMPTS = 3;

/**
 * A new key is claimed by one INSERT. ON CONFLICT DO NOTHING takes no lock on an existing row,
 * so a repeat costs this no-op and one read.
 */
const CLAIM_SQL = `
  INSERT INTO idempotency.keys (user_id, key, fingerprint, state, lock_id, locked_at, created_at, expires_at)
  VALUES ($1, $2, $3, 'in-flight', $4, now(), $5, $6)
  ON CONFLICT (user_id, key) DO NOTHING
  RETURNING lock_id`;

/**
 * Taking over an abandoned or expired record is a compare-and-set: of two requests racing, the
 * second waits for the first's row lock, then PostgreSQL re-checks the WHERE on the row the
 * first wrote (fresh locked_at) and updates nothing. A different fingerprint is never taken
 * over while the record lives: that is the key reused for another request.
 */
const TAKE_OVER_SQL = `
  UPDATE idempotency.keys
  SET fingerprint = $3, state = 'in-flight', lock_id = $4, locked_at = now(), created_at = $5, expires_at = $6,
      response_status = NULL, response_headers = NULL, response_body = NULL
  WHERE user_id = $1 AND key = $2
    AND (expires_at <= $5 OR (state = 'in-flight' AND locked_at <= now() - $7 * interval '1 millisecond' AND fingerprint = $3))
  RETURNING lock_id`;

const EXISTING_SQL = `
  SELECT fingerprint, state, expires_at, response_status, response_headers, response_body,
         locked_at <= now() - $3 * interval '1 millisecond' AS abandoned
  FROM idempotency.keys WHERE user_id = $1 AND key = $2`;

const COMPLETE_SQL = `
  UPDATE idempotency.keys
  SET state = 'completed', lock_id = NULL, locked_at = NULL,
      response_status = $4, response_headers = $5, response_body = $6, expires_at = $7
  WHERE user_id = $1 AND key = $2 AND lock_id = $3 AND state = 'in-flight'`;

const RELEASE_SQL = `DELETE FROM idempotency.keys WHERE user_id = $1 AND key = $2 AND lock_id = $3 AND state = 'in-flight'`;

const DELETE_EXPIRED_SQL = `
  DELETE FROM idempotency.keys
  WHERE ctid = ANY (ARRAY(SELECT ctid FROM idempotency.keys WHERE expires_at <= $1 LIMIT $2))`;

interface ExistingRow {
  fingerprint: string;
  state: 'in-flight' | 'completed';
  /** Locked longer than the in-flight timeout ago, by the database's clock; null when completed. */
  abandoned: boolean | null;
  expires_at: Date;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: Buffer | null;
}

export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly pool: pg.Pool;
  private readonly now: () => Date;

  constructor(private readonly options: PostgresIdempotencyStoreOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      // A database that does not answer must become a prompt 503, not a request hanging on.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    // An idle client that loses its connection emits here; the pool replaces it.
    this.pool.on('error', () => undefined);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * pool.query, waiting again when the wait for a connection timed out while the pool was full:
   * `connectionTimeoutMillis` bounds both connecting and that wait, and only a failure to
   * connect means the database is unavailable. In bench:onsale a stall of a few seconds on a
   * saturated machine made four payments and charges 503 that way. Statements on the busy
   * connections end within QUERY_TIMEOUT_MS (or fail, and their requests answer 503), so the
   * wait ends too; BUSY_POOL_WAIT_MS bounds it in any case.
   */
  private async query<Row extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<Row>> {
    const deadline = performance.now() + BUSY_POOL_WAIT_MS;
    for (;;) {
      try {
        return await this.pool.query<Row>(config);
      } catch (error) {
        if (!(error instanceof Error && error.message === POOL_WAIT_TIMEOUT) || performance.now() > deadline)
          throw error;
      }
    }
  }

  async begin(userId: string, key: string, fingerprint: string): Promise<BeginResult> {
    for (let attempt = 1; ; attempt++) {
      const now = this.now();
      const lockId = randomUUID();
      const claim = [userId, key, fingerprint, lockId, now, this.expiry(now)];
      const inserted = await this.query<{ lock_id: string }>({
        name: 'idempotency-claim',
        text: CLAIM_SQL,
        values: claim,
      });
      if (inserted.rows[0]?.lock_id === lockId) return { kind: 'started', claim: { userId, key, lockId } };

      const existing = await this.query<ExistingRow>({
        name: 'idempotency-existing',
        text: EXISTING_SQL,
        values: [userId, key, this.options.inFlightTimeoutMs],
      });
      const row = existing.rows[0];
      if (row === undefined) {
        // Released between the two statements: claim it again.
        if (attempt >= MAX_BEGIN_ATTEMPTS) return { kind: 'in-flight' };
        continue;
      }
      if (row.expires_at > now) {
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (row.state === 'completed') {
          return {
            kind: 'completed',
            response: {
              status: row.response_status ?? 200,
              headers: row.response_headers ?? {},
              body: row.response_body ?? Buffer.alloc(0),
            },
          };
        }
        if (row.abandoned !== true) return { kind: 'in-flight' };
      }

      const takenOver = await this.query<{ lock_id: string }>({
        name: 'idempotency-take-over',
        text: TAKE_OVER_SQL,
        values: [...claim, this.options.inFlightTimeoutMs],
      });
      if (takenOver.rows[0]?.lock_id === lockId) return { kind: 'started', claim: { userId, key, lockId } };
      // Another request took it over (or settled it) first: read again to say how.
      if (attempt >= MAX_BEGIN_ATTEMPTS) return { kind: 'in-flight' };
    }
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    const now = this.now();
    const result = await this.query({
      name: 'idempotency-complete',
      text: COMPLETE_SQL,
      values: [
        claim.userId,
        claim.key,
        claim.lockId,
        response.status,
        JSON.stringify(response.headers),
        response.body,
        this.expiry(now),
      ],
    });
    return result.rowCount === 1;
  }

  async release(claim: IdempotencyClaim): Promise<boolean> {
    const result = await this.query({
      name: 'idempotency-release',
      text: RELEASE_SQL,
      values: [claim.userId, claim.key, claim.lockId],
    });
    return result.rowCount === 1;
  }

  async deleteExpired(now: Date): Promise<number> {
    const batch = this.options.deleteBatchSize ?? DEFAULT_DELETE_BATCH;
    let deleted = 0;
    for (;;) {
      const result = await this.query({
        name: 'idempotency-delete-expired',
        text: DELETE_EXPIRED_SQL,
        values: [now, batch],
      });
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < batch) return deleted;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private expiry(from: Date): Date {
    return new Date(from.getTime() + this.options.retentionMs);
  }
}
