import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The configuration of the processes (README.md, "Configuration"): a shared part, and one
 * part per process; each process validates only what it reads (loadProcessConfig).
 * Defaults work on a development machine with the local services.
 */
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with protocol ${protocols.join(' or ')}` },
  );

/** Only for development; production sets JWT_SECRET or JWT_PUBLIC_KEY (refused otherwise). */
const DEVELOPMENT_JWT_SECRET = 'development-secret-not-for-production';
/** Only for development; production sets QUEUE_TOKEN_SECRET (refused otherwise). */
const DEVELOPMENT_QUEUE_TOKEN_SECRET = 'development-queue-secret-not-for-production';

/** An address or subnet `proxy-addr` (express trust proxy) accepts, or one of its names. */
function isProxyAddress(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
  const [address, bits, ...rest] = item.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/** Read by every process: logging (and request logging), the event store, Redis and the NATS feed. */
const shared = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests slower than this get a log line (warn); others only when failed, sampled or at debug level. */
  REQUEST_LOG_SLOW_MS: positiveInt.default(1000),
  /** Share (0 to 1) of ordinary requests logged at info. */
  REQUEST_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/concert'),
  EVENTSTORE: z.enum(['postgres', 'esdb']).default('postgres'),
  EVENTSTORE_URL: url(['esdb:', 'esdb+discover:']).optional(),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(''),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  // The JetStream stream of the event feed and its subject prefix (`<prefix>.<category>.<type>`);
  // tests use their own per run.
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('EVENTS'),
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .default('events'),
  /** How long JetStream keeps events: projectors further behind than this rebuild from the event store. */
  NATS_MAX_AGE_HOURS: positiveInt.default(72),
};

/** Verifying bearer tokens: the gateway, the command API and the query API. */
const jwt = {
  JWT_SECRET: z.string().min(16).optional(),
  JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY').optional(),
  // Checked only when set, so a development token without iss/aud stays valid.
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  // Clocks of the issuer and the verifier drift; a few seconds must not log users out.
  JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
};

/** The gateway: routing to the APIs, the edge authentication, idempotency, rate limits, the waiting room. */
const gateway = {
  GATEWAY_PORT: port.default(8080),
  /** The gateway's operational port (/metrics, the detailed /ready): for Prometheus and operators, never published. */
  GATEWAY_ADMIN_PORT: port.default(8079),
  COMMAND_API_URLS: csv.default(['http://127.0.0.1:8081', 'http://127.0.0.1:8082']),
  QUERY_API_URLS: csv.default(['http://127.0.0.1:8091', 'http://127.0.0.1:8092']),
  IDEMPOTENCY_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  AUTH_DEV_LOGIN: bool.default(false),
  /** Lifetime of the tokens `POST /auth/token` mints when AUTH_DEV_LOGIN is on. */
  AUTH_DEV_TOKEN_TTL_S: positiveInt.default(3600),
  /** How often the gateway probes each upstream's /ready; a dead instance leaves rotation within about this. */
  GATEWAY_HEALTH_CHECK_INTERVAL_MS: positiveInt.default(1000),
  /** An upstream that has not begun to answer within this is given up on: 504 upstream-timeout. */
  GATEWAY_UPSTREAM_TIMEOUT_MS: positiveInt.default(10_000),
  IDEMPOTENCY_RETENTION_HOURS: positiveInt.default(24),
  /** An in-flight Idempotency-Key older than this is taken for abandoned (a crashed gateway) and may be run again. */
  IDEMPOTENCY_IN_FLIGHT_TIMEOUT_MS: positiveInt.default(60_000),
  /** How often each gateway deletes Idempotency-Key records past their retention. */
  IDEMPOTENCY_CLEANUP_INTERVAL_MS: positiveInt.default(300_000),
  QUEUE_ADMIT_PER_SECOND: positiveInt.default(50),
  QUEUE_MAX_ADMITTED: positiveInt.default(1000),
  QUEUE_ADMISSION_WINDOW_MS: positiveInt.default(600_000),
  /** HS256 secret of queue tokens (at least 16 characters); its own, so a leaked JWT secret cannot admit anyone. */
  QUEUE_TOKEN_SECRET: z.string().min(16).default(DEVELOPMENT_QUEUE_TOKEN_SECRET),
  /** How often each gateway advances the waiting rooms (expiries and admissions); any number of gateways may tick. */
  QUEUE_TICK_INTERVAL_MS: positiveInt.default(200),
  /**
   * Admission backs off (rate and cap, down to 5%) while more than 10% of admitted fans' holds
   * and payments take longer than this, and recovers when they are fast again; 0 turns it off.
   */
  QUEUE_ADMISSION_TARGET_MS: z.coerce.number().int().min(0).default(2000),
  RATE_LIMIT_COMMANDS_PER_MINUTE: positiveInt.default(120),
  RATE_LIMIT_POLLS_PER_MINUTE: positiveInt.default(600),
  /** Per-IP budget = per-user budget x this (users behind one NAT share an IP); 0 turns per-IP limits off. */
  RATE_LIMIT_IP_MULTIPLE: z.coerce.number().int().min(0).default(10),
  /**
   * express `trust proxy` of the gateway: which X-Forwarded-For hops give the client address
   * that the per-IP limits count. `false` (the connection's address), `true` (the left-most
   * address: only behind a proxy that overwrites the header), a number of hops, or a list of
   * proxy addresses and subnets (`loopback`, `10.0.0.0/8`, `fd00::/8`...).
   */
  TRUST_PROXY: z
    .string()
    .transform((value): boolean | number | string[] => {
      if (value === 'true' || value === 'false') return value === 'true';
      if (/^\d{1,3}$/.test(value)) return Number(value);
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    })
    .refine((value) => !Array.isArray(value) || (value.length > 0 && value.every(isProxyAddress)), {
      message:
        'must be true, false, a number of hops, or a comma-separated list of addresses/subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, fd00::/8)',
    })
    .default(false),
  /**
   * Origins (`scheme://host[:port]`, comma-separated) whose browser pages may call the API
   * across origins (CORS); empty: no CORS headers at all, so only same-origin pages can.
   */
  CORS_ORIGINS: csv
    .refine((origins) => origins.every((origin) => /^https?:\/\/[^/\s?#]+$/.test(origin)), {
      message: 'must be comma-separated origins such as https://tickets.example.com (scheme://host[:port], no path)',
    })
    .default([]),
  /** Where the gateway's ops console reads each projectors / workers process (/ready, /metrics); default: 127.0.0.1 and PROJECTORS_PORT / WORKERS_PORT. */
  PROJECTORS_URLS: csv.optional(),
  WORKERS_URLS: csv.optional(),
};

