import { CounterHistory, ratePerSecond, type CounterReading } from './counter-history.js';
import { probeProcess, type ProcessProbe } from './process-probe.js';
import {
  bucketDelta,
  bucketsOf,
  parsePrometheusText,
  quantileOf,
  sumOf,
  type Registry,
  type Sample,
  type WaitingRoom,
  type WaitingRoomSummary,
} from '@concert/infra';

/** Where the console reads the processes: their own ports, never the gateway's public one. */
export interface ConsoleSources {
  gatewayUrl: string;
  commandApiUrls: readonly string[];
  queryApiUrls: readonly string[];
  projectorsUrls: readonly string[];
  workersUrls: readonly string[];
  /** A healthy query-api instance for the catalog and statistics reads. */
  queryBaseUrl: () => string | undefined;
}

export interface ConsoleDeps {
  sources: ConsoleSources;
  registry: Registry;
  room: WaitingRoom;
}

export interface ScheduleView {
  scheduleId: string;
  startsAt: string;
  totalSeats: number;
  available: number;
  held: number;
  sold: number;
  /** Seats sold per minute over the last 30 minutes (minutes with sales only). */
  salesByMinute: { minute: string; seatsSold: number }[];
}

export interface ConcertView {
  concertId: string;
  title: string;
  venue: string;
  waitingRoom: Omit<WaitingRoomSummary, 'concertId'> | { error: string };
  schedules: ScheduleView[];
}

export interface RouteView {
  process: string;
  method: string;
  route: string;
  requestsPerSecond: number | null;
  p99Ms: number | null;
}

export interface ConsoleSnapshot {
  at: string;
  /** Seconds the rates are taken over; null on the first snapshot after the gateway started. */
  intervalSeconds: number | null;
  system: {
    holdsPerSecond: number | null;
    conflictsPerSecond: number | null;
    paymentsPerSecond: number | null;
    routes: RouteView[];
  };
  concerts: ConcertView[] | { error: string };
  projections: unknown;
  relay: { process: string; url: string; leader: boolean; lagSeconds: number | null }[];
  expiry: { pending: number; overdue: number; latenessP99Seconds: number | null; settled: number };
  processes: { name: string; kind: string; url: string; ready: boolean; checks: Record<string, string> }[];
}

const MAX_CONCERTS = 20;
const SALES_WINDOW_MS = 30 * 60_000;
const READ_TIMEOUT_MS = 3000;
/** Routes of the probes themselves, not of clients. */
const OWN_ROUTES = new Set(['/metrics', '/ready', '/health', 'unmatched']);

/** Builds the ops console's snapshot from what each process exposes; one instance per gateway (it keeps the rate history). */
export function consoleSnapshots(deps: ConsoleDeps): (authorization: string) => Promise<ConsoleSnapshot> {
  const history = new CounterHistory();
  return async (authorization) => {
    const { sources } = deps;
    const named = (kind: ProcessProbe['kind'], urls: readonly string[]) =>
      urls.map((url, i) => probeProcess(kind, urls.length > 1 ? `${kind}-${i + 1}` : kind, url));
    const [probes, concerts, projections] = await Promise.all([
      Promise.all([
        gatewayProbe(deps),
        ...named('command-api', sources.commandApiUrls),
        ...named('query-api', sources.queryApiUrls),
        ...named('projectors', sources.projectorsUrls),
        ...named('workers', sources.workersUrls),
      ]),
      concertViews(deps, authorization).catch((error: Error) => ({ error: error.message })),
      projectionStatus(sources.projectorsUrls, authorization),
    ]);
    const reading = readingOf(probes);
    const base = history.record(reading);
    const rate = (key: string): number | null => ratePerSecond(reading, base, key) ?? null;
    const of = (kind: ProcessProbe['kind']): Sample[] =>
      probes.filter((p) => p.kind === kind).flatMap((p) => p.samples);
    const workers = of('workers');
    return {
      at: new Date(reading.at).toISOString(),
      intervalSeconds: base ? (reading.at - base.at) / 1000 : null,
      system: {
        holdsPerSecond: rate('holds'),
        conflictsPerSecond: rate('conflicts'),
        paymentsPerSecond: rate('payments'),
        routes: routeViews(reading, base),
      },
      concerts,
      projections,
      relay: probes
        .filter((p) => p.kind === 'projectors')
        .map((p) => ({
          process: p.name,
          url: p.url,
          leader: sumOf(p.samples, 'relay_leader') === 1,
          lagSeconds: p.samples.some((s) => s.name === 'relay_lag_seconds')
            ? sumOf(p.samples, 'relay_lag_seconds')
            : null,
        })),
      expiry: {
        pending: sumOf(workers, 'workers_hold_deadlines', { state: 'pending' }),
        overdue: sumOf(workers, 'workers_hold_deadlines', { state: 'overdue' }),
        latenessP99Seconds: quantileOf(bucketsOf(workers, 'workers_deadline_lateness_seconds'), 0.99) ?? null,
        settled: sumOf(workers, 'workers_deadlines_settled_total'),
      },
      processes: probes.map(({ name, kind, url, ready, checks }) => ({ name, kind, url, ready, checks })),
    };
  };
}

