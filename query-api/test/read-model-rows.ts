import { randomUUID } from 'node:crypto';
import { formatPosition, parsePosition, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';

/** Read-model rows written straight into the tables, as the projectors would write them. */

export async function givenConcert(
  db: Knex,
  fields: { title?: string; venue?: string; createdAt?: Date } = {},
): Promise<string> {
  const concertId = randomUUID();
  await db('rm_concerts').insert({
    concert_id: concertId,
    title: fields.title ?? 'A concert',
    venue: fields.venue ?? 'A hall',
    created_at: fields.createdAt ?? new Date(),
  });
  return concertId;
}

export async function givenSchedule(
  db: Knex,
  concertId: string,
  fields: { startsAt: string; totalSeats?: number; availableSeats?: number },
): Promise<string> {
  const scheduleId = randomUUID();
  const totalSeats = fields.totalSeats ?? 10;
  await db('rm_schedules').insert({
    schedule_id: scheduleId,
    concert_id: concertId,
    starts_at: fields.startsAt,
    total_seats: totalSeats,
    available_seats: fields.availableSeats ?? totalSeats,
  });
  return scheduleId;
}

export async function givenSeats(
  db: Knex,
  scheduleId: string,
  seats: readonly { seatId: string; grade?: string; price?: number; status?: 'AVAILABLE' | 'HELD' | 'SOLD' }[],
): Promise<void> {
  await db('rm_seats').insert(
    seats.map((seat) => ({
      schedule_id: scheduleId,
      seat_id: seat.seatId,
      grade: seat.grade ?? 'R',
      price: seat.price ?? 100,
      status: seat.status ?? 'AVAILABLE',
    })),
  );
}

export interface ReservationFields {
  userId: string;
  scheduleId?: string;
  status?: 'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
  seatIds?: string[];
  amount?: number;
  expiresAt?: Date | null;
  paymentId?: string | null;
  createdAt?: Date | string;
}

export async function givenReservation(db: Knex, fields: ReservationFields): Promise<string> {
  const reservationId = randomUUID();
  const createdAt = fields.createdAt ?? new Date();
  await db('rm_reservations').insert({
    reservation_id: reservationId,
    user_id: fields.userId,
    schedule_id: fields.scheduleId ?? randomUUID(),
    seat_ids: fields.seatIds ?? ['A-1'],
    amount: fields.amount ?? 100,
    status: fields.status ?? 'HELD',
    expires_at: fields.expiresAt === undefined ? new Date('2030-01-01T00:05:00.000Z') : fields.expiresAt,
    payment_id: fields.paymentId ?? null,
    created_at: createdAt,
    updated_at: createdAt,
  });
  return reservationId;
}

export async function givenPayment(
  db: Knex,
  fields: {
    userId: string;
    reservationId: string;
    amount: number;
    status?: 'REQUESTED' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
  },
): Promise<string> {
  const paymentId = randomUUID();
  await db('rm_payments').insert({
    payment_id: paymentId,
    reservation_id: fields.reservationId,
    user_id: fields.userId,
    amount: fields.amount,
    status: fields.status ?? 'COMPLETED',
    requested_at: new Date(),
    updated_at: new Date(),
  });
  return paymentId;
}

export async function givenWallet(db: Knex, userId: string, balance: number): Promise<void> {
  await db('rm_wallets').insert({ user_id: userId, balance, updated_at: new Date() });
}

export async function setCheckpoint(db: Knex, projection: string, position: GlobalPosition): Promise<void> {
  await db('projection_checkpoints')
    .insert({ projection, commit_position: position.commit.toString(), prepare_position: position.prepare.toString() })
    .onConflict('projection')
    .merge(['commit_position', 'prepare_position']);
}

export async function checkpointOf(db: Knex, projection: string): Promise<GlobalPosition | undefined> {
  const row = await db('projection_checkpoints')
    .first<{ position: string } | undefined>(
      db.raw("commit_position::text || '.' || prepare_position::text AS position"),
    )
    .where({ projection });
  return row === undefined ? undefined : parsePosition(row.position);
}

/**
 * The run's database is shared with other packages' specs (projectors resume from these
 * rows), so checkpoints moved by a spec are put back as they were afterwards.
 */
export async function withCheckpointsRestored(db: Knex, projections: readonly string[]): Promise<() => Promise<void>> {
  const saved = new Map<string, GlobalPosition | undefined>();
  for (const projection of projections) saved.set(projection, await checkpointOf(db, projection));
  return async () => {
    for (const [projection, position] of saved) {
      if (position === undefined) await db('projection_checkpoints').where({ projection }).delete();
      else await setCheckpoint(db, projection, position);
    }
  };
}

/** A position `ahead` commits past the current checkpoint (or the start), as a token string too. */
export async function positionAhead(
  db: Knex,
  projection: string,
  ahead: number,
): Promise<{ position: GlobalPosition; token: string }> {
  const current = (await checkpointOf(db, projection)) ?? { commit: 0n, prepare: 0n };
  const position = { commit: current.commit + BigInt(ahead), prepare: 1n };
  return { position, token: formatPosition(position) };
}