/** The command API. */
const commandApi = {
  COMMAND_API_PORT: port.default(8081),
  HOLD_DURATION_MS: positiveInt.default(300_000),
};

/** Wallet charges: checked by the gateway and the command API. */
const payments = {
  WALLET_MAX_CHARGE: positiveInt.default(10_000_000),
};

/** The query API. */
const queryApi = {
  QUERY_API_PORT: port.default(8091),
  READ_DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  CONSISTENCY_WAIT_MS: positiveInt.default(2000),
  QUERY_CACHE_TTL_S: positiveInt.default(300),
};

/** The projectors process (relay and projectors). */
const projectors = {
  // /health, /ready and /metrics of the projectors process (relay and projectors).
  PROJECTORS_PORT: port.default(8100),
  PROJECTION_BATCH_SIZE: positiveInt.default(1024),
  /** Attempts before a projector parks an event it cannot apply and goes on. */
  PROJECTION_MAX_ATTEMPTS: positiveInt.default(5),
};

/** The workers process (expiry saga, payment recovery, notifications). */
const workers = {
  // /health, /ready and /metrics of the workers process (expiry saga, payment recovery).
  WORKERS_PORT: port.default(8110),
  /** Hold deadlines one worker claims per transaction (and events its recorder takes per batch). */
  EXPIRY_BATCH_SIZE: positiveInt.default(256),
  /** Timeout commands (or multi-reservation appends) one worker runs at once, over all its claim loops. */
  EXPIRY_CONCURRENCY: positiveInt.default(16),
  /** Claim loops of one worker: claims, commands and completions of several batches overlap. */
  EXPIRY_CLAIM_LOOPS: positiveInt.default(4),
  /** A claimed deadline is left to its worker this long; after a crash it comes due again then. */
  EXPIRY_LEASE_MS: positiveInt.default(5000),
  /** How often the saga reads the event store's own feed for hold deadlines (holds expire without NATS). */
  EXPIRY_SWEEP_INTERVAL_MS: positiveInt.default(5000),
  /** A payment still REQUESTED this long after it began is taken for crashed and resumed. */
  PAYMENT_RECOVERY_AFTER_MS: positiveInt.default(30_000),
  PAYMENT_RECOVERY_INTERVAL_MS: positiveInt.default(5_000),
  /** Where the workers POST each notification (signed); unset, they go to the notifications table (GET /me/notifications). */
  NOTIFY_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  /** HMAC-SHA256 key of the X-Signature header; required with NOTIFY_WEBHOOK_URL. */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** Attempts of one delivery before it goes to notification_dead_letters. */
  NOTIFY_MAX_ATTEMPTS: positiveInt.default(8),
  /** Wait after the first failed attempt; doubled after each further one. */
  NOTIFY_RETRY_BASE_MS: positiveInt.default(1000),
  /** One webhook request longer than this counts as a failed attempt. */
  NOTIFY_TIMEOUT_MS: positiveInt.default(5000),
};

