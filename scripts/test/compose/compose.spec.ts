import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { configVariables, loadConfig } from '@concert/infra';

/**
 * docker-compose.yml and the Dockerfile checked against the code, since no Docker engine runs
 * here: every variable is one the config schema reads (or one an image documents), every
 * command runs a file the build produces, ports and URLs agree with the services' config.
 */
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  restart?: string;
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');
const services = Object.entries(compose.services);
/** Ours: built from the Dockerfile; everything else is a stock image. */
const apps = services.filter(([, s]) => s.build !== undefined);

/** Variables the stock images read (their documentation), by image name. */
const IMAGE_VARIABLES: Record<string, readonly string[]> = {
  'eventstore/eventstore': [
    'EVENTSTORE_CLUSTER_SIZE',
    'EVENTSTORE_INSECURE',
    'EVENTSTORE_RUN_PROJECTIONS',
    'EVENTSTORE_MAX_APPEND_SIZE',
  ],
  // POSTGRES_* and PGDATA: the official image; the rest: scripts/compose/postgres-*.sh.
  postgres: [
    'POSTGRES_USER',
    'POSTGRES_PASSWORD',
    'POSTGRES_DB',
    'PGDATA',
    'REPLICATION_USER',
    'REPLICATION_PASSWORD',
    'REPLICATION_SLOT',
    'PRIMARY_HOST',
  ],
  redis: [],
  nats: [],
  'prom/prometheus': [],
  'grafana/grafana': [
    'GF_SECURITY_ADMIN_PASSWORD',
    'GF_AUTH_ANONYMOUS_ENABLED',
    'GF_AUTH_ANONYMOUS_ORG_ROLE',
    'GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH',
  ],
};

/** Which variable sets the listening port of each package's process. */
const PORT_VARIABLE: Record<string, string> = {
  'command-api': 'COMMAND_API_PORT',
  'query-api': 'QUERY_API_PORT',
  projectors: 'PROJECTORS_PORT',
  workers: 'WORKERS_PORT',
  gateway: 'GATEWAY_PORT',
};

/** `${VAR:-default}` and `${VAR:?message}` as compose would fill them (a sample for required ones). */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) =>
    kind === '-' ? (rest ?? '') : `sample-${name.toLowerCase()}-value-long-enough`,
  );
}

function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
}

/** The package a service runs (`node <pkg>/dist/src/main.js`). */
function packageOf(service: Service): { pkg: string; file: string } {
  const [node, file] = service.command ?? [];
  expect(node, 'runs node directly').to.equal('node');
  const match = /^([a-z-]+)\/dist\/src\/([a-z-]+)\.js$/.exec(file ?? '');
  expect(match, `command ${JSON.stringify(service.command)} runs <package>/dist/src/<file>.js`).to.not.equal(null);
  return { pkg: match![1]!, file: match![2]! };
}

