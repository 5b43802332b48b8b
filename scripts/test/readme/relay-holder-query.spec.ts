import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';

/** The "who holds the relay lock" query of docs/operations.md, run as an operator would, against real advisory locks. */
const OPERATIONS = fileURLToPath(new URL('../../../docs/operations.md', import.meta.url));

function relayHolderQuery(): string {
  const operations = readFileSync(OPERATIONS, 'utf8');
  const block = /```sql\n(SELECT[^`]*?hashtextextended\('relay:EVENTS', 0\);)\n```/.exec(operations);
  if (!block) throw new Error('docs/operations.md has no relay-holder SQL block');
  return block[1]!;
}

describe('Given the relay holds its advisory lock while other advisory locks are held in the same database', function () {
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    clients.push(client);
    return client;
  };
  after(() => Promise.all(clients.map((c) => c.end())));

  it("When an operator runs the relay-holder query of docs/operations.md, Then it names exactly the relay's session", async () => {
    const relay = await connect();
    const other = await connect();
    await relay.query("SELECT pg_advisory_lock(hashtextextended('relay:EVENTS', 0))");
    await other.query("SELECT pg_advisory_lock(hashtextextended('projection:reservations', 0))");
    const relayPid = (await relay.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    const operator = await connect();
    const holders = await operator.query<{ pid: number }>(relayHolderQuery());

    expect(holders.rows.map((r) => r.pid)).to.deep.equal([relayPid]);
  });
});
