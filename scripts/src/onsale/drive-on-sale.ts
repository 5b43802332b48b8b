import { signDevToken, type Config } from '@concert/infra';
import { undecided, type Answer, type HttpRecorder, type Stage } from './http-recorder.js';

export interface OnSaleOptions {
  http: HttpRecorder;
  config: Config;
  concertId: string;
  scheduleId: string;
  /** Front to back: the fans want the first ones most. */
  seatIds: readonly string[];
  fans: number;
  /** Fans arrive spread over this many seconds. */
  arrivalSeconds: number;
  /** Shares of fans who pay and who cancel once they hold; the rest abandon their hold. */
  payShare: number;
  cancelShare: number;
  /** How long an undecided request (network error, 5xx, 429) is retried before the fan gives up. */
  retryForMs: number;
  /** Distinguishes the users of two runs on one system. */
  userPrefix?: string;
}

/** What a fan's payment came to, as the fan saw it. */
export interface FanLedger {
  userId: string;
  /** Sum of the charges answered 201. */
  charged: number;
  /** Charges never answered definitively: the wallet check cannot know them. */
  unknownCharges: number;
  /** Reservations whose payment was answered 201. */
  paid: { reservationId: string; paymentId: string; amount: number; seats: number }[];
  unknownPayments: number;
}

export interface OnSaleState {
  arrived: number;
  waiting: number;
  admitted: number;
  holding: number;
  done: number;
  seatsPaid: number;
  outcomes: Map<string, number>;
}