function healthPort(service: Service): number | undefined {
  const text = (service.healthcheck?.test ?? []).join(' ');
  const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('docker-compose.yml against the code', () => {
  it('runs every process of the system: gateway, two command-api, two query-api, projectors, workers, and a migrate one-shot', () => {
    const runs = apps.map(([, s]) => packageOf(s).pkg).sort();
    expect(runs).to.deep.equal([
      'command-api',
      'command-api',
      'gateway',
      'projectors',
      'query-api',
      'query-api',
      'scripts',
      'workers',
    ]);
    expect(packageOf(compose.services.migrate!)).to.deep.equal({ pkg: 'scripts', file: 'migrate' });
  });

  it('has EventStoreDB (insecure single node), a PostgreSQL primary with a streaming replica, Redis and NATS with JetStream, with volumes where they keep data', () => {
    const es = compose.services.eventstore!;
    expect(es.image).to.equal('eventstore/eventstore:24.10.0-bookworm-slim');
    expect(environmentOf(es)).to.include({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_CLUSTER_SIZE: '1' });
    expect(es.volumes?.some((v) => v.endsWith(':/var/lib/eventstore'))).to.equal(true);
    expect(compose.services.postgres!.volumes?.some((v) => v.endsWith(':/var/lib/postgresql/data'))).to.equal(true);
    const replica = compose.services['postgres-replica']!;
    expect(environmentOf(replica).PRIMARY_HOST).to.equal('postgres');
    expect(replica.healthcheck?.test.join(' ')).to.include('pg_is_in_recovery()');
    expect(compose.services.nats!.command).to.include('-js');
    expect(compose.services.nats!.volumes?.some((v) => v.endsWith(':/data'))).to.equal(true);
    expect(compose.services.redis).to.not.equal(undefined);
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(source), `${name} mounts ${source}`).to.equal(true);
        else expect(compose.volumes, `${name} uses the named volume ${source}`).to.have.property(source);
      }
    }
  });

  for (const [name, service] of services) {
    it(`${name}: every environment variable is one its program reads`, () => {
      const allowed =
        service.build !== undefined ? configVariables : (IMAGE_VARIABLES[(service.image ?? '').split(':')[0]!] ?? []);
      const unknown = Object.keys(service.environment ?? {}).filter((v) => !allowed.includes(v));
      expect(
        unknown,
        `variables not in ${service.build !== undefined ? "infra's config schema" : `the ${service.image} image's list`}`,
      ).to.deep.equal([]);
    });
  }

  for (const [name, service] of apps) {
    it(`${name}: the config loads, the event store is EventStoreDB, and the command runs a file tsc -b produces`, function () {
      const env = environmentOf(service);
      const config = loadConfig(env);
      expect(config.EVENTSTORE).to.equal('esdb');
      expect(new URL(config.EVENTSTORE_URL!).hostname, 'EVENTSTORE_URL names the compose service').to.equal(
        'eventstore',
      );
      for (const variable of ['DATABASE_URL', 'READ_DATABASE_URL', 'REDIS_URL', 'NATS_URL'] as const) {
        const host = new URL(config[variable]).hostname;
        expect(compose.services, `${variable} names a compose service (${host})`).to.have.property(host);
      }

      const { pkg, file } = packageOf(service);
      const tsconfig = JSON.parse(readFileSync(`${pkg}/tsconfig.json`, 'utf8')) as {
        compilerOptions: { outDir: string; rootDir: string };
      };
      expect(tsconfig.compilerOptions, `${pkg}/src/${file}.ts compiles to ${pkg}/dist/src/${file}.js`).to.include({
        outDir: 'dist',
        rootDir: '.',
      });
      expect(dockerfile, `the runtime image copies ${pkg}/dist`).to.include(
        `COPY --from=build /app/${pkg}/dist ${pkg}/dist`,
      );
      if (!existsSync(`${pkg}/src/${file}.ts`)) {
        // The gateway's entry point lands with its own branch; until then there is nothing to check.
        expect(pkg).to.equal('gateway');
        console.log(`      (${pkg}/src/${file}.ts does not exist yet: command not checked)`);
        this.skip();
      }
    });
  }

  for (const [name, service] of apps.filter(([n]) => n !== 'migrate')) {
    it(`${name}: its health check and published ports use the port its process listens on`, function () {
      const { pkg } = packageOf(service);
      const variable = PORT_VARIABLE[pkg]!;
      const port = loadConfig(environmentOf(service))[variable as 'GATEWAY_PORT'];
      expect(healthPort(service), `health check of ${name} on ${variable}=${port}`).to.equal(port);
      for (const published of service.ports ?? [])
        expect(Number(published.split(':').at(-1)), `${name} publishes ${published}`).to.equal(port);
      if (existsSync(`${pkg}/src/main.ts`))
        expect(readFileSync(`${pkg}/src/main.ts`, 'utf8'), `${pkg} listens on config.${variable}`).to.include(
          `config.${variable}`,
        );
    });
  }

  it('the secrets of every process come from variables the operator must set, never the built-in development ones', () => {
    const raw = readFileSync('docker-compose.yml', 'utf8');
    for (const variable of ['JWT_SECRET', 'QUEUE_TOKEN_SECRET']) {
      expect(raw, `${variable} is required through \${${variable}:?...}`).to.match(
        new RegExp(`${variable}: \\$\\{${variable}:\\?[^}]+\\}`),
      );
      for (const [name, service] of apps)
        expect(environmentOf(service)[variable], `${name} gets ${variable}`).to.equal(
          `sample-${variable.toLowerCase()}-value-long-enough`,
        );
    }
  });

  it("the gateway's admin port (/metrics, the detailed /ready) is not published", () => {
    const gateway = compose.services.gateway!;
    const config = loadConfig(environmentOf(gateway));
    expect(config.GATEWAY_ADMIN_PORT).to.not.equal(config.GATEWAY_PORT);
    expect((gateway.ports ?? []).map((p) => Number(p.split(':').at(-1)))).to.not.include(config.GATEWAY_ADMIN_PORT);
  });

  it('only the gateway is published for clients: it is the single entry point (Grafana only on the loopback, for operators)', () => {
    expect(
      services.filter(([, s]) => (s.ports ?? []).some((p) => !p.startsWith('127.0.0.1:'))).map(([n]) => n),
    ).to.deep.equal(['gateway']);
    expect(compose.services.grafana!.ports).to.deep.equal(['127.0.0.1:3000:3000']);
  });

  it("the gateway's COMMAND_API_URLS and QUERY_API_URLS name the compose services that run those APIs, on their ports", () => {
    const config = loadConfig(environmentOf(compose.services.gateway!));
    for (const [variable, pkg] of [
      ['COMMAND_API_URLS', 'command-api'],
      ['QUERY_API_URLS', 'query-api'],
    ] as const) {
      const running = apps
        .filter(([, s]) => packageOf(s).pkg === pkg)
        .map(([n]) => n)
        .sort();
      const named = config[variable].map((u) => new URL(u));
      expect(named.map((u) => u.hostname).sort(), variable).to.deep.equal(running);
      for (const url of named) {
        const port = loadConfig(environmentOf(compose.services[url.hostname]!))[
          PORT_VARIABLE[pkg] as 'COMMAND_API_PORT'
        ];
        expect(Number(url.port), `${variable}: ${url.hostname}`).to.equal(port);
      }
    }
  });

  for (const [name, service] of services) {
    it(`${name}: every depends_on target exists, with a health check when it must be healthy and as a one-shot when it must complete`, () => {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        const dependency = compose.services[target];
        expect(dependency, `${name} depends on ${target}`).to.not.equal(undefined);
        expect(['service_healthy', 'service_completed_successfully', 'service_started']).to.include(condition);
        if (condition === 'service_healthy')
          expect(dependency!.healthcheck, `${target} has a health check`).to.not.equal(undefined);
        if (condition === 'service_completed_successfully')
          expect(dependency!.restart, `${target} runs once`).to.equal('no');
      }
    });
  }

  it('every app service waits for the migration and for the servers it uses to be healthy', () => {
    for (const [name, service] of apps.filter(([n]) => n !== 'migrate')) {
      expect(service.depends_on?.migrate?.condition, name).to.equal('service_completed_successfully');
      for (const server of ['postgres', 'eventstore', 'redis', 'nats'])
        expect(service.depends_on?.[server]?.condition, `${name} -> ${server}`).to.equal('service_healthy');
    }
    for (const name of ['query-api-1', 'query-api-2'])
      expect(compose.services[name]!.depends_on?.['postgres-replica']?.condition).to.equal('service_healthy');
  });

  it('the query APIs read from the replica, everything else writes to the primary', () => {
    for (const [name, service] of apps) {
      const config = loadConfig(environmentOf(service));
      expect(new URL(config.DATABASE_URL).hostname, name).to.equal('postgres');
      const { pkg } = packageOf(service);
      expect(new URL(config.READ_DATABASE_URL).hostname, name).to.equal(
        pkg === 'query-api' ? 'postgres-replica' : 'postgres',
      );
    }
  });

  it('the Dockerfile builds with tsc in one stage and runs production dependencies only, as a non-root user, in another', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).to.have.length(2);
    const [build, runtime] = stages as [string, string];
    expect(build).to.match(/^RUN npm ci\b/m);
    expect(build).to.match(/^RUN npx tsc -b$/m);
    expect(runtime).to.match(/^RUN npm ci --omit=dev\b/m);
    expect(runtime).to.not.match(/tsx|--conditions/);
    expect(runtime).to.match(/^USER (?!root)\w+$/m);
    const workspaces = (JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] }).workspaces;
    for (const pkg of workspaces) {
      expect(build, `build copies ${pkg}/package.json before npm ci`).to.include(`COPY ${pkg}/package.json ${pkg}/`);
      expect(runtime, `runtime copies ${pkg}/package.json`).to.include(`COPY ${pkg}/package.json ${pkg}/`);
      // Compiled output resolves our packages through their `default` export condition.
      const manifest = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8')) as {
        exports?: Record<string, { default: string }>;
      };
      for (const entry of Object.values(manifest.exports ?? {}))
        expect(entry.default, `${pkg} exports compiled JS`).to.match(/^\.\/dist\/src\/.*\.js$/);
    }
  });
});
