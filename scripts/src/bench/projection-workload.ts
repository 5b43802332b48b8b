/**
 * The event mix of `npm run bench:projections`: concerts with schedules and seat maps, then
 * reservation lifecycles as the command API and workers write them (holds, payments, expiries,
 * cancellations, wallet charges), each append with the expected revision a real handler would
 * use. Every event is checked against the domain registry when made, so projectors never park one.
 */
import { randomUUID } from 'node:crypto';
import {
  concertStreamId,
  currentSchemaVersion,
  parseEvent,
  paymentStreamId,
  reservationStreamId,
  scheduleStreamId,
  seatStreamId,
  walletStreamId,
  type DomainEventOfType,
  type DomainEventType,
  type ScheduleSeat,
} from '@concert/domain';
import type { ExpectedRevision, NewEvent, StreamWrite } from '@concert/infra';

/** One append: a single stream, or several in one transaction (a hold). */
export interface Op {
  writes: StreamWrite[];
  events: number;
  /** Id of the op's last event in feed order (the relay publishes it last). */
  lastEventId: string;
}

export type LifecycleKind = 'paid' | 'expired' | 'cancelled' | 'payment-failed' | 'held' | 'charge';

/** What one user does to one reservation (or a wallet top-up): appends to run in order. */
export interface Lifecycle {
  kind: LifecycleKind;
  ops: Op[];
  events: number;
  /** Call once every op is appended: seats released by this lifecycle go back on sale. */
  done(): void;
}

export interface WorkloadOptions {
  schedules: number;
  seatsPerSchedule: number;
  schedulesPerConcert: number;
  users: number;
}

interface ScheduleSeats {
  scheduleId: string;
  prices: Map<string, number>;
  available: string[];
}

interface Context {
  correlationId: string;
  userId?: string;
}

/** Share of each lifecycle; the rest of a budget too small for them is wallet top-ups. */
const MIX: readonly (readonly [LifecycleKind, number])[] = [
  ['paid', 0.55],
  ['expired', 0.2],
  ['cancelled', 0.1],
  ['payment-failed', 0.05],
  ['held', 0.05],
  ['charge', 0.05],
];
const WALLET_CHARGE = 10_000_000;
const HOLD_MS = 300_000;

export class Workload {
  /** Event counts by type, of everything made so far. */
  readonly counts = new Map<string, number>();
  private readonly revisions = new Map<string, bigint>();
  private readonly schedules: ScheduleSeats[] = [];
  private readonly charged = new Set<string>();
  private readonly setupOps: Op[] = [];

  constructor(private readonly options: WorkloadOptions) {
    const concerts = Math.ceil(options.schedules / options.schedulesPerConcert);
    for (let c = 0; c < concerts; c++) {
      const concertId = `bench-concert-${c + 1}`;
      const ctx: Context = { correlationId: randomUUID(), userId: 'bench-admin' };
      this.setupOps.push(
        this.op([
          this.write(concertStreamId(concertId), [
            this.event(ctx, 'ConcertCreated', { concertId, title: `Bench tour ${c + 1}`, venue: 'Olympic Hall' }),
            this.event(ctx, 'SalesOpened', { concertId, openedAt: new Date().toISOString() }),
          ]),
        ]),
      );
      for (let s = 0; s < options.schedulesPerConcert && this.schedules.length < options.schedules; s++) {
        const scheduleId = `bench-schedule-${this.schedules.length + 1}`;
        const seats = seatMap(options.seatsPerSchedule);
        const startsAt = new Date(Date.UTC(2027, 4, 1 + this.schedules.length, 19)).toISOString();
        this.setupOps.push(
          this.op([
            this.write(scheduleStreamId(scheduleId), [
              this.event(ctx, 'ScheduleAdded', { concertId, scheduleId, startsAt, seats }),
            ]),
          ]),
        );
        this.schedules.push({
          scheduleId,
          prices: new Map(seats.map((seat) => [seat.seatId, seat.price])),
          available: seats.map((seat) => seat.seatId),
        });
      }
    }
  }

  /** Concerts and schedules: append these first, in order. */
  setup(): readonly Op[] {
    return this.setupOps;
  }

  get setupEvents(): number {
    return this.setupOps.reduce((n, op) => n + op.events, 0);
  }

