import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { PostgresEventStore, signDevToken } from '@concert/infra';
import {
  call,
  callCountingEvents,
  CommandApiCluster,
  expectProblem,
  givenScheduleViaApi,
  type ApiResponse,
} from './command-api-harness.js';

/**
 * Every command endpoint against malformed, oversized, unauthorised and unknown input: each
 * refusal is problem+json with the contract's status and code, no refused request appends an
 * event, and no request at all gets a 5xx.
 */

const KIB = 1024;
const MIB = 1024 * KIB;

/** What the cases refer to, made in `before` (the per-run database exists only then). */
interface World {
  cluster: CommandApiCluster;
  url: string;
  store: PostgresEventStore;
  concertId: string;
  /** Seats A-1..A-4 at 100 each. */
  scheduleId: string;
  /** Two seats priced at Number.MAX_SAFE_INTEGER each. */
  pricyScheduleId: string;
  /** `owner` holds A-1 with it; HELD for the whole file (default 5 min hold). */
  reservationId: string;
  admin: string;
  owner: string;
  stranger: string;
  system: string;
}

interface RequestSpec {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Refusal {
  /** Completes "When ..., ". */
  when: string;
  /** Defaults to the endpoint's path. */
  path?: (w: World) => string;
  request: (w: World) => RequestSpec;
  status: number;
  code: string;
  /** Each must be named by an entry of `errors[].path`. */
  errorPaths?: readonly string[];
  /** Members the problem carries besides the standard ones. */
  extra?: Record<string, unknown>;
  wwwAuthenticate?: string;
  /** Set when the case fails today: the bug, as the report describes it. */
}

interface Endpoint {
  route: string;
  path: (w: World) => string;
  /** A caller the route accepts. */
  caller: (w: World) => string;
  /** A body the route accepts (with `caller` it would succeed, so generic cases only break one thing). */
  validBody: (w: World) => Record<string, unknown>;
  role?: 'admin' | 'system';
  bodyLimitBytes: number;
  /** The route declares no body, and ignores one it gets (see the known-bug cases). */
  ignoresBody?: boolean;
  /** A caller for whom no body, however valid, changes anything (used by the garbage sweep). */
  harmlessCaller?: (w: World) => string;
  cases: readonly Refusal[];
}

const validSchedule = { startsAt: '2027-03-01T19:00:00.000Z', seats: [{ seatId: 'A-1', grade: 'R', price: 100 }] };

function scheduleWithSeat(seat: Record<string, unknown>): Record<string, unknown> {
  return { startsAt: validSchedule.startsAt, seats: [seat] };
}

function seatsOfCount(count: number): Array<{ seatId: string; grade: string; price: number }> {
  return Array.from({ length: count }, (_, i) => ({ seatId: `S-${i + 1}`, grade: 'R', price: 100 }));
}

/** A signed-looking token with `alg: none`: the verifier must never accept it. */
function unsignedToken(userId: string, roles: string[]): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: userId, roles, iat: now, exp: now + 600 })}.`;
}

const endpoints: readonly Endpoint[] = [
  {
    route: 'POST /admin/concerts',
    path: () => '/admin/concerts',
    caller: (w) => w.admin,
    validBody: () => ({ title: 'Concert', venue: 'Hall' }),
    role: 'admin',
    bodyLimitBytes: 16 * KIB,
    cases: [
      {
        when: 'no body is sent',
        request: (w) => ({ token: w.admin }),
        status: 400,
        code: 'validation',
        errorPaths: ['title', 'venue'],
      },
      {
        when: 'the title is missing',
        request: (w) => ({ token: w.admin, body: { venue: 'Hall' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['title'],
      },
      {
        when: 'the title is a number',
        request: (w) => ({ token: w.admin, body: { title: 42, venue: 'Hall' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['title'],
      },
      {
        when: 'the title is only whitespace',
        request: (w) => ({ token: w.admin, body: { title: '   ', venue: 'Hall' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['title'],
      },
      {
        when: 'the title has 201 characters',
        request: (w) => ({ token: w.admin, body: { title: 't'.repeat(201), venue: 'Hall' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['title'],
      },
      {
        when: 'the venue is null',
        request: (w) => ({ token: w.admin, body: { title: 'Concert', venue: null } }),
        status: 400,
        code: 'validation',
        errorPaths: ['venue'],
      },
      {
        when: 'the body carries two unknown fields',
        request: (w) => ({
          token: w.admin,
          body: { title: 'Concert', venue: 'Hall', startsAt: 'x', concertId: 'mine' },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt', 'concertId'],
      },
      {
        when: 'the body carries a __proto__ field',
        request: (w) => ({ token: w.admin, body: '{"title":"Concert","venue":"Hall","__proto__":{"admin":true}}' }),
        status: 400,
        code: 'validation',
        errorPaths: ['__proto__'],
      },
      {
        when: 'the title contains a NUL character (\\u0000)',
        request: (w) => ({ token: w.admin, body: '{"title":"Con\\u0000cert","venue":"Hall"}' }),
        status: 400,
        code: 'validation',
        errorPaths: ['title'],
      },
      {
        when: 'the venue contains a lone UTF-16 surrogate (\\ud800)',
        request: (w) => ({ token: w.admin, body: '{"title":"Concert","venue":"Hall \\ud800"}' }),
        status: 400,
        code: 'validation',
        errorPaths: ['venue'],
      },
    ],
  },
  {
    route: 'POST /admin/concerts/:concertId/schedules',
    path: (w) => `/admin/concerts/${w.concertId}/schedules`,
    caller: (w) => w.admin,
    validBody: () => validSchedule,
    role: 'admin',
    bodyLimitBytes: MIB,
    cases: [
      {
        when: 'the concert does not exist',
        path: () => `/admin/concerts/${randomUUID()}/schedules`,
        request: (w) => ({ token: w.admin, body: validSchedule }),
        status: 404,
        code: 'concert-not-found',
      },
      {
        when: 'the concert id contains a dot',
        path: () => '/admin/concerts/bad.id/schedules',
        request: (w) => ({ token: w.admin, body: validSchedule }),
        status: 400,
        code: 'validation',
        errorPaths: ['concertId'],
      },
      {
        when: 'the concert id contains a space',
        path: () => '/admin/concerts/bad%20id/schedules',
        request: (w) => ({ token: w.admin, body: validSchedule }),
        status: 400,
        code: 'validation',
        errorPaths: ['concertId'],
      },
      {
        when: 'the concert id contains an encoded slash',
        path: () => '/admin/concerts/a%2Fb/schedules',
        request: (w) => ({ token: w.admin, body: validSchedule }),
        status: 400,
        code: 'validation',
        errorPaths: ['concertId'],
      },
      {
        when: 'the concert id has 65 characters',
        path: () => `/admin/concerts/${'c'.repeat(65)}/schedules`,
        request: (w) => ({ token: w.admin, body: validSchedule }),
        status: 400,
        code: 'validation',
        errorPaths: ['concertId'],
      },
      {
        when: 'no body is sent',
        request: (w) => ({ token: w.admin }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt', 'seats'],
      },
      {
        when: 'startsAt is missing',
        request: (w) => ({ token: w.admin, body: { seats: validSchedule.seats } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt is prose',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: 'next friday' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt is the 30th of February',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: '2027-02-30T19:00:00Z' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt has month 13',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: '2027-13-01T19:00:00Z' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt is a date without a time',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: '2027-03-01' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt has no offset',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: '2027-03-01T19:00:00' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'startsAt is epoch milliseconds',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, startsAt: 1803927600000 } }),
        status: 400,
        code: 'validation',
        errorPaths: ['startsAt'],
      },
      {
        when: 'seats is missing',
        request: (w) => ({ token: w.admin, body: { startsAt: validSchedule.startsAt } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats'],
      },
      {
        when: 'seats is empty',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, seats: [] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats'],
      },
      {
        when: 'seats is an object',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, seats: { 'A-1': 100 } } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats'],
      },
      {
        when: 'there are 5,001 seats',
        request: (w) => ({ token: w.admin, body: { ...validSchedule, seats: seatsOfCount(5001) } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats'],
      },
      {
        when: 'a price is negative',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: 'R', price: -1 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'a price is fractional',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: 'R', price: 99.5 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'a price is a string',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: 'R', price: '100' }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'a price is beyond the safe integers',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: 'R', price: 2 ** 53 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'a price is 1e400 (Infinity once parsed)',
        request: (w) => ({
          token: w.admin,
          body: `{"startsAt":"${validSchedule.startsAt}","seats":[{"seatId":"A-1","grade":"R","price":1e400}]}`,
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'a price is missing',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: 'R' }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.price'],
      },
      {
        when: 'the second seat has a bad price',
        request: (w) => ({
          token: w.admin,
          body: { ...validSchedule, seats: [...validSchedule.seats, { seatId: 'A-2', grade: 'R', price: -5 }] },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.1.price'],
      },
      {
        when: 'a seat id contains a space',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A 1', grade: 'R', price: 100 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.seatId'],
      },
      {
        when: 'a seat id contains a dot',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A.1', grade: 'R', price: 100 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.seatId'],
      },
      {
        when: 'a seat id has 17 characters',
        request: (w) => ({
          token: w.admin,
          body: scheduleWithSeat({ seatId: 'A'.repeat(17), grade: 'R', price: 100 }),
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.seatId'],
      },
      {
        when: 'a grade is missing',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', price: 100 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.grade'],
      },
      {
        when: 'a grade is empty',
        request: (w) => ({ token: w.admin, body: scheduleWithSeat({ seatId: 'A-1', grade: '', price: 100 }) }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.grade'],
      },
      {
        when: 'a seat carries an unknown field',
        request: (w) => ({
          token: w.admin,
          body: scheduleWithSeat({ seatId: 'A-1', grade: 'R', price: 100, row: 'A' }),
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.row'],
      },
      {
        when: 'two seats share an id',
        request: (w) => ({
          token: w.admin,
          body: { ...validSchedule, seats: [validSchedule.seats[0], validSchedule.seats[0]] },
        }),
        status: 400,
        code: 'validation',
      },
      {
        when: 'two seats share an id (the failing field in errors[])',
        request: (w) => ({
          token: w.admin,
          body: { ...validSchedule, seats: [validSchedule.seats[0], validSchedule.seats[0]] },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats'],
      },
      {
        when: 'a grade contains a NUL character (\\u0000)',
        request: (w) => ({
          token: w.admin,
          body: `{"startsAt":"${validSchedule.startsAt}","seats":[{"seatId":"A-1","grade":"R\\u0000","price":100}]}`,
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seats.0.grade'],
      },
    ],
  },
  {
    route: 'POST /reservations',
    path: () => '/reservations',
    caller: (w) => w.stranger,
    validBody: (w) => ({ scheduleId: w.scheduleId, seatIds: ['A-2'] }),
    bodyLimitBytes: 16 * KIB,
    cases: [
      {
        when: 'no body is sent',
        request: (w) => ({ token: w.stranger }),
        status: 400,
        code: 'validation',
        errorPaths: ['scheduleId', 'seatIds'],
      },
      {
        when: 'the schedule id is a number',
        request: (w) => ({ token: w.stranger, body: { scheduleId: 42, seatIds: ['A-2'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['scheduleId'],
      },
      {
        when: 'the schedule id contains a dot',
        request: (w) => ({ token: w.stranger, body: { scheduleId: 'a.b', seatIds: ['A-2'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['scheduleId'],
      },
      {
        when: 'the schedule id is a path',
        request: (w) => ({ token: w.stranger, body: { scheduleId: '../../etc/passwd', seatIds: ['A-2'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['scheduleId'],
      },
      {
        when: 'the schedule id is empty',
        request: (w) => ({ token: w.stranger, body: { scheduleId: '', seatIds: ['A-2'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['scheduleId'],
      },
      {
        when: 'seatIds is a string',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: 'A-2' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds'],
      },
      {
        when: 'seatIds is null',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: null } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds'],
      },
      {
        when: 'seatIds is empty',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: [] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds'],
      },
      {
        when: 'five seats are asked for',
        request: (w) => ({
          token: w.stranger,
          body: { scheduleId: w.scheduleId, seatIds: ['A-1', 'A-2', 'A-3', 'A-4', 'A-5'] },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds'],
      },
      {
        when: 'a seat id is repeated',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: ['A-2', 'A-3', 'A-2'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds'],
      },
      {
        when: 'a seat id is a number',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: [2] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds.0'],
      },
      {
        when: 'a seat id has an underscore',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: ['A-2', 'A_3'] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds.1'],
      },
      {
        when: 'a seat id smuggles SQL',
        request: (w) => ({
          token: w.stranger,
          body: { scheduleId: w.scheduleId, seatIds: ["A-2'; DROP TABLE es_events;--"] },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['seatIds.0'],
      },
      {
        when: 'the client names its own price',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: ['A-2'], amount: 1 } }),
        status: 400,
        code: 'validation',
        errorPaths: ['amount'],
      },
      {
        when: 'the client names another user',
        request: (w) => ({
          token: w.stranger,
          body: { scheduleId: w.scheduleId, seatIds: ['A-2'], userId: 'someone-else' },
        }),
        status: 400,
        code: 'validation',
        errorPaths: ['userId'],
      },
      {
        when: 'the schedule does not exist',
        request: (w) => ({ token: w.stranger, body: { scheduleId: randomUUID(), seatIds: ['A-2'] } }),
        status: 404,
        code: 'schedule-not-found',
      },
      {
        when: 'a concert id is sent as the schedule id',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.concertId, seatIds: ['A-2'] } }),
        status: 404,
        code: 'schedule-not-found',
      },
      {
        when: 'two of the seats do not exist',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: ['Z-9', 'A-2', 'Z-8'] } }),
        status: 404,
        code: 'seat-not-found',
        extra: { seatIds: ['Z-8', 'Z-9'] },
      },
      {
        when: 'a seat id differs only in case',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.scheduleId, seatIds: ['a-2'] } }),
        status: 404,
        code: 'seat-not-found',
        extra: { seatIds: ['a-2'] },
      },
      {
        when: 'the seats together cost more than the largest safe integer',
        request: (w) => ({ token: w.stranger, body: { scheduleId: w.pricyScheduleId, seatIds: ['P-1', 'P-2'] } }),
        status: 400,
        code: 'validation',
      },
      {
        when: "the token's subject contains whitespace",
        request: (w) => ({
          token: w.cluster.token('fan with spaces'),
          body: { scheduleId: w.scheduleId, seatIds: ['A-2'] },
        }),
        status: 401,
        code: 'unauthenticated',
      },
    ],
  },
  {
    route: 'POST /reservations/:reservationId/cancel',
    path: (w) => `/reservations/${w.reservationId}/cancel`,
    caller: (w) => w.owner,
    validBody: () => ({}),
    bodyLimitBytes: 16 * KIB,
    harmlessCaller: (w) => w.stranger,
    cases: [
      {
        when: 'the reservation does not exist',
        path: () => `/reservations/${randomUUID()}/cancel`,
        request: (w) => ({ token: w.owner }),
        status: 404,
        code: 'reservation-not-found',
      },
      {
        when: "the reservation is another user's",
        request: (w) => ({ token: w.stranger }),
        status: 403,
        code: 'forbidden',
      },
      {
        when: "an admin cancels a user's reservation",
        request: (w) => ({ token: w.admin }),
        status: 403,
        code: 'forbidden',
      },
      {
        when: 'the reservation id contains a dot',
        path: () => '/reservations/a.b/cancel',
        request: (w) => ({ token: w.owner }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id contains a quote',
        path: () => "/reservations/a'b/cancel",
        request: (w) => ({ token: w.owner }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id has 65 characters',
        path: () => `/reservations/${'r'.repeat(65)}/cancel`,
        request: (w) => ({ token: w.owner }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id is malformed percent-encoding',
        path: () => '/reservations/%E0%A4%A/cancel',
        request: (w) => ({ token: w.owner }),
        status: 400,
        code: 'validation',
      },
      {
        when: 'the body carries a reason',
        request: (w) => ({ token: w.owner, body: { reason: 'changed my mind' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['reason'],
      },
    ],
  },
  {
    route: 'POST /wallet/charges',
    path: () => '/wallet/charges',
    caller: (w) => w.stranger,
    validBody: () => ({ amount: 100 }),
    bodyLimitBytes: 16 * KIB,
    cases: [
      {
        when: 'no body is sent',
        request: (w) => ({ token: w.stranger }),
        status: 400,
        code: 'validation',
        errorPaths: ['amount'],
      },
      ...(
        [
          ['negative', -100],
          ['zero', 0],
          ['fractional', 99.5],
          ['a string', '100'],
          ['null', null],
          ['a boolean', true],
          ['above WALLET_MAX_CHARGE', 10_000_001],
          ['beyond the safe integers', 2 ** 53 + 2],
        ] as const
      ).map(([what, amount]): Refusal => ({
        when: `the amount is ${what}`,
        request: (w) => ({ token: w.stranger, body: { amount } }),
        status: 400,
        code: 'validation',
        errorPaths: ['amount'],
      })),
      {
        when: 'the amount is 1e400 (Infinity once parsed)',
        request: (w) => ({ token: w.stranger, body: '{"amount":1e400}' }),
        status: 400,
        code: 'validation',
        errorPaths: ['amount'],
      },
      {
        when: 'the body names a currency',
        request: (w) => ({ token: w.stranger, body: { amount: 100, currency: 'KRW' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['currency'],
      },
      {
        when: "the body names another user's wallet",
        request: (w) => ({ token: w.stranger, body: { amount: 100, userId: 'owner' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['userId'],
      },
      {
        when: 'the Idempotency-Key has 256 characters',
        request: (w) => ({ token: w.stranger, body: { amount: 100 }, headers: { 'idempotency-key': 'k'.repeat(256) } }),
        status: 400,
        code: 'validation',
      },
      {
        when: 'the body nests 5,000 arrays deep',
        request: (w) => ({ token: w.stranger, body: `{"amount":${'['.repeat(5000)}${']'.repeat(5000)}}` }),
        status: 400,
        code: 'validation',
      },
    ],
  },
  {
    route: 'POST /payments',
    path: () => '/payments',
    caller: (w) => w.owner,
    validBody: (w) => ({ reservationId: w.reservationId }),
    bodyLimitBytes: 16 * KIB,
    harmlessCaller: (w) => w.stranger,
    cases: [
      {
        when: 'no body is sent',
        request: (w) => ({ token: w.owner }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id is a number',
        request: (w) => ({ token: w.owner, body: { reservationId: 42 } }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id is empty',
        request: (w) => ({ token: w.owner, body: { reservationId: '' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id contains a dot',
        request: (w) => ({ token: w.owner, body: { reservationId: 'payment-x.y' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the reservation id is an array',
        request: (w) => ({ token: w.owner, body: { reservationId: [w.reservationId] } }),
        status: 400,
        code: 'validation',
        errorPaths: ['reservationId'],
      },
      {
        when: 'the client names the amount',
        request: (w) => ({ token: w.owner, body: { reservationId: w.reservationId, amount: 1 } }),
        status: 400,
        code: 'validation',
        errorPaths: ['amount'],
      },
      {
        when: 'the client names the payment id',
        request: (w) => ({ token: w.owner, body: { reservationId: w.reservationId, paymentId: 'mine' } }),
        status: 400,
        code: 'validation',
        errorPaths: ['paymentId'],
      },
      {
        when: 'the reservation does not exist',
        request: (w) => ({ token: w.owner, body: { reservationId: randomUUID() } }),
        status: 404,
        code: 'reservation-not-found',
      },
      {
        when: "the reservation is another user's",
        request: (w) => ({ token: w.stranger, body: { reservationId: w.reservationId } }),
        status: 403,
        code: 'forbidden',
      },
    ],
  },
];

/** The refusals every endpoint shares: body framing, authentication, roles, unknown fields. */
function commonCases(e: Endpoint): Refusal[] {
  const valid = (w: World, token: string | undefined): RequestSpec => ({
    ...(token ? { token } : {}),
    body: e.validBody(w),
  });
  const limit = e.bodyLimitBytes >= MIB ? `${e.bodyLimitBytes / MIB} MiB` : `${e.bodyLimitBytes / KIB} KiB`;
  const cases: Refusal[] = [
    {
      when: 'the body is malformed JSON',
      request: (w) => ({ token: e.caller(w), body: '{"scheduleId": "x",' }),
      status: 400,
      code: 'validation',
    },
    {
      when: 'the body is a bare JSON string',
      request: (w) => ({ token: e.caller(w), body: '"hello"' }),
      status: 400,
      code: 'validation',
    },
    {
      when: 'the body is sent as text/plain',
      request: (w) => ({
        token: e.caller(w),
        body: JSON.stringify(e.validBody(w)),
        headers: { 'content-type': 'text/plain' },
      }),
      status: 415,
      code: 'unsupported-media-type',
    },
    {
      when: 'the body is sent as a form',
      request: (w) => ({
        token: e.caller(w),
        body: 'amount=100',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      status: 415,
      code: 'unsupported-media-type',
    },
    {
      when: 'the JSON is in an unsupported charset',
      request: (w) => ({
        token: e.caller(w),
        body: JSON.stringify(e.validBody(w)),
        headers: { 'content-type': 'application/json; charset=latin1' },
      }),
      status: 415,
      code: 'unsupported-media-type',
    },
    {
      when: `the body is one byte over ${limit}`,
      request: (w) => ({ token: e.caller(w), body: padTo(JSON.stringify(e.validBody(w)), e.bodyLimitBytes + 1) }),
      status: 413,
      code: 'payload-too-large',
    },
    {
      when: 'no Authorization header is sent',
      request: (w) => valid(w, undefined),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer',
    },
    {
      when: 'the Authorization scheme is Basic',
      request: (w) => ({ ...valid(w, undefined), headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer error="invalid_request"',
    },
    {
      when: 'the bearer token is garbage',
      request: (w) => valid(w, 'not-a-jwt'),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer error="invalid_token"',
    },
    {
      when: 'the token is signed with another secret',
      request: (w) =>
        valid(
          w,
          signDevToken(
            { ...w.cluster.config, JWT_SECRET: 'someone-elses-secret-0123456789' },
            { userId: 'admin', roles: ['admin', 'system'], expiresInSeconds: 600 },
          ),
        ),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer error="invalid_token"',
    },
    {
      when: 'the token expired an hour ago',
      request: (w) =>
        valid(
          w,
          signDevToken(w.cluster.config, { userId: 'admin', roles: ['admin', 'system'], expiresInSeconds: -3600 }),
        ),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer error="invalid_token"',
    },
    {
      when: 'the token is unsigned (alg none)',
      request: (w) => valid(w, unsignedToken('admin', ['admin', 'system'])),
      status: 401,
      code: 'unauthenticated',
      wwwAuthenticate: 'Bearer error="invalid_token"',
    },
  ];
  if (e.role === 'admin') {
    cases.push({
      when: 'a fan without the admin role calls it',
      request: (w) => valid(w, w.stranger),
      status: 403,
      code: 'forbidden',
    });
    cases.push({
      when: 'a system caller without the admin role calls it',
      request: (w) => valid(w, w.system),
      status: 403,
      code: 'forbidden',
    });
  }
  if (e.role === 'system') {
    cases.push({
      when: 'a fan without the system role calls it',
      request: (w) => valid(w, w.owner),
      status: 403,
      code: 'forbidden',
    });
    cases.push({
      when: 'an admin without the system role calls it',
      request: (w) => valid(w, w.admin),
      status: 403,
      code: 'forbidden',
    });
  }
  if (e.ignoresBody) {
    cases.push({
      when: 'the body carries an unknown field',
      request: (w) => ({ token: e.caller(w), body: { unexpected: true } }),
      status: 400,
      code: 'validation',
      errorPaths: ['unexpected'],
    });
  } else {
    cases.push({
      when: 'the body is a JSON array',
      request: (w) => ({ token: e.caller(w), body: [e.validBody(w)] }),
      status: 400,
      code: 'validation',
      errorPaths: [''],
    });
    cases.push({
      when: 'the body carries an unknown field',
      request: (w) => ({ token: e.caller(w), body: { ...e.validBody(w), unexpected: true } }),
      status: 400,
      code: 'validation',
      errorPaths: ['unexpected'],
    });
  }
  return cases;
}

/** Pads valid JSON with trailing whitespace (still valid JSON) to exactly `bytes`. */
function padTo(json: string, bytes: number): string {
  return json + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(json)));
}

/** Bodies no endpoint can make sense of; none may cause a 5xx or an event. */
const garbageBodies: ReadonlyArray<readonly [string, string]> = [
  ['an empty object', '{}'],
  ['null', 'null'],
  ['a number', '42'],
  ['true', 'true'],
  ['an array of nulls', '[null,null]'],
  ['4,000 nested arrays', `${'['.repeat(4000)}${']'.repeat(4000)}`],
  ['2,500 nested objects', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`],
  ['a truncated unicode escape', '{"x":"\\u12"}'],
  ['a byte order mark then garbage', '\uFEFF{,}'],
  [
    'numbers out of range everywhere',
    '{"amount":-1e400,"seatIds":1e400,"scheduleId":1e400,"reservationId":-0,"title":1e-400}',
  ],
];