export interface OnSale {
  state: OnSaleState;
  ledgers: FanLedger[];
  /** Resolves when every fan is done. */
  finished: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const HOLD_ATTEMPTS = 8;

/**
 * N fans arrive in a burst for one concert: each enters the waiting room, polls at the pace the
 * answers ask for (Retry-After, else the estimated wait), holds 1-4 adjacent seats once
 * admitted (front seats wanted most; after two refusals it looks at the seat map), then pays
 * (charges the wallet, then POST /payments, both with an Idempotency-Key), cancels, or
 * abandons the hold so that the expiry saga frees it. A fan who ends without buying (cancelled,
 * found no seat, refused) leaves the waiting room; one who abandons does not. Undecided answers are retried with the
 * same key, as a careful client would.
 */
export function driveOnSale(options: OnSaleOptions): OnSale {
  const { http } = options;
  const state: OnSaleState = {
    arrived: 0,
    waiting: 0,
    admitted: 0,
    holding: 0,
    done: 0,
    seatsPaid: 0,
    outcomes: new Map(),
  };
  const prefix = options.userPrefix ?? 'fan';
  // Signed before the first request: seconds of synchronous signing would stall the load.
  const fans = Array.from({ length: options.fans }, (_, i) => {
    const userId = `${prefix}-${i}`;
    return { userId, token: signDevToken(options.config, { userId, roles: [], expiresInSeconds: 4 * 3600 }) };
  });
  const ledgers: FanLedger[] = fans.map((f) => ({
    userId: f.userId,
    charged: 0,
    unknownCharges: 0,
    paid: [],
    unknownPayments: 0,
  }));
  const outcome = (name: string): void => {
    state.outcomes.set(name, (state.outcomes.get(name) ?? 0) + 1);
  };

  /** Sends until the answer decides something, or `retryForMs` has passed. */
  async function decided(
    stage: Stage,
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer> {
    const giveUpAt = Date.now() + options.retryForMs;
    for (let attempt = 0; ; attempt++) {
      const answer = await http.send(stage, method, path, token, body, headers);
      if (!undecided(answer) || Date.now() > giveUpAt) return answer;
      const backoff = answer.retryAfterS !== undefined ? answer.retryAfterS * 1000 : Math.min(5000, 200 * 2 ** attempt);
      await sleep(backoff * (0.5 + Math.random()));
    }
  }

  /** An admitted session: the queue token and the entry it belongs to. */
  type Session = { token: string; entryId: string };

  async function admission(fan: (typeof fans)[number]): Promise<Session | undefined> {
    for (let entries = 0; entries < 5; entries++) {
      const entered = await decided('enter', 'POST', '/queue/entries', fan.token, { concertId: options.concertId });
      if (entered.status !== 202) return undefined;
      const entryId = String(entered.body.entryId);
      let eta = Number(entered.body.estimatedWaitSeconds ?? 1);
      let retryAfter: number | undefined;
      for (;;) {
        const waitMs =
          retryAfter !== undefined ? retryAfter * 1000 : Math.min(10_000, Math.max(1000, (eta * 1000) / 2));
        await sleep(waitMs * (0.8 + 0.4 * Math.random()));
        const polled = await decided('poll', 'GET', `/queue/entries/${entryId}`, fan.token);
        retryAfter = polled.retryAfterS;
        if (polled.status === 200 && polled.body.status === 'ADMITTED' && typeof polled.body.queueToken === 'string')
          return { token: polled.body.queueToken, entryId };
        if (polled.status === 200 && polled.body.status === 'WAITING') {
          eta = Number(polled.body.estimatedWaitSeconds ?? 1);
          continue;
        }
        // EXPIRED, or the entry is gone (a Redis restart loses the waiting room): queue again.
        break;
      }
    }
    return undefined;
  }

  async function hold(
    fan: (typeof fans)[number],
    session: Session,
  ): Promise<{ reservationId: string; amount: number; seats: number } | string> {
    let requeued = 0;
    for (let attempt = 0; attempt < HOLD_ATTEMPTS; attempt++) {
      let seatIds = skewedPick(options.seatIds);
      if (attempt >= 2) {
        const map = await decided('seats', 'GET', `/schedules/${options.scheduleId}/seats`, fan.token);
        const seats = Array.isArray(map.body.items) ? (map.body.items as { seatId: string; status: string }[]) : [];
        const available = seats.filter((s) => s.status === 'AVAILABLE').map((s) => s.seatId);
        if (available.length === 0) {
          if (map.status === 200 && !seats.some((s) => s.status === 'HELD')) return 'sold-out';
          await sleep(1000 + Math.random() * 2000);
          continue;
        }
        seatIds = skewedPick(available);
      }
      const held = await decided(
        'hold',
        'POST',
        '/reservations',
        fan.token,
        { scheduleId: options.scheduleId, seatIds },
        { 'queue-token': session.token },
      );
      if (held.status === 201)
        return {
          reservationId: String(held.body.reservationId),
          amount: Number(held.body.amount),
          seats: seatIds.length,
        };
      if (held.label.startsWith('401 queue-token') && requeued++ < 2) {
        // The session is gone (a Redis restart loses the waiting room): queue again.
        const again = await admission(fan);
        if (again === undefined) return `hold ${held.label}`;
        Object.assign(session, again);
        continue;
      }
      if (held.label !== '409 seat-unavailable') return `hold ${held.label}`;
    }
    return 'no-seat-after-retries';
  }

  async function fan(index: number): Promise<void> {
    await sleep(Math.random() * options.arrivalSeconds * 1000);
    const f = fans[index]!;
    const ledger = ledgers[index]!;
    state.arrived += 1;
    state.waiting += 1;
    const session = await admission(f);
    state.waiting -= 1;
    if (session === undefined) return outcome('not-admitted');
    state.admitted += 1;
    state.holding += 1;
    // A fan who gives up without buying leaves the queue, as the app's "leave" button or page
    // close would: the slot goes to the next fan now, not at the end of the admission window.
    const leave = async (why: string): Promise<void> => {
      await decided('leave', 'POST', `/queue/entries/${session.entryId}/leave`, f.token);
      outcome(why);
    };
    const held = await hold(f, session);
    state.holding -= 1;
    if (typeof held === 'string') return leave(held);
    await sleep(200 + Math.random() * 1800); // the fan looks at the price
    const choice = Math.random();
    if (choice < options.payShare) {
      const charge = await decided(
        'charge',
        'POST',
        '/wallet/charges',
        f.token,
        { amount: held.amount },
        { 'idempotency-key': `charge-${held.reservationId}` },
      );
      if (charge.status === 201) ledger.charged += held.amount;
      else if (undecided(charge)) ledger.unknownCharges += 1;
      if (charge.status !== 201) return leave(`charge ${charge.label}`);
      // A new key after a 401: that attempt provably never ran.
      const pay = (key: string): Promise<Answer> =>
        decided(
          'pay',
          'POST',
          '/payments',
          f.token,
          { reservationId: held.reservationId },
          { 'idempotency-key': key, 'queue-token': session.token },
        );
      let paid = await pay(`pay-${held.reservationId}`);
      if (paid.label.startsWith('401 queue-token')) {
        const again = await admission(f);
        if (again !== undefined) {
          Object.assign(session, again);
          paid = await pay(`pay-${held.reservationId}-requeued`);
        }
      }
      if (paid.status === 201) {
        ledger.paid.push({
          reservationId: held.reservationId,
          paymentId: String(paid.body.paymentId),
          amount: held.amount,
          seats: held.seats,
        });
        state.seatsPaid += held.seats;
        return outcome('paid');
      }
      if (undecided(paid)) ledger.unknownPayments += 1;
      return leave(`pay ${paid.label}`);
    }
    if (choice < options.payShare + options.cancelShare) {
      const cancelled = await decided('cancel', 'POST', `/reservations/${held.reservationId}/cancel`, f.token);
      return leave(cancelled.status === 200 ? 'cancelled' : `cancel ${cancelled.label}`);
    }
    // Walks away: the hold expires (the saga) and the slot at the end of the admission window.
    return outcome('abandoned');
  }

  const finished = Promise.all(
    fans.map((_, i) =>
      fan(i)
        .catch((error: unknown) => outcome(`error ${(error as Error).message}`))
        .finally(() => {
          state.done += 1;
        }),
    ),
  ).then(() => undefined);
  return { state, ledgers, finished };
}

/** One to four adjacent seats; the seat index ~ n * u^3, so the front is wanted most. */
export function skewedPick(seatIds: readonly string[]): string[] {
  const first = Math.floor(seatIds.length * Math.random() ** 3);
  const r = Math.random();
  const count = r < 0.45 ? 1 : r < 0.8 ? 2 : r < 0.93 ? 3 : 4;
  return [...new Set(Array.from({ length: count }, (_, i) => seatIds[Math.min(seatIds.length - 1, first + i)]!))];
}