/** What each process validates at start: only the variables it reads. */
const processVariables = {
  // The ports are the defaults of PROJECTORS_URLS and WORKERS_URLS (the ops console's view).
  gateway: {
    ...shared,
    ...jwt,
    ...payments,
    ...gateway,
    PROJECTORS_PORT: projectors.PROJECTORS_PORT,
    WORKERS_PORT: workers.WORKERS_PORT,
  },
  'command-api': { ...shared, ...jwt, ...payments, ...commandApi },
  'query-api': { ...shared, ...jwt, ...queryApi },
  // The ops routes (/ops/projectors) check bearer tokens.
  projectors: { ...shared, ...jwt, ...projectors },
  workers: { ...shared, ...workers },
};

/**
 * Every variable: the scripts and CLIs (`npm start` starts every process, the benches and
 * `npm run token` play several parts) read this union.
 */
const variables = z.object({
  ...shared,
  ...jwt,
  ...payments,
  ...gateway,
  ...commandApi,
  ...queryApi,
  ...projectors,
  ...workers,
});

export type ProcessName = keyof typeof processVariables;

/** Every environment variable the processes read (the README's configuration table lists exactly these). */
export const configVariables: readonly string[] = Object.keys(variables.shape);

/** The variables one process reads. */
export function processConfigVariables(name: ProcessName): readonly string[] {
  return Object.keys(processVariables[name]);
}

type RawConfig = z.output<typeof variables>;

/** Checks between variables, for those of them a schema has. */
function checkTogether(c: Partial<RawConfig>, ctx: z.RefinementCtx): void {
  if (c.EVENTSTORE === 'esdb' && !c.EVENTSTORE_URL) {
    ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_URL'], message: 'is required when EVENTSTORE=esdb' });
  }
  // The built-in secrets are public (they are in this repository): anyone could mint tokens.
  const verifiesTokens = c.JWT_CLOCK_TOLERANCE_S !== undefined;
  if (
    verifiesTokens &&
    c.NODE_ENV === 'production' &&
    !c.JWT_PUBLIC_KEY &&
    (c.JWT_SECRET === undefined || c.JWT_SECRET === DEVELOPMENT_JWT_SECRET)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message:
        'must be set to a secret of your own (or JWT_PUBLIC_KEY) when NODE_ENV=production, not the built-in development one',
    });
  }
  if (c.NODE_ENV === 'production' && c.QUEUE_TOKEN_SECRET === DEVELOPMENT_QUEUE_TOKEN_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['QUEUE_TOKEN_SECRET'],
      message: 'must be set to a secret of your own when NODE_ENV=production, not the built-in development one',
    });
  }
  if (c.NOTIFY_WEBHOOK_URL && !c.NOTIFY_WEBHOOK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['NOTIFY_WEBHOOK_SECRET'],
      message: 'is required when NOTIFY_WEBHOOK_URL is set',
    });
  }
}

