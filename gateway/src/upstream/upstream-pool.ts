import type { Logger } from '@concert/infra';
import { Pool } from 'undici';

export interface UpstreamPoolOptions {
  /** `command-api` or `query-api`: names the pool in logs, metrics and readiness. */
  kind: string;
  /** Base URLs without a trailing slash, e.g. `http://127.0.0.1:8081`. */
  urls: readonly string[];
  /** How often each instance's readiness is probed. */
  intervalMs: number;
  /** A probe slower than this counts as a failure; defaults to `intervalMs`, at least 2 s. */
  probeTimeoutMs?: number;
  /** The path probed; `/ready` answers 503 while an instance drains or lost a dependency. */
  probePath?: string;
  logger?: Logger;
  /** Keep-alive connections per instance; a request beyond them waits for one. */
  connections?: number;
}

export interface UpstreamState {
  url: string;
  healthy: boolean;
}

const DEFAULT_PROBE_PATH = '/ready';
/** A busy instance answers its probe late, not never: slowness alone must not empty the rotation. */
const MIN_PROBE_TIMEOUT_MS = 5000;
const DEFAULT_CONNECTIONS = 256;
/**
 * How long an idle connection to an instance is kept. Shorter than the instances' own
 * keep-alive timeout (see serve.ts), so the gateway, never the instance, closes an idle
 * connection: a request is never written into a socket the instance is closing.
 */
export const UPSTREAM_IDLE_CONNECTION_MS = 4000;
/**
 * Probe failures in a row that take an instance out. A refused connection is proof enough
 * at once; a slow or 503 answer twice in a row, so one hiccup of a busy instance's
 * dependencies does not empty the rotation.
 */
const FAILURES_TO_MARK_DOWN = 2;

/**
 * The instances of one upstream kind, each probed on its `/ready`: `pick()` hands out the
 * healthy ones in turn. A refused probe, two failed probes in a row, or a connection error
 * reported by the proxy take an instance out; only a successful probe brings it back, so a dead instance costs at most one failed
 * request per probe interval instead of one in N.
 */
export class UpstreamPool {
  readonly kind: string;
  private readonly urls: readonly string[];
  private readonly healthy = new Map<string, boolean>();
  private readonly failures = new Map<string, number>();
  private readonly dispatchers = new Map<string, Pool>();
  /** Instances whose last connection attempt was refused: no process listens there. */
  private readonly refused = new Set<string>();
  private readonly options: UpstreamPoolOptions;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;

  constructor(options: UpstreamPoolOptions) {
    if (options.urls.length === 0) throw new Error(`UpstreamPool(${options.kind}): no upstream URLs`);
    this.options = options;
    this.kind = options.kind;
    this.urls = options.urls.map((url) => url.replace(/\/+$/, ''));
    // Optimistic until the first probe says otherwise, so a pool used before start() routes.
    for (const url of this.urls) this.healthy.set(url, true);
  }

  /** A healthy base URL, round robin (see pickExcept when none is); undefined when none answers at all. */
  pick(): string | undefined {
    return this.pickExcept(new Set());
  }

  /**
   * Like `pick`, skipping instances already tried for this request. When no instance is
   * ready, one that still answers (busy, or reporting a failing dependency on /ready) is
   * picked rather than none: its answer, even a 503 of its own, is no worse than the
   * gateway's certain 503, and a command it can still decide (Redis slow: the stream
   * revisions alone) goes through. Only an instance that refused a connection is never picked.
   */
  pickExcept(tried: ReadonlySet<string>): string | undefined {
    return (
      this.nextWhere((url) => this.healthy.get(url) === true && !tried.has(url)) ??
      this.nextWhere((url) => !this.refused.has(url) && !tried.has(url))
    );
  }