/** The gateway's own metrics come from its registry: its /metrics may not be on the public port. */
async function gatewayProbe(deps: ConsoleDeps): Promise<ProcessProbe> {
  const probe = await probeProcess('gateway', 'gateway', deps.sources.gatewayUrl);
  return { ...probe, samples: parsePrometheusText(await deps.registry.metrics()) };
}

function readingOf(probes: readonly ProcessProbe[]): CounterReading {
  const command = probes.filter((p) => p.kind === 'command-api').flatMap((p) => p.samples);
  const totals = new Map<string, number>([
    ['holds', sumOf(command, 'commands_total', { command: 'hold-seats', outcome: 'ok' })],
    ['conflicts', sumOf(command, 'http_request_duration_seconds_count', { status_code: '409' })],
    ['payments', sumOf(command, 'commands_total', { command: 'pay', outcome: 'ok' })],
  ]);
  const histograms = new Map<string, Map<number, number>>();
  for (const probe of probes) {
    // Instances of one kind are summed: the route's latency over all of them.
    const kind = probe.kind;
    for (const sample of probe.samples) {
      if (sample.name !== 'http_request_duration_seconds_count' || OWN_ROUTES.has(sample.labels.route ?? '')) continue;
      const key = `${kind} ${sample.labels.method} ${sample.labels.route}`;
      totals.set(key, (totals.get(key) ?? 0) + sample.value);
      if (histograms.has(key)) continue;
      const buckets = new Map<number, number>();
      for (const other of probes.filter((p) => p.kind === kind)) {
        for (const [le, count] of bucketsOf(other.samples, 'http_request_duration_seconds', {
          method: sample.labels.method ?? '',
          route: sample.labels.route ?? '',
        })) {
          buckets.set(le, (buckets.get(le) ?? 0) + count);
        }
      }
      histograms.set(key, buckets);
    }
  }
  return { at: Date.now(), totals, histograms };
}

function routeViews(now: CounterReading, base: CounterReading | undefined): RouteView[] {
  return [...now.histograms]
    .map(([key, buckets]) => {
      const [process = '', method = '', route = ''] = key.split(' ');
      const p99 = quantileOf(base ? bucketDelta(buckets, base.histograms.get(key)) : buckets, 0.99);
      return {
        process,
        method,
        route,
        requestsPerSecond: ratePerSecond(now, base, key) ?? null,
        p99Ms: p99 === undefined ? null : p99 * 1000,
      };
    })
    .sort((a, b) => (b.requestsPerSecond ?? 0) - (a.requestsPerSecond ?? 0) || a.route.localeCompare(b.route));
}

async function readJson<T>(url: string, authorization: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${new URL(url).pathname} answered ${response.status}`);
  return (await response.json()) as T;
}

async function concertViews(deps: ConsoleDeps, authorization: string): Promise<ConcertView[]> {
  const base = deps.sources.queryBaseUrl();
  if (base === undefined) throw new Error('no healthy query-api instance');
  const concerts = await readJson<{ concertId: string; title: string; venue: string }[]>(
    `${base}/concerts?limit=${MAX_CONCERTS}`,
    authorization,
  );
  const from = new Date(Date.now() - SALES_WINDOW_MS).toISOString();
  return Promise.all(
    concerts.map(async (concert) => {
      const [room, schedules] = await Promise.all([
        deps.room.summary(concert.concertId).catch((error: Error) => ({ error: error.message })),
        readJson<{ scheduleId: string; startsAt: string; totalSeats: number }[]>(
          `${base}/concerts/${concert.concertId}/schedules?all=true`,
          authorization,
        ),
      ]);
      const waitingRoom = 'error' in room ? room : (({ concertId: _id, ...rest }) => rest)(room);
      const views = await Promise.all(
        schedules.map(async (schedule): Promise<ScheduleView> => {
          const [seats, stats] = await Promise.all([
            readJson<{ status: string }[]>(`${base}/schedules/${schedule.scheduleId}/seats`, authorization),
            readJson<{ minutes: { minute: string; seatsSold: number }[] }>(
              `${base}/admin/stats/schedules/${schedule.scheduleId}?from=${encodeURIComponent(from)}`,
              authorization,
            ).catch(() => ({ minutes: [] })),
          ]);
          const count = (status: string): number => seats.filter((seat) => seat.status === status).length;
          return {
            scheduleId: schedule.scheduleId,
            startsAt: schedule.startsAt,
            totalSeats: schedule.totalSeats,
            available: count('AVAILABLE'),
            held: count('HELD'),
            sold: count('SOLD'),
            salesByMinute: stats.minutes.map(({ minute, seatsSold }) => ({ minute, seatsSold })),
          };
        }),
      );
      return {
        concertId: concert.concertId,
        title: concert.title,
        venue: concert.venue,
        waitingRoom,
        schedules: views,
      };
    }),
  );
}

/** The projectors' own status (lag, parked events) from the first instance that answers. */
async function projectionStatus(urls: readonly string[], authorization: string): Promise<unknown> {
  const errors: string[] = [];
  for (const url of urls) {
    try {
      return await readJson<unknown>(`${url}/admin/projections`, authorization);
    } catch (error) {
      errors.push(`${url}: ${(error as Error).message}`);
    }
  }
  return { error: errors.join('; ') || 'no projectors process configured' };
}
