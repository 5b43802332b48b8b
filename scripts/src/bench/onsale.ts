/**
 * `npm run bench:onsale`: the on-sale simulator (issue 13). Starts the system as `npm start`
 * does on a scratch database, then `--fans` (20,000) arrive in a burst for one concert: they
 * queue, poll, hold 1-4 seats, pay, cancel or abandon. Prints per stage requests/s, latency
 * and answers; seats sold per second and time until sold out; CPU and peak RSS per process and
 * the CPU per request of each process kind (the capacity model's input, docs/capacity.md);
 * checks the invariants; writes bench-results/onsale-<time>.json and .html (plots, no server),
 * and .log: the warnings and errors the system logged during the run (summarised by message).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PROCESS_KINDS } from '../onsale/launch-system.js';
import { reportHtml } from '../onsale/report-html.js';
import { runOnSale } from '../onsale/run-on-sale.js';
import { stageSeconds, statusList, summarizeStages } from '../onsale/stage-summary.js';
import { SystemWarnings } from '../onsale/system-warnings.js';
import { formatNumber, formatTable } from './print-table.js';

const { values: args } = parseArgs({
  options: {
    fans: { type: 'string', default: '20000' },
    seats: { type: 'string' },
    'arrival-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '256' },
    'hold-seconds': { type: 'string', default: '30' },
    'admit-per-second': { type: 'string', default: '200' },
    'max-admitted': { type: 'string', default: '1000' },
    'admission-window-seconds': { type: 'string', default: '120' },
    pay: { type: 'string', default: '0.75' },
    cancel: { type: 'string', default: '0.1' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const fans = Number(args.fans);
const seats = Number(args.seats ?? Math.max(40, Math.round(fans / 4)));
const log = (line: string): void => console.error(line);
const warnings = new SystemWarnings();

const result = await runOnSale({
  label: 'onsale',
  fans,
  seats,
  arrivalSeconds: Number(args['arrival-seconds']),
  concurrency: Number(args.concurrency),
  holdMs: Number(args['hold-seconds']) * 1000,
  admitPerSecond: Number(args['admit-per-second']),
  maxAdmitted: Number(args['max-admitted']),
  admissionWindowMs: Number(args['admission-window-seconds']) * 1000,
  payShare: Number(args.pay),
  cancelShare: Number(args.cancel),
  ownServers: false,
  log,
  systemOutput: (line) => warnings.add(line),
});

const stages = summarizeStages(result.http.records);
const targets: Record<string, string> = {
  hold: 'p99 < 150 ms (bench:gateway, 200 clients)',
  poll: '>= 5,000/s at 20,000 waiting',
};
const lines: string[] = [];
const print = (text: string): void => {
  lines.push(text);
  console.log(text);
};
print(
  `\nbench:onsale: ${formatNumber(fans)} fans, ${formatNumber(seats)} seats, arrival over ${args['arrival-seconds']} s, ${args.concurrency} requests in flight at most, hold ${args['hold-seconds']} s, admission ${args['admit-per-second']}/s up to ${args['max-admitted']} at once for ${args['admission-window-seconds']} s; whole system and load generator on this machine, load average ${formatNumber(loadavg()[0], 1)} (${new Date().toISOString()})`,
);
print(
  formatTable(
    ['stage', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'answers', 'target'],
    stages.map((s) => [
      s.stage,
      formatNumber(s.requests),
      formatNumber(s.perSecond),
      formatNumber(s.p50, 1),
      formatNumber(s.p99, 1),
      formatNumber(s.max),
      statusList(s.statuses),
      targets[s.stage] ?? '',
    ]),
  ),
);
const all = result.http.records.length;
const fiveHundreds = result.http.records.filter((r) => r.label.startsWith('5')).length;
const commands = result.http.records.filter((r) => ['hold', 'charge', 'pay', 'cancel'].includes(r.stage)).length;
const queries = result.http.records.filter((r) => r.stage === 'seats').length;
const sellSeconds = result.soldOutAfterS ?? result.loadSeconds;
print('');
print(
  formatTable(
    ['measure', 'value', 'target'],
    [
      ['load duration (first fan to last fan done)', `${formatNumber(result.loadSeconds, 1)} s`, ''],
      ['requests through the gateway', `${formatNumber(all)} (${formatNumber(all / result.loadSeconds)}/s)`, ''],
      ['answers 5xx', formatNumber(fiveHundreds), '0'],
      ['seats sold', `${formatNumber(result.seatsSold)} of ${formatNumber(seats)}`, 'nothing sold twice, nothing lost'],
      ['seats sold per second', formatNumber(result.seatsSold / sellSeconds, 1), ''],
      [
        'time until sold out',
        result.soldOutAfterS === undefined ? 'not sold out' : `${formatNumber(result.soldOutAfterS, 1)} s`,
        '',
      ],
      [
        'events appended',
        `${formatNumber(result.eventsAppended)} (${formatNumber(result.eventsAppended / result.loadSeconds)}/s average)`,
        'bench:eventstore >= 5,000 appends/s',
      ],
      [
        'peak projection lag',
        `${formatNumber(Math.max(0, ...result.samples.map((s) => s.projectionLag ?? 0)))} events`,
        '',
      ],
      ['fan outcomes', [...result.onSale.state.outcomes].map(([k, n]) => `${k} x${n}`).join(', '), ''],
    ],
  ),
);
print('');
print(
  formatTable(
    ['process', 'CPU s (load)', 'peak RSS MB', 'restarts'],
    result.usage.map((u) => [
      u.name,
      formatNumber(u.cpuSeconds, 1),
      formatNumber(u.peakRssKb / 1024),
      String(u.pids - 1),
    ]),
  ),
);
const perKind = PROCESS_KINDS.map((kind) => {
  const cpu = result.usage.filter((u) => u.kind === kind).reduce((sum, u) => sum + u.cpuSeconds, 0);
  const own = kind === 'command-api' ? commands : kind === 'query-api' ? queries : all;
  return { kind, cpu, perRequestMs: (1000 * cpu) / Math.max(1, all), perOwnMs: (1000 * cpu) / Math.max(1, own), own };
});
print('');
print(
  formatTable(
    ['process kind', 'CPU s', 'CPU ms per gateway request', 'CPU ms per own request'],
    perKind.map((k) => [
      k.kind,
      formatNumber(k.cpu, 1),
      formatNumber(k.perRequestMs, 2),
      k.kind === 'command-api'
        ? `${formatNumber(k.perOwnMs, 2)} per command (${formatNumber(k.own)})`
        : k.kind === 'query-api'
          ? `${formatNumber(k.perOwnMs, 2)} per seat-map read (${formatNumber(k.own)})`
          : k.kind === 'projectors' || k.kind === 'workers'
            ? `${formatNumber((1000 * k.cpu) / Math.max(1, result.eventsAppended), 2)} per event appended (${formatNumber(result.eventsAppended)})`
            : '',
    ]),
  ),
);
print('');
print(`system warnings and errors (LOG_LEVEL warn, by message): ${warnings.summary()}`);
print('');
print('invariants:');
for (const i of result.invariants) print(`  [${i.ok ? 'ok' : 'VIOLATED'}] ${i.name}: ${i.detail}`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync(args.out, { recursive: true });
const json = `${args.out}/onsale-${stamp}.json`;
const html = `${args.out}/onsale-${stamp}.html`;
const systemLog = `${args.out}/onsale-${stamp}.log`;
writeFileSync(systemLog, warnings.lines.map((line) => `${line}\n`).join(''));
const seconds = stageSeconds(result.http.records);
writeFileSync(
  json,
  JSON.stringify(
    {
      options: { ...args, fans, seats },
      loadSeconds: result.loadSeconds,
      soldOutAfterS: result.soldOutAfterS ?? null,
      seatsSold: result.seatsSold,
      eventsAppended: result.eventsAppended,
      stages,
      processes: result.usage,
      cpuPerRequest: perKind,
      outcomes: Object.fromEntries(result.onSale.state.outcomes),
      invariants: result.invariants,
      samples: result.samples,
      stageSeconds: seconds,
    },
    null,
    1,
  ),
);
writeFileSync(html, reportHtml(`bench:onsale ${stamp}`, lines.join('\n'), seconds, result.samples));
console.log(`\nwrote ${json}, ${html} and ${systemLog} (the system's warnings and errors but "slow request")`);
process.exitCode = result.invariants.every((i) => i.ok) ? 0 : 1;
