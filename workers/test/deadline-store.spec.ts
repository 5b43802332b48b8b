import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import {
  deadlineId,
  reservationDeadline,
  seatDeadline,
  type DeadlineChange,
  type DeadlineKey,
  type DueDeadline,
} from '../src/deadlines/deadline.js';
import { claimDue, postponeDeadlines, recordChanges, settleDeadlines } from '../src/deadlines/deadline-store.js';

describe('hold deadlines table: recording and claiming (real PostgreSQL)', () => {
  let knex: Knex;
  const reservations: string[] = [];

  before(() => {
    knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 4 } });
  });
  afterEach(async () => {
    await knex('hold_deadlines').whereIn('reservation_id', reservations.splice(0)).delete();
  });
  after(async () => {
    await knex.destroy();
  });

  function newReservation(): string {
    const id = randomUUID();
    reservations.push(id);
    return id;
  }
  const set = (key: DeadlineKey, dueAt: Date): DeadlineChange => ({
    type: 'set',
    key,
    dueAt,
    sourceEventId: randomUUID(),
    correlationId: 'c',
  });
  const settle = (key: DeadlineKey): DeadlineChange => ({ type: 'settle', key, settledBy: randomUUID() });
  async function openDeadlines(): Promise<string[]> {
    const rows: Array<{ kind: 'reservation' | 'seat'; reservation_id: string; schedule_id: string; seat_id: string }> =
      await knex('hold_deadlines').whereIn('reservation_id', reservations).whereNull('settled_at');
    return rows
      .map((r) =>
        deadlineId({ kind: r.kind, reservationId: r.reservation_id, scheduleId: r.schedule_id, seatId: r.seat_id }),
      )
      .sort();
  }

  it('When a hold is delivered twice, Then one deadline is recorded; when its end comes first, Then the late hold leaves no deadline', async () => {
    const past = new Date(Date.now() - 1000);
    const redelivered = reservationDeadline(newReservation());
    const endedFirst = seatDeadline(newReservation(), 's-1', 'A-1');
    const sameBatch = reservationDeadline(newReservation());
    await recordChanges(knex, [set(redelivered, past), settle(endedFirst), set(sameBatch, past), settle(sameBatch)]);
    await recordChanges(knex, [set(redelivered, past), set(endedFirst, past)]);
    expect(await openDeadlines()).to.deep.equal([deadlineId(redelivered)]);

    // A later hold of the same seat by another reservation is another deadline.
    const rehold = seatDeadline(newReservation(), 's-1', 'A-1');
    await recordChanges(knex, [set(rehold, past)]);
    expect(await openDeadlines()).to.deep.equal([deadlineId(redelivered), deadlineId(rehold)].sort());
  });

  it('When two timers claim, Then they get disjoint leased deadlines; settled, postponed and future ones are not claimed, and unfinished ones come due again when their lease ends', async () => {
    const now = new Date();
    const lease = 30_000;
    const due = Array.from({ length: 8 }, () => reservationDeadline(newReservation()));
    const future = reservationDeadline(newReservation());
    const settled = reservationDeadline(newReservation());
    await recordChanges(knex, [
      ...due.map((key, i) => set(key, new Date(now.getTime() - 1000 + i))),
      set(future, new Date(now.getTime() + 60_000)),
      set(settled, new Date(now.getTime() - 5000)),
      settle(settled),
    ]);

    const mine = (claimed: DueDeadline[]): string[] =>
      claimed.filter((d) => reservations.includes(d.reservationId)).map(deadlineId);
    const a = await claimDue(knex, now, 5, lease);
    const b = await claimDue(knex, now, 5, lease);
    expect(mine(a)).to.deep.equal(due.slice(0, 5).map(deadlineId), 'earliest first');
    expect(mine(b)).to.deep.equal(due.slice(5).map(deadlineId), 'the rest, skipping the leased rows');
    const first = a;
    expect(mine(await claimDue(knex, now, 100, lease)), 'leased: not claimed again').to.deep.equal([]);
    await settleDeadlines(knex, [{ key: first[0]!, settledBy: 'timer:expired' }]);
    await postponeDeadlines(knex, [{ key: first[1]!, error: 'boom', retryAt: new Date(now.getTime() + 60_000) }]);

    const afterLease = new Date(now.getTime() + lease + 1);
    const again = mine(await claimDue(knex, afterLease, 100, lease));
    const expected = due
      .filter((d) => ![first[0], first[1]].map((x) => deadlineId(x!)).includes(deadlineId(d)))
      .map(deadlineId);
    expect(again).to.deep.equal(expected);
    const postponed: { attempts: number; last_error: string } = await knex('hold_deadlines')
      .where('reservation_id', first[1]!.reservationId)
      .first();
    expect(postponed).to.include({ attempts: 1, last_error: 'boom' });
  });

  it('When a seat deadline is due while its reservation deadline is open, Then it waits; once that is settled, or when there is none, it is claimed', async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 1000);
    const reservationId = newReservation();
    const seat = seatDeadline(reservationId, 's-1', 'A-1');
    const orphan = seatDeadline(newReservation(), 's-1', 'A-2');
    await recordChanges(knex, [
      set(reservationDeadline(reservationId), new Date(now.getTime() + 60_000)),
      set(seat, past),
      set(orphan, past),
    ]);
    // Leases of 0 s: every claim sees what is due, as if each lease had ended.
    const claimMine = async (): Promise<string[]> =>
      (await claimDue(knex, now, 100, 0)).filter((d) => reservations.includes(d.reservationId)).map(deadlineId);

    expect(await claimMine()).to.deep.equal([deadlineId(orphan)]);
    await recordChanges(knex, [settle(reservationDeadline(reservationId))]);
    expect((await claimMine()).sort()).to.deep.equal([deadlineId(orphan), deadlineId(seat)].sort());
  });

  it('When a reservation deadline is claimed, Then it comes with the seats of its seat deadlines (none when it has none), so its expiry reads them with the reservation', async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 1000);
    const withSeats = newReservation();
    const withoutSeats = newReservation();
    await recordChanges(knex, [
      set(reservationDeadline(withSeats), past),
      set(seatDeadline(withSeats, 's-1', 'A-1'), now),
      set(seatDeadline(withSeats, 's-1', 'A-2'), now),
      set(seatDeadline(newReservation(), 's-1', 'A-3'), now),
      set(reservationDeadline(withoutSeats), past),
    ]);

    const claimed = (await claimDue(knex, now, 100, 0)).filter((d) => d.kind === 'reservation');
    const seatsOf = (reservationId: string) =>
      claimed
        .find((d) => d.reservationId === reservationId)
        ?.knownSeats?.map((s) => `${s.scheduleId}/${s.seatId}`)
        .sort();

    expect(seatsOf(withSeats)).to.deep.equal(['s-1/A-1', 's-1/A-2']);
    expect(seatsOf(withoutSeats)).to.equal(undefined);
  });

  it("When the timer settles an expired reservation with its seats, Then every seat deadline of that reservation is settled and no other reservation's", async () => {
    const now = new Date();
    const past = new Date(now.getTime() - 1000);
    const expired = newReservation();
    const other = newReservation();
    const seats = [seatDeadline(expired, 's-1', 'A-1'), seatDeadline(expired, 's-1', 'A-2')];
    const otherSeat = seatDeadline(other, 's-1', 'A-3');
    await recordChanges(knex, [
      set(reservationDeadline(expired), past),
      ...seats.map((key) => set(key, past)),
      set(otherSeat, past),
    ]);

    await settleDeadlines(
      knex,
      [{ key: reservationDeadline(expired), settledBy: 'timer:expired' }],
      [{ reservationId: expired, settledBy: 'timer:expired' }],
    );

    expect(await openDeadlines()).to.deep.equal([deadlineId(otherSeat)]);
    const claimed = (await claimDue(knex, now, 100, 0)).filter((d) => reservations.includes(d.reservationId));
    expect(claimed.map(deadlineId)).to.deep.equal([deadlineId(otherSeat)]);
  });
});