  /** A random lifecycle of at most `maxEvents` events (>= 1). */
  next(maxEvents: number): Lifecycle {
    if (maxEvents < 1) throw new RangeError('next: no events left');
    const userId = `user-${Math.floor(Math.random() * this.options.users) + 1}`;
    const seatCount = pickSeatCount();
    const kind = pickKind();
    const charge = kind === 'paid' && !this.charged.has(userId) ? 1 : 0;
    const size = charge + sizeOf(kind, seatCount);
    if (kind === 'charge' || size > maxEvents) return this.walletCharge(userId);
    const taken = this.takeSeats(seatCount);
    if (!taken) return this.walletCharge(userId);
    return this.reservation(kind, userId, taken.schedule, taken.seatIds, charge === 1);
  }

  private reservation(
    kind: LifecycleKind,
    userId: string,
    schedule: ScheduleSeats,
    seatIds: string[],
    charge: boolean,
  ): Lifecycle {
    const ctx: Context = { correlationId: randomUUID(), userId };
    const { scheduleId } = schedule;
    const reservationId = randomUUID();
    const paymentId = randomUUID();
    const amount = seatIds.reduce((sum, seatId) => sum + (schedule.prices.get(seatId) ?? 0), 0);
    const now = (): string => new Date().toISOString();
    const expiresAt = new Date(Date.now() + HOLD_MS).toISOString();
    const reservationStream = reservationStreamId(reservationId);
    const paymentStream = paymentStreamId(reservationId);
    const ops: Op[] = [];
    if (charge) ops.push(this.chargeOp(ctx, userId));

    // The atomic hold: every seat and the reservation in one transaction.
    ops.push(
      this.op([
        ...seatIds.map((seatId) =>
          this.write(seatStreamId(scheduleId, seatId), [
            this.event(ctx, 'SeatHeld', { scheduleId, seatId, reservationId, holdExpiresAt: expiresAt }),
          ]),
        ),
        this.write(reservationStream, [
          this.event(ctx, 'ReservationHeld', { reservationId, userId, scheduleId, seatIds, amount, expiresAt }),
        ]),
      ]),
    );
    const release = (reason: 'expired' | 'cancelled'): void => {
      for (const seatId of seatIds) {
        ops.push(
          this.op([
            this.write(seatStreamId(scheduleId, seatId), [
              this.event(ctx, 'SeatReleased', { scheduleId, seatId, reservationId, reason }),
            ]),
          ]),
        );
      }
    };
    switch (kind) {
      case 'paid':
        ops.push(
          this.op([
            this.write(paymentStream, [
              this.event(ctx, 'PaymentRequested', { reservationId, paymentId, userId, amount, requestedAt: now() }),
            ]),
          ]),
        );
        ops.push(
          this.op([
            this.write(
              walletStreamId(userId),
              [this.event(ctx, 'WalletDebited', { userId, paymentId, amount, debitedAt: now() })],
              'any',
            ),
          ]),
        );
        ops.push(
          this.op([
            this.write(reservationStream, [
              this.event(ctx, 'ReservationConfirmed', {
                reservationId,
                paymentId,
                scheduleId,
                seatIds,
                amount,
                confirmedAt: now(),
              }),
            ]),
          ]),
        );
        for (const seatId of seatIds) {
          ops.push(
            this.op([
              this.write(seatStreamId(scheduleId, seatId), [
                this.event(ctx, 'SeatSold', { scheduleId, seatId, reservationId, paymentId }),
              ]),
            ]),
          );
        }
        ops.push(
          this.op([
            this.write(paymentStream, [
              this.event(ctx, 'PaymentCompleted', { reservationId, paymentId, completedAt: now() }),
            ]),
          ]),
        );
        break;
      case 'payment-failed':
        ops.push(
          this.op([
            this.write(paymentStream, [
              this.event(ctx, 'PaymentRequested', { reservationId, paymentId, userId, amount, requestedAt: now() }),
            ]),
          ]),
        );
        ops.push(
          this.op([
            this.write(paymentStream, [
              this.event(ctx, 'PaymentFailed', {
                reservationId,
                paymentId,
                reason: 'insufficient-funds',
                failedAt: now(),
              }),
            ]),
          ]),
        );
        ops.push(
          this.op([
            this.write(reservationStream, [
              this.event(ctx, 'ReservationExpired', { reservationId, scheduleId, seatIds, expiredAt: now() }),
            ]),
          ]),
        );
        release('expired');
        break;
      case 'expired':
        ops.push(
          this.op([
            this.write(reservationStream, [
              this.event(ctx, 'ReservationExpired', { reservationId, scheduleId, seatIds, expiredAt: now() }),
            ]),
          ]),
        );
        release('expired');
        break;
      case 'cancelled':
        ops.push(
          this.op([
            this.write(reservationStream, [
              this.event(ctx, 'ReservationCancelled', {
                reservationId,
                userId,
                scheduleId,
                seatIds,
                cancelledAt: now(),
              }),
            ]),
          ]),
        );
        release('cancelled');
        break;
      case 'held':
      case 'charge':
        break;
    }
    const freesSeats = kind === 'expired' || kind === 'cancelled' || kind === 'payment-failed';
    let finished = false;
    return {
      kind,
      ops,
      events: ops.reduce((n, op) => n + op.events, 0),
      done: () => {
        if (finished) return;
        finished = true;
        if (freesSeats) schedule.available.push(...seatIds);
      },
    };
  }

