/**
 * Same-run baselines for the benches: what this machine does with no work of ours in the way,
 * measured in the same sitting as the figure it is compared with, so a ratio shows.
 * - a bare express route answering JSON, in its own process, loaded over keep-alive;
 * - plain single-row INSERT commits from N concurrent connections.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';

const BARE_SERVER = fileURLToPath(new URL('./bare-express-server.ts', import.meta.url));

/** Requests/s a bare express JSON route answers to `clients` keep-alive clients for `seconds`. */
export async function bareExpressRate(clients: number, seconds: number): Promise<number> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      child.once('exit', (code) => reject(new Error(`the bare express server exited (${code})`)));
    });
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: clients, pipelining: 1 });
    try {
      const run = async (ms: number): Promise<number> => {
        const until = performance.now() + ms;
        let answered = 0;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (performance.now() < until) {
              const { body } = await pool.request({ path: '/', method: 'GET' });
              await body.text();
              answered += 1;
            }
          }),
        );
        return answered;
      };
      await run(1000); // warm-up: connections open, the JIT warm
      const started = performance.now();
      const answered = await run(seconds * 1000);
      return (answered / (performance.now() - started)) * 1000;
    } finally {
      await pool.close();
    }
  } finally {
    child.kill('SIGKILL');
  }
}

/** Single-row INSERT commits/s from `writers` connections for `seconds` (fsync as configured). */
export async function plainInsertRate(connectionString: string, writers: number, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString, max: writers });
  const table = `bench_plain_inserts_${process.pid}`;
  try {
    await pool.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, payload text NOT NULL)`);
    const until = performance.now() + seconds * 1000;
    let committed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < until) {
          await pool.query(`INSERT INTO ${table} (payload) VALUES ($1)`, ['x'.repeat(200)]);
          committed += 1;
        }
      }),
    );
    return (committed / (performance.now() - started)) * 1000;
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool.end();
  }
}
