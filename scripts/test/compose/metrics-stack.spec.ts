import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

/**
 * The metrics stack of docker-compose.yml checked without Docker: Prometheus scrapes every
 * process of ours on the port it listens on, and every metric a panel of the provisioned
 * Grafana dashboard queries is registered by the program its job scrapes.
 */
interface Service {
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
}
interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs: { targets: string[] }[];
}
interface Panel {
  title: string;
  targets?: { expr: string }[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const prometheus = parse(readFileSync('scripts/compose/prometheus.yml', 'utf8')) as { scrape_configs: ScrapeConfig[] };
const dashboard = JSON.parse(readFileSync('scripts/compose/grafana/dashboards/on-sale.json', 'utf8')) as {
  panels: Panel[];
};

/**
 * Which variable sets the port each program serves /metrics on, and its default
 * (infra/src/config/config.ts): the gateway's is its admin port, not the public one.
 */
const PORT_OF: Record<string, { variable: string; fallback: number }> = {
  gateway: { variable: 'GATEWAY_ADMIN_PORT', fallback: 8079 },
  'command-api': { variable: 'COMMAND_API_PORT', fallback: 8081 },
  'query-api': { variable: 'QUERY_API_PORT', fallback: 8091 },
  projectors: { variable: 'PROJECTORS_PORT', fallback: 8100 },
  workers: { variable: 'WORKERS_PORT', fallback: 8110 },
};

/** The packages whose code runs in each program (its own, and what it imports that registers metrics). */
const PACKAGES_OF: Record<string, string[]> = {
  gateway: ['gateway', 'infra'],
  'command-api': ['command-api', 'write-model', 'infra'],
  'query-api': ['query-api', 'infra'],
  projectors: ['projectors', 'infra'],
  workers: ['workers', 'write-model', 'infra'],
};

/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Metric names a package registers with prom-client: `name: '...'` in a metric's options, the
 * name given to a get-or-create helper (`gauge(registry, '...')`, `getSingleMetric('...')`) or a
 * `..._METRIC` constant, in files that import prom-client.
 */
function registeredMetrics(pkg: string): Set<string> {
  const names = new Set<string>();
  for (const file of filesUnder(join(pkg, 'src'))) {
    const source = readFileSync(file, 'utf8');
    if (!source.includes("from 'prom-client'") && !file.endsWith('metrics.ts')) continue;
    const patterns = [
      /\bname: '([a-z_:][a-z0-9_:]*)'/g,
      // Across lines too: a formatter may break a long call after its opening parenthesis.
      /\(\s*registry,\s*'([a-z_:][a-z0-9_:]*)'/g,
      /getSingleMetric\('([a-z_:][a-z0-9_:]*)'\)/g,
      /_METRIC = '([a-z_:][a-z0-9_:]*)'/g,
    ];
    for (const pattern of patterns) for (const match of source.matchAll(pattern)) names.add(match[1]!);
  }
  return names;
}

/** The metric names a PromQL expression reads (label matchers, ranges, grouping clauses and functions left out). */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'bool', 'and', 'or', 'unless', 'offset']);
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => !m[2] && !keywords.has(m[1]!))
    .map((m) => m[1]!);
}

function jobOf(expr: string): string | undefined {
  return /job="([^"]+)"/.exec(expr)?.[1];
}

const exposedBy = Object.fromEntries(
  Object.entries(PACKAGES_OF).map(([job, packages]) => [
    job,
    new Set(packages.flatMap((pkg) => [...registeredMetrics(pkg)])),
  ]),
);

function isExposed(name: string, job: string | undefined): boolean {
  if (PROMETHEUS_SERIES.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const jobs = job ? [job] : Object.keys(exposedBy);
  return jobs.some((j) => exposedBy[j]?.has(name) || exposedBy[j]?.has(base));
}

describe('metrics stack: Prometheus and the Grafana dashboard against the code', () => {
  const apps = Object.entries(compose.services).filter(
    ([, s]) => s.build !== undefined && !(s.command ?? []).join(' ').includes('migrate'),
  );

  it('Prometheus scrapes every process of ours at the port it serves /metrics on, in a job named for its program, and nothing else', () => {
    const expected = apps.map(([name, service]) => {
      const program = /^([a-z-]+)\/dist\//.exec(service.command?.[1] ?? '')![1]!;
      const { variable, fallback } = PORT_OF[program]!;
      return `${program} ${name}:${service.environment?.[variable] ?? fallback}`;
    });
    const scraped = prometheus.scrape_configs.flatMap((c) =>
      c.static_configs.flatMap((s) => s.targets.map((t) => `${c.job_name} ${t}`)),
    );
    expect(scraped.sort()).to.deep.equal(expected.sort());
    for (const config of prometheus.scrape_configs) expect(config.metrics_path ?? '/metrics').to.equal('/metrics');
  });

  it('Each panel of the dashboard has a query, and each query reads a metric', () => {
    expect(dashboard.panels).to.not.be.empty;
    for (const panel of dashboard.panels) {
      expect(panel.targets?.length, panel.title).to.be.greaterThan(0);
      for (const { expr } of panel.targets ?? [])
        expect(metricNamesIn(expr), `${panel.title}: ${expr}`).to.not.be.empty;
    }
  });

  it('Every metric a panel queries is registered by the program of its job (or by some program when no job is named)', () => {
    const missing = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap(({ expr }) =>
        metricNamesIn(expr)
          .filter((name) => !isExposed(name, jobOf(expr)))
          .map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(missing).to.deep.equal([]);
  });

  it('The checks themselves: names are read from PromQL, and a name no program registers is caught', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{job="gateway", route="/x"}[1m])))',
      ),
    ).to.deep.equal(['http_request_duration_seconds_bucket']);
    expect(metricNamesIn('time() - max by (projection) (projector_last_applied_timestamp_seconds)')).to.deep.equal([
      'projector_last_applied_timestamp_seconds',
    ]);
    expect(isExposed('queue_waiting_users', 'gateway')).to.equal(true);
    expect(isExposed('queue_waiting_users', 'workers')).to.equal(false);
    expect(isExposed('no_such_metric_total', undefined)).to.equal(false);
  });
});