describe('command API: bad input is refused with problem+json and appends nothing', () => {
  const world = {} as World;

  before(async function () {
    this.timeout(20_000);
    // Built here, not in the describe body: the per-run DATABASE_URL is set by the global setup, which runs after files load.
    world.cluster = new CommandApiCluster();
    const [instance] = await world.cluster.start(1);
    world.url = instance!.url;
    world.store = new PostgresEventStore({ connectionString: world.cluster.config.DATABASE_URL });
    const suffix = randomUUID().slice(0, 8);
    world.admin = world.cluster.token(`admin-${suffix}`, ['admin']);
    world.owner = world.cluster.token(`owner-${suffix}`);
    world.stranger = world.cluster.token(`stranger-${suffix}`);
    world.system = world.cluster.token(`saga-${suffix}`, ['system']);
    const { concertId, scheduleId } = await givenScheduleViaApi(world.url, world.admin, 4);
    world.concertId = concertId;
    world.scheduleId = scheduleId;
    const pricy = await call<{ scheduleId: string }>(world.url, 'POST', `/admin/concerts/${concertId}/schedules`, {
      token: world.admin,
      body: {
        startsAt: validSchedule.startsAt,
        seats: [
          { seatId: 'P-1', grade: 'VIP', price: Number.MAX_SAFE_INTEGER },
          { seatId: 'P-2', grade: 'VIP', price: Number.MAX_SAFE_INTEGER },
        ],
      },
    });
    expect(pricy.status).to.equal(201);
    world.pricyScheduleId = pricy.body.scheduleId;
    const held = await call<{ reservationId: string }>(world.url, 'POST', '/reservations', {
      token: world.owner,
      body: { scheduleId, seatIds: ['A-1'] },
    });
    expect(held.status).to.equal(201);
    world.reservationId = held.body.reservationId;
  });

  after(async () => {
    await world.cluster?.stop();
    await world.store?.close();
  });

  for (const endpoint of endpoints) {
    describe(endpoint.route, () => {
      for (const refusal of [...commonCases(endpoint), ...endpoint.cases]) {
        const title = `When ${refusal.when}, Then ${refusal.status} ${refusal.code} and no event is appended`;
        it(title, async () => {
          const path = (refusal.path ?? endpoint.path)(world);
          const response = await callCountingEvents(world.store, world.url, 'POST', path, refusal.request(world));
          expect(response.status, `never a 5xx: ${JSON.stringify(response.body)}`).to.be.below(500);
          expectProblem(response, refusal.status, refusal.code);
          expect(response.appended, 'events appended by a refused request').to.equal(0);
          if (refusal.errorPaths) expect(errorPathsOf(response)).to.include.members([...refusal.errorPaths]);
          if (refusal.extra) expect(response.body).to.deep.include(refusal.extra);
          if (refusal.wwwAuthenticate)
            expect(response.headers.get('www-authenticate')).to.equal(refusal.wwwAuthenticate);
        });
      }

      for (const [what, raw] of garbageBodies) {
        it(`When the body is ${what}, Then no 5xx and no event`, async () => {
          const token = (endpoint.harmlessCaller ?? endpoint.caller)(world);
          const response = await callCountingEvents(world.store, world.url, 'POST', endpoint.path(world), {
            token,
            body: raw,
          });
          expect(response.status, JSON.stringify(response.body)).to.be.within(200, 499);
          expect(response.appended).to.equal(0);
          if (response.status >= 400)
            expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
        });
      }
    });
  }

  describe('POST /admin/concerts/:concertId/schedules (the large body limit)', () => {
    const bigMap = {
      startsAt: validSchedule.startsAt,
      seats: Array.from({ length: 5000 }, (_, i) => ({
        seatId: `ROW${Math.floor(i / 100)}-${i % 100}`,
        grade: 'PREMIUM',
        price: 150_000,
      })),
    };

    it('When the seat map has 5,000 seats (over 16 KiB, under 1 MiB), Then 201 and exactly one event', async () => {
      expect(Buffer.byteLength(JSON.stringify(bigMap))).to.be.within(16 * KIB + 1, MIB);
      const response = await callCountingEvents(
        world.store,
        world.url,
        'POST',
        `/admin/concerts/${world.concertId}/schedules`,
        { token: world.admin, body: bigMap },
      );
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body).to.have.keys('scheduleId');
      expect(response.appended).to.equal(1);
    });

    it('When a 1 MiB + 1 byte seat map is sent, Then 413 payload-too-large and no event', async () => {
      const response = await callCountingEvents(
        world.store,
        world.url,
        'POST',
        `/admin/concerts/${world.concertId}/schedules`,
        {
          token: world.admin,
          body: padTo(JSON.stringify(bigMap), MIB + 1),
        },
      );
      expectProblem(response, 413, 'payload-too-large');
      expect(response.appended).to.equal(0);
    });

    it('When a 17 KiB body goes to another route, Then that route keeps the 16 KiB limit', async () => {
      const response = await callCountingEvents(world.store, world.url, 'POST', '/admin/concerts', {
        token: world.admin,
        body: { title: 'x'.repeat(17 * KIB), venue: 'Hall' },
      });
      expectProblem(response, 413, 'payload-too-large');
      expect(response.appended).to.equal(0);
    });

    it('When the 5,000-seat map is posted to the same route spelled /Admin/Concerts/..., Then it is accepted as well', async () => {
      const response = await callCountingEvents(
        world.store,
        world.url,
        'POST',
        `/Admin/Concerts/${world.concertId}/Schedules`,
        { token: world.admin, body: bigMap },
      );
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.appended).to.equal(1);
    });
  });

  describe('refusals that are not errors', () => {
    it('When a route does not exist, Then 404 not-found problem+json', async () => {
      const response = await callCountingEvents(
        world.store,
        world.url,
        'POST',
        `/reservations/${world.reservationId}/refund`,
        { token: world.owner },
      );
      expectProblem(response, 404, 'not-found');
      expect(response.appended).to.equal(0);
    });
  });

  describe('afterwards', () => {
    it('When all of the above has run, Then the fixture reservation is still only held', async () => {
      // Guards the cases above: none of them may have cancelled, paid or expired it by accident.
      const events = await world.store.readStream(`reservation-${world.reservationId}`);
      expect(events.map((e) => e.type)).to.deep.equal(['ReservationHeld']);
    });
  });
});

function errorPathsOf(response: ApiResponse<Record<string, unknown>>): string[] {
  const errors: unknown = response.body.errors;
  expect(errors, 'errors[] of the problem').to.be.an('array');
  return (errors as Array<{ path: unknown }>).map((e) => String(e.path));
}