  private walletCharge(userId: string): Lifecycle {
    const ops = [this.chargeOp({ correlationId: randomUUID(), userId }, userId)];
    return { kind: 'charge', ops, events: 1, done: () => undefined };
  }

  private chargeOp(ctx: Context, userId: string): Op {
    this.charged.add(userId);
    return this.op([
      this.write(
        walletStreamId(userId),
        [
          this.event(ctx, 'WalletCharged', {
            userId,
            chargeId: randomUUID(),
            amount: WALLET_CHARGE,
            chargedAt: new Date().toISOString(),
          }),
        ],
        'any',
      ),
    ]);
  }

  /** `count` adjacent free seats (in sale order) of a random schedule that still has them. */
  private takeSeats(count: number): { schedule: ScheduleSeats; seatIds: string[] } | undefined {
    const open = this.schedules.filter((s) => s.available.length >= count);
    const schedule = open[Math.floor(Math.random() * open.length)];
    if (!schedule) return undefined;
    // Front seats go first: start near the head of what is left.
    const start = Math.floor((schedule.available.length - count + 1) * Math.random() ** 2);
    const seatIds = schedule.available.splice(start, count).sort();
    return { schedule, seatIds };
  }

  private op(writes: StreamWrite[]): Op {
    const last = writes.at(-1)?.events.at(-1)?.id;
    if (last === undefined) throw new Error('op without events');
    return { writes, events: writes.reduce((n, w) => n + w.events.length, 0), lastEventId: last };
  }

  /**
   * A stream write with the revision a handler would expect. Seat, reservation and payment
   * streams belong to one lifecycle at a time, so their revision is known here; wallets are
   * shared by a user's concurrent lifecycles and appended with `any` (as retries would settle).
   */
  private write(streamId: string, events: NewEvent[], expected?: 'any'): StreamWrite {
    if (expected === 'any') return { streamId, events, expectedRevision: 'any' };
    const last = this.revisions.get(streamId);
    const expectedRevision: ExpectedRevision = last ?? 'no-stream';
    this.revisions.set(streamId, (last ?? -1n) + BigInt(events.length));
    return { streamId, events, expectedRevision };
  }

  private event<T extends DomainEventType>(ctx: Context, type: T, data: DomainEventOfType<T>['data']): NewEvent {
    const schemaVersion = currentSchemaVersion(type);
    // Throws on anything the registry would not read back: such an event would be parked.
    parseEvent(type, schemaVersion, data);
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    return {
      id: randomUUID(),
      type,
      data,
      metadata: {
        correlationId: ctx.correlationId,
        causationId: ctx.correlationId,
        occurredAt: new Date().toISOString(),
        schemaVersion,
        ...(ctx.userId === undefined ? {} : { userId: ctx.userId }),
      },
    };
  }
}

/** Events of a lifecycle without its wallet charge. */
function sizeOf(kind: LifecycleKind, seats: number): number {
  const hold = seats + 1;
  switch (kind) {
    case 'paid':
      return hold + 3 + seats + 1;
    case 'expired':
    case 'cancelled':
      return hold + 1 + seats;
    case 'payment-failed':
      return hold + 3 + seats;
    case 'held':
      return hold;
    case 'charge':
      return 1;
  }
}

function pickKind(): LifecycleKind {
  let r = Math.random();
  for (const [kind, share] of MIX) {
    if (r < share) return kind;
    r -= share;
  }
  return 'paid';
}

/** Mostly one or two seats, at most four (MAX_SEATS_PER_RESERVATION). */
function pickSeatCount(): number {
  const r = Math.random();
  return r < 0.45 ? 1 : r < 0.85 ? 2 : r < 0.95 ? 3 : 4;
}

/** Rows of 50 (`R1-1` ...), priced by grade: VIP rows 1-5, R rows 6-20, S behind. */
function seatMap(count: number): ScheduleSeat[] {
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / 50) + 1;
    const grade = row <= 5 ? 'VIP' : row <= 20 ? 'R' : 'S';
    const price = grade === 'VIP' ? 150_000 : grade === 'R' ? 110_000 : 80_000;
    return { seatId: `R${row}-${(i % 50) + 1}`, grade, price };
  });
}