/** Defaults that depend on other variables, for the variables a schema has. */
function withDerivedDefaults<C extends Partial<RawConfig>>(c: C, names: readonly string[]): C {
  const derived: Partial<RawConfig> = {};
  if (names.includes('READ_DATABASE_URL')) derived.READ_DATABASE_URL = c.READ_DATABASE_URL ?? c.DATABASE_URL;
  if (names.includes('IDEMPOTENCY_DATABASE_URL'))
    derived.IDEMPOTENCY_DATABASE_URL = c.IDEMPOTENCY_DATABASE_URL ?? c.DATABASE_URL;
  if (names.includes('PROJECTORS_URLS'))
    derived.PROJECTORS_URLS = c.PROJECTORS_URLS ?? [`http://127.0.0.1:${c.PROJECTORS_PORT}`];
  if (names.includes('WORKERS_URLS')) derived.WORKERS_URLS = c.WORKERS_URLS ?? [`http://127.0.0.1:${c.WORKERS_PORT}`];
  if (names.includes('JWT_SECRET'))
    derived.JWT_SECRET = c.JWT_SECRET ?? (c.JWT_PUBLIC_KEY ? undefined : DEVELOPMENT_JWT_SECRET);
  return { ...c, ...derived };
}

export const configSchema = variables.superRefine(checkTogether).transform((c) => ({
  ...withDerivedDefaults(c, configVariables),
  // Repeated so that the type says they are set.
  READ_DATABASE_URL: c.READ_DATABASE_URL ?? c.DATABASE_URL,
  IDEMPOTENCY_DATABASE_URL: c.IDEMPOTENCY_DATABASE_URL ?? c.DATABASE_URL,
  PROJECTORS_URLS: c.PROJECTORS_URLS ?? [`http://127.0.0.1:${c.PROJECTORS_PORT}`],
  WORKERS_URLS: c.WORKERS_URLS ?? [`http://127.0.0.1:${c.WORKERS_PORT}`],
}));

export type Config = z.output<typeof configSchema>;

/** A bad variable, reported in one line that names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The configuration of one process: the shared part and its own variables, nothing else. */
export type ProcessConfig<P extends ProcessName> = Pick<Config, keyof (typeof processVariables)[P] & keyof Config>;

/** Every variable (scripts and CLIs); a process loads its own part with loadProcessConfig. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseOrThrow(configSchema, env);
}

/** What one process reads, validated alone: a variable only another process reads cannot stop it. */
export function loadProcessConfig<P extends ProcessName>(
  name: P,
  env: NodeJS.ProcessEnv = process.env,
): ProcessConfig<P> {
  const names = processConfigVariables(name);
  const schema = z
    .object(processVariables[name])
    .superRefine((c, ctx) => checkTogether(c as Partial<RawConfig>, ctx))
    .transform((c) => withDerivedDefaults(c as Partial<RawConfig>, names));
  return parseOrThrow(schema, env) as ProcessConfig<P>;
}

function parseOrThrow<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  // An empty variable means "unset": `FOO= npm start` should fall back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0] ?? 'config');
  const value = env[name];
  const shown =
    value === undefined ? '' : ` (got "${name.includes('SECRET') || name.includes('KEY') ? '***' : value}")`;
  throw new ConfigError(`invalid configuration: ${name} ${issue.message}${shown}`);
}
