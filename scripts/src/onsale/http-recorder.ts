import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';

export type Stage = 'enter' | 'poll' | 'hold' | 'seats' | 'charge' | 'pay' | 'cancel' | 'leave' | 'probe';

/** One answered (or failed) request: when it ended, in seconds since the run began. */
/** While both lines wait, one freed connection in this many goes to the crowd's entries and polls. */
const CROWD_TURN = 4;

export interface RequestRecord {
  stage: Stage;
  endS: number;
  ms: number;
  /** `201`, `409 seat-unavailable`, `network-error` */
  label: string;
}

export interface Answer {
  status: number;
  label: string;
  body: Record<string, unknown>;
  retryAfterS: number | undefined;
}

/**
 * Sends requests to the gateway through one keep-alive pool, at most `concurrency` in flight,
 * and records each one's stage, latency and answer. When requests wait for a connection, an
 * admitted fan's requests get three of every four freed connections and the crowd's entries
 * and polls the fourth: ahead, so a hold does not expire in the bench's own queue, but not
 * strictly ahead, which left the crowd's polls waiting for minutes.
 */
export class HttpRecorder {
  readonly records: RequestRecord[] = [];
  readonly #agent: Agent;
  readonly #startedAt = performance.now();
  #inFlight = 0;
  /** Waiting for a connection: an admitted fan's requests, and the crowd's entries and polls. */
  readonly #waiting = { admitted: [] as (() => void)[], crowd: [] as (() => void)[] };
  /** Connections handed over while both lines waited; every CROWD_TURN-th goes to the crowd. */
  #turns = 0;

  constructor(
    readonly baseUrl: string,
    readonly concurrency: number,
    readonly timeoutMs = 30_000,
  ) {
    this.#agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /** Seconds since the recorder was made. */
  now(): number {
    return (performance.now() - this.#startedAt) / 1000;
  }

  async send(
    stage: Stage,
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    // Each real fan has a connection of their own: an admitted fan's hold or payment must not
    // wait behind the crowd's polls in this one pool (its hold would expire meanwhile).
    const line = stage === 'poll' || stage === 'enter' ? this.#waiting.crowd : this.#waiting.admitted;
    if (this.#inFlight >= this.concurrency) await new Promise<void>((resolve) => line.push(resolve));
    this.#inFlight += 1;
    const t0 = performance.now();
    let answer: Answer;
    try {
      // undici's request, not fetch: fetch cost a load generator about three times the CPU per request.
      const response = await this.#agent.request({
        origin: this.baseUrl,
        path,
        method,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.body.text();
      let parsed: Record<string, unknown> = {};
      try {
        const value: unknown = text ? JSON.parse(text) : {};
        parsed = Array.isArray(value) ? { items: value } : (value as Record<string, unknown>);
      } catch {
        parsed = {};
      }
      const status = response.statusCode;
      const code = status >= 400 && typeof parsed.code === 'string' ? ` ${parsed.code}` : '';
      const retryAfter = response.headers['retry-after'];
      answer = {
        status,
        label: `${status}${code}`,
        body: parsed,
        retryAfterS: typeof retryAfter === 'string' ? Number(retryAfter) : undefined,
      };
    } catch (error) {
      const name = isTimeout(error) ? 'timeout' : 'network-error';
      // The label groups answers; the body says what failed (a caller that gives up shows it).
      const { message, code } = error as { message?: unknown; code?: unknown };
      answer = {
        status: 0,
        label: name,
        body: { error: `${String(code ?? '')} ${String(message)}`.trim() },
        retryAfterS: undefined,
      };
    } finally {
      this.#inFlight -= 1;
      this.#nextInLine()?.();
    }
    this.records.push({ stage, endS: this.now(), ms: performance.now() - t0, label: answer.label });
    return answer;
  }

  #nextInLine(): (() => void) | undefined {
    const { admitted, crowd } = this.#waiting;
    if (admitted.length === 0 || crowd.length === 0) return admitted.shift() ?? crowd.shift();
    this.#turns += 1;
    return this.#turns % CROWD_TURN === 0 ? crowd.shift() : admitted.shift();
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** The request's AbortSignal.timeout fired (undici rejects with the signal's reason, or its own abort error). */
function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' || name === 'RequestAbortedError';
}

/** An answer that says nothing about whether the command ran: send it again (same Idempotency-Key). */
export function undecided(answer: Answer): boolean {
  return (
    answer.status === 0 ||
    answer.status === 429 ||
    answer.status >= 500 ||
    answer.label === '409 idempotency-key-in-use'
  );
}
