import { expect } from 'chai';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { writeTogether, type Statement } from '../../src/projections/row-batch.js';
import { openDatabase } from './database.js';

/** An upsert of `count` rows numbered from `from`, each with a padded label: ~100 characters of JSON per row. */
function upsert(table: string, from: number, count: number): Statement {
  const rows = Array.from({ length: count }, (_, i) => ({ id: from + i, label: `row-${from + i}-`.padEnd(80, 'x') }));
  return {
    sql: `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, ?::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
    bindings: [JSON.stringify(rows)],
  };
}

describe('writeTogether: a batch of upserts sent together', function () {
  this.timeout(30_000);
  let db: Knex;
  const table = `write_together_${randomBytes(4).toString('hex')}`;

  before(async () => {
    db = openDatabase();
    await db.raw(`CREATE TABLE ${table} (id integer PRIMARY KEY, label text NOT NULL)`);
  });
  after(async () => {
    await db.raw(`DROP TABLE IF EXISTS ${table}`);
    await db.destroy();
  });

  it('Given statements whose bindings add up to several MB (more than one round trip carries), When written together, Then every row is written and the rows of the last statement are returned', async () => {
    // 12 statements of 5,000 rows of ~100 characters: ~6 MB of bindings in all.
    const statements = Array.from({ length: 12 }, (_, i) => upsert(table, i * 5000, 5000));
    expect(statements.reduce((sum, s) => sum + s.bindings[0]!.length, 0)).to.be.greaterThan(5 * 1024 * 1024);

    const returned = await db.transaction((trx) => writeTogether<{ id: number }>(trx, statements));

    const [{ count }] = (await db(table).count({ count: '*' })) as [{ count: string }];
    expect(Number(count)).to.equal(60_000);
    expect(returned.map((r) => r.id).sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: 5000 }, (_, i) => 55_000 + i),
    );
  });

  it('Given a few small statements, When written together, Then all are written and the last one returns its rows', async () => {
    const returned = await db.transaction((trx) =>
      writeTogether<{ id: number }>(trx, [upsert(table, 100_000, 2), upsert(table, 100_002, 3)]),
    );
    expect(returned.map((r) => r.id).sort((a, b) => a - b)).to.deep.equal([100_002, 100_003, 100_004]);
    const [{ count }] = (await db(table).where('id', '>=', 100_000).count({ count: '*' })) as [{ count: string }];
    expect(Number(count)).to.equal(5);
  });
});