  private nextWhere(eligible: (url: string) => boolean): string | undefined {
    const count = this.urls.length;
    for (let i = 0; i < count; i++) {
      const url = this.urls[(this.next + i) % count]!;
      if (eligible(url)) {
        this.next = (this.next + i + 1) % count;
        return url;
      }
    }
    return undefined;
  }

  /** The keep-alive connections to one of the pool's instances (`url` as `pick` gave it). */
  dispatcherOf(url: string): Pool {
    let dispatcher = this.dispatchers.get(url);
    if (dispatcher === undefined) {
      dispatcher = new Pool(url, {
        connections: this.options.connections ?? DEFAULT_CONNECTIONS,
        keepAliveTimeout: UPSTREAM_IDLE_CONNECTION_MS,
        keepAliveMaxTimeout: UPSTREAM_IDLE_CONNECTION_MS,
      });
      this.dispatchers.set(url, dispatcher);
    }
    return dispatcher;
  }

  /** The proxy could not connect: out of rotation until a probe succeeds. */
  markDown(url: string, reason: string): void {
    this.refused.add(url);
    this.set(url, false, reason);
  }

  /**
   * A connection to the instance broke: that alone does not prove it dead (a busy instance
   * may reset one connection), so it is probed at once, and only a refused probe (a dead
   * process) takes it out right away; a slow one counts like any failed probe.
   */
  suspect(url: string): void {
    if (this.stopped || !this.healthy.has(url)) return;
    void this.probe(url);
  }

  states(): UpstreamState[] {
    return this.urls.map((url) => ({ url, healthy: this.healthy.get(url) === true }));
  }

  healthyCount(): number {
    return this.states().filter((state) => state.healthy).length;
  }

  /** Probes every instance once, then every `intervalMs` until `stop()`. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.probeAll();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.probing;
    const dispatchers = [...this.dispatchers.values()];
    this.dispatchers.clear();
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.probeAll().finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private probeAll(): Promise<void> {
    this.probing = Promise.all(this.urls.map((url) => this.probe(url))).then(() => undefined);
    return this.probing;
  }

  private async probe(url: string, again = false): Promise<void> {
    const timeoutMs = this.options.probeTimeoutMs ?? Math.max(this.options.intervalMs, MIN_PROBE_TIMEOUT_MS);
    try {
      const response = await fetch(`${url}${this.options.probePath ?? DEFAULT_PROBE_PATH}`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
      // Drain the body so the keep-alive connection is reused by the next probe.
      await response.arrayBuffer();
      this.refused.delete(url);
      if (response.status === 200) this.passed(url);
      else this.failed(url, false, `probe answered ${response.status}`);
    } catch (error) {
      // The probe's own keep-alive connection was found closed (the instance restarted, or
      // closed it idle): that says nothing about the instance; ask once more on a new one.
      if (!again && isSocketClosed(error)) return this.probe(url, true);
      const refused = isRefused(error);
      if (refused) this.refused.add(url);
      this.failed(url, refused, error instanceof Error ? causeOf(error) : String(error));
    }
  }

  private passed(url: string): void {
    this.failures.set(url, 0);
    this.set(url, true, 'probe passed');
  }

  private failed(url: string, conclusive: boolean, reason: string): void {
    const failures = (this.failures.get(url) ?? 0) + 1;
    this.failures.set(url, failures);
    if (conclusive || failures >= FAILURES_TO_MARK_DOWN) this.set(url, false, reason);
  }

  private set(url: string, healthy: boolean, reason: string): void {
    const was = this.healthy.get(url);
    if (was === undefined || was === healthy) return;
    this.healthy.set(url, healthy);
    const log = this.options.logger;
    if (healthy) log?.info({ upstream: url, kind: this.kind }, 'upstream back in rotation');
    else log?.warn({ upstream: url, kind: this.kind, reason }, 'upstream out of rotation');
  }
}

function isSocketClosed(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}

function isRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/** fetch wraps the socket error: `fetch failed` says nothing, its cause names the refusal. */
function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
