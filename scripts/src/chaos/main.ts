/**
 * `npm run chaos`: the fault-injection suite (issue 12). The on-sale of bench:onsale, on the
 * system's own redis-server and nats-server, while every kind of fault is injected in turn:
 * SIGKILL of each process kind, seat-lock keys deleted, Redis and NATS restarted, a PostgreSQL
 * connection storm. Prints the faults, the requests by status and the invariants; exits 1
 * when an invariant is violated or the system did not recover.
 */
import { parseArgs } from 'node:util';
import { allFaults } from './faults.js';
import { runChaos } from './run-chaos.js';

const { values: args } = parseArgs({
  options: {
    fans: { type: 'string', default: '1500' },
    seats: { type: 'string' },
    'arrival-seconds': { type: 'string', default: '40' },
    'hold-seconds': { type: 'string', default: '10' },
    'gap-seconds': { type: 'string', default: '2' },
  },
});
const fans = Number(args.fans);
const result = await runChaos({
  fans,
  seats: Number(args.seats ?? Math.max(40, Math.round(fans / 4))),
  arrivalSeconds: Number(args['arrival-seconds']),
  holdSeconds: Number(args['hold-seconds']),
  gapMs: Number(args['gap-seconds']) * 1000,
  faults: allFaults(),
  log: (line) => console.error(line),
});
console.log(`\n${result.report}`);
console.log(result.ok ? '\nchaos: every invariant holds and the system recovered from every fault' : '\nchaos: FAILED');
process.exitCode = result.ok ? 0 : 1;
