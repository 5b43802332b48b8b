import { forbiddenProblem, HttpProblem, unavailableProblem, type Logger, type RedisClient } from '@concert/infra';
import { RememberedValues } from './remembered-values.js';

/** Who is asking, forwarded to the query API (every route there needs the user's bearer token). */
export interface Caller {
  authorization: string;
  requestId?: string;
}

/** Cached answers: a schedule never changes concert, a reservation never changes schedule. */
const lookupKeys = {
  schedule: (scheduleId: string): string => `queue-lookup:schedule:{${scheduleId}}`,
  reservation: (reservationId: string): string => `queue-lookup:reservation:{${reservationId}}`,
  concert: (concertId: string): string => `queue-lookup:concert:{${concertId}}`,
};
const SCHEDULE_TTL_S = 24 * 3600;
const RESERVATION_TTL_S = 24 * 3600;
/** A concert that exists keeps existing; the hour only bounds what a flushed catalog leaves behind. */
const CONCERT_TTL_S = 3600;
const QUERY_TIMEOUT_MS = 5000;
const REMEMBERED = 100_000;

/**
 * Finds the concert of a schedule or a reservation (the concert a queue token must be for)
 * through a healthy query-api instance, cached in Redis (shared by the gateways) and in
 * process (a hot schedule costs no round trip). The caches only save a query: when Redis
 * fails, the query API is asked. Unknown ids give undefined; a query API that cannot answer
 * gives 503 `unavailable`.
 */
export class ConcertLookup {
  // Concerts are never deleted, schedules never change concert, reservations never change schedule.
  readonly #known = new RememberedValues<string>(REMEMBERED);

  constructor(
    private readonly redis: RedisClient,
    private readonly queryBaseUrl: () => string | undefined,
    private readonly logger: Logger,
  ) {}

  async concertExists(concertId: string, caller: Caller): Promise<boolean> {
    if ((await this.#cached(lookupKeys.concert(concertId))) !== undefined) return true;
    const found = await this.#get(`/concerts/${encodeURIComponent(concertId)}/schedules?all=true`, caller);
    if (found === undefined) return false;
    await this.#remember(lookupKeys.concert(concertId), '1', CONCERT_TTL_S);
    return true;
  }

  async concertOfSchedule(scheduleId: string, caller: Caller): Promise<string | undefined> {
    const cached = await this.#cached(lookupKeys.schedule(scheduleId));
    if (cached !== undefined) return cached;
    const schedule = await this.#get(`/schedules/${encodeURIComponent(scheduleId)}`, caller);
    const concertId = schedule?.['concertId'];
    if (typeof concertId !== 'string') return undefined;
    await this.#remember(lookupKeys.schedule(scheduleId), concertId, SCHEDULE_TTL_S);
    return concertId;
  }

  /** @throws the query API's 403 `forbidden` for someone else's reservation. */
  async concertOfReservation(reservationId: string, caller: Caller): Promise<string | undefined> {
    const cached = await this.#cached(lookupKeys.reservation(reservationId));
    if (cached !== undefined) return cached;
    const reservation = await this.#get(`/reservations/${encodeURIComponent(reservationId)}`, caller);
    const scheduleId = reservation?.['scheduleId'];
    if (typeof scheduleId !== 'string') return undefined;
    const concertId = await this.concertOfSchedule(scheduleId, caller);
    if (concertId !== undefined) await this.rememberReservation(reservationId, concertId);
    return concertId;
  }

  /** The reservation's status in the read model (never cached: it changes), undefined when unknown. */
  async statusOfReservation(reservationId: string, caller: Caller): Promise<string | undefined> {
    const reservation = await this.#get(`/reservations/${encodeURIComponent(reservationId)}`, caller);
    const status = reservation?.['status'];
    return typeof status === 'string' ? status : undefined;
  }

  /** A hold that went through the gateway: its payment needs no read model (which may lag behind). */
  async rememberReservation(reservationId: string, concertId: string): Promise<void> {
    await this.#remember(lookupKeys.reservation(reservationId), concertId, RESERVATION_TTL_S);
  }

  async #cached(key: string): Promise<string | undefined> {
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    try {
      const value = (await this.redis.get(key)) ?? undefined;
      if (value !== undefined) this.#known.set(key, value);
      return value;
    } catch (error) {
      this.logger.warn({ err: error }, 'queue lookup cache unavailable');
      return undefined;
    }
  }

  async #remember(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#known.set(key, value);
    try {
      await this.redis.set(key, value, 'EX', ttlSeconds);
    } catch (error) {
      this.logger.warn({ err: error }, 'queue lookup cache unavailable');
    }
  }

  /** The JSON object at `path`, undefined on 404. */
  async #get(path: string, caller: Caller): Promise<Record<string, unknown> | undefined> {
    const base = this.queryBaseUrl();
    if (base === undefined) throw unavailableProblem('no query-api instance is available to look up the concert');
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        headers: {
          authorization: caller.authorization,
          ...(caller.requestId ? { 'x-request-id': caller.requestId } : {}),
        },
        signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn({ err: error, base, path }, 'query-api lookup failed');
      throw unavailableProblem('the query API did not answer the concert lookup');
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404) return undefined;
    if (response.status === 403) throw forbiddenProblem('this reservation belongs to another user');
    if (response.status !== 200) {
      this.logger.warn({ status: response.status, base, path, body: text.slice(0, 300) }, 'query-api lookup refused');
      if (response.status === 401)
        throw new HttpProblem({ status: 401, code: 'unauthenticated', detail: 'the bearer token was refused' });
      throw unavailableProblem('the query API could not answer the concert lookup');
    }
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null) return {};
    return body as Record<string, unknown>;
  }
}
