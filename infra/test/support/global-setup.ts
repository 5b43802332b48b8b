import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '../../src/postgres/ensure-database.js';
import { migrateIdempotencyDatabase } from '../../src/idempotency/migrate-idempotency-database.js';
import { migrateToLatest } from '../../src/postgres/migrate.js';

/**
 * Every test run gets its own database, created here and dropped at the end, so runs never
 * see each other's rows. Databases of runs that died more than two hours ago are dropped too.
 * A run of unit specs only (`*.unit.spec.ts`: no server needed) creates none, so the unit
 * tier runs with no PostgreSQL at all.
 */
const PREFIX = 'concert_test_';
const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let databaseUrl: string | undefined;

export async function mochaGlobalSetup(this: Mocha.Runner): Promise<void> {
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  if (specFilesOf(this.suite).every(isUnitSpec)) return;
  await dropAbandonedTestDatabases();
  const name = `${PREFIX}${Date.now()}_${randomBytes(3).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  await migrateToLatest(databaseUrl);
  await migrateIdempotencyDatabase(databaseUrl); // the gateway's Idempotency DB, in the same database
  process.env.DATABASE_URL = databaseUrl;
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (databaseUrl) await dropDatabase(databaseUrl);
}

const isUnitSpec = (file: string): boolean => file.endsWith('.unit.spec.ts');

/** The files of the loaded specs (mocha loads them all before the global setup runs). */
function specFilesOf(suite: Mocha.Suite): string[] {
  return [
    ...suite.tests.flatMap((test) => (test.file ? [test.file] : [])),
    ...suite.suites.flatMap((child) => specFilesOf(child)),
  ];
}

async function dropAbandonedTestDatabases(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${PREFIX}%`,
    ]);
    const cutoff = Date.now() - 2 * 60 * 60 * 1000;
    for (const { datname } of rows) {
      const createdAt = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (Number.isFinite(createdAt) && createdAt < cutoff) {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
}
