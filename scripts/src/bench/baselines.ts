/**
 * Same-run baselines for the benches: what this machine does with no work of ours in the way,
 * measured in the same sitting as the figure it is compared with, so a ratio shows.
 * - a bare express route answering JSON, in its own process, loaded over keep-alive: directly,
 *   or through a bare proxy process (the least a second HTTP hop costs);
 * - plain single-row INSERT commits from N concurrent connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { percentile } from './latency.js';
import { usageOf } from './process-cpu.js';

const BARE_SERVER = fileURLToPath(new URL('./bare-express-server.ts', import.meta.url));
const BARE_PROXY = fileURLToPath(new URL('./bare-proxy-server.ts', import.meta.url));

/** What closed-loop clients got from a bare route: answers per second and latency percentiles (ms). */
export interface HttpBaseline {
  rate: number;
  p50: number;
  p99: number;
  /** CPU (ms) of the serving process per answer: the proxy's when there is one, else express's. */
  cpuMsPerAnswer: number;
}

/**
 * A bare express JSON route loaded by `clients` keep-alive clients for `seconds`: directly
 * (`hops` 1), or through a bare proxy in a process of its own (`hops` 2, bare-proxy-server.ts),
 * which shows what the gateway's hop costs at the least on this machine.
 */
export async function bareExpressBaseline(clients: number, seconds: number, hops: 1 | 2 = 1): Promise<HttpBaseline> {
  const children: ChildProcess[] = [];
  try {
    let port = await startPrinting(BARE_SERVER, [], children);
    if (hops === 2) port = await startPrinting(BARE_PROXY, [String(port)], children);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: clients, pipelining: 1 });
    try {
      const run = async (ms: number, latencies?: number[]): Promise<number> => {
        const until = performance.now() + ms;
        let answered = 0;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (performance.now() < until) {
              const sent = performance.now();
              const { body } = await pool.request({ path: '/', method: 'GET' });
              await body.text();
              latencies?.push(performance.now() - sent);
              answered += 1;
            }
          }),
        );
        return answered;
      };
      await run(1000); // warm-up: connections open, the JIT warm
      const latencies: number[] = [];
      const front = children.at(-1)!.pid!;
      const cpuBefore = usageOf(front)?.cpuSeconds ?? Number.NaN;
      const started = performance.now();
      const answered = await run(seconds * 1000, latencies);
      const rate = (answered / (performance.now() - started)) * 1000;
      const cpuMsPerAnswer = (((usageOf(front)?.cpuSeconds ?? Number.NaN) - cpuBefore) * 1000) / answered;
      latencies.sort((a, b) => a - b);
      return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerAnswer };
    } finally {
      await pool.close();
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

/** Starts a baseline server (a .ts file run with tsx) and resolves the port it prints. */
function startPrinting(file: string, args: readonly string[], children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
  });
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
