import { expect } from 'chai';
import pg from 'pg';
import { dropDatabase } from '../../src/postgres/ensure-database.js';
import { migrateIdempotencyDatabase } from '../../src/idempotency/migrate-idempotency-database.js';

describe('migrateIdempotencyDatabase', function () {
  this.timeout(60_000);
  let separate: URL;

  before(() => {
    separate = new URL(process.env.DATABASE_URL!);
    separate.pathname = `${separate.pathname}_idempotency`;
  });

  after(async () => {
    await dropDatabase(separate.toString());
  });

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('When IDEMPOTENCY_DATABASE_URL names a database that does not exist, Then it is created with the keys table and its own migrations table', async () => {
    expect(await migrateIdempotencyDatabase(separate.toString())).to.deep.equal(['001-keys']);
    const tables = await query<{ name: string }>(
      separate.toString(),
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).to.deep.equal([
      'idempotency.keys',
      'idempotency.knex_migrations',
      'idempotency.knex_migrations_lock',
    ]);
  });

  it('When it runs again, or from several processes at once, Then nothing is applied twice', async () => {
    const runs = await Promise.all([1, 2, 3].map(() => migrateIdempotencyDatabase(separate.toString())));
    expect(runs).to.deep.equal([[], [], []]);
  });

  it('When it shares the main database, Then the main migrations table does not list it', async () => {
    const main = await query<{ name: string }>(
      process.env.DATABASE_URL!,
      'SELECT name FROM public.knex_migrations ORDER BY id',
    );
    expect(main.map((m) => m.name)).to.not.include('001-keys');
    const own = await query<{ name: string }>(
      process.env.DATABASE_URL!,
      'SELECT name FROM idempotency.knex_migrations ORDER BY id',
    );
    expect(own.map((m) => m.name)).to.deep.equal(['001-keys']);
  });
});
