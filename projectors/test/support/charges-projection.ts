import type { Projection } from '@concert/infra';
import type { Knex } from 'knex';

export interface ChargeRow {
  user_id: string;
  total: string;
  applied: number;
  charges: string[];
}

/**
 * A read model made for these tests: per user, the sum of charges, how many times an event was
 * applied, and the charge ids in the order applied. It is deliberately NOT idempotent (a
 * replayed event counts twice) and records order, so duplicates and reordering show.
 * It throws for charge ids starting with `poison`.
 */
export function chargesProjection(name: string, table: string): Projection {
  return {
    name,
    version: 1,
    handles: ['WalletCharged'],
    tables: [table],
    async apply(trx, { event }) {
      if (event.type !== 'WalletCharged') return;
      if (event.data.chargeId.startsWith('poison')) throw new Error(`cannot apply ${event.data.chargeId}`);
      await trx(table)
        .insert({ user_id: event.data.userId, total: event.data.amount, applied: 1, charges: [event.data.chargeId] })
        .onConflict('user_id')
        .merge({
          total: trx.raw(`${table}.total + excluded.total`),
          applied: trx.raw(`${table}.applied + 1`),
          charges: trx.raw(`${table}.charges || excluded.charges`),
        });
      return [`test:${name}:user:${event.data.userId}`];
    },
  };
}

export async function createChargesTable(knex: Knex, table: string): Promise<void> {
  await knex.raw(
    `CREATE TABLE ${table} (user_id text PRIMARY KEY, total bigint NOT NULL, applied integer NOT NULL, charges text[] NOT NULL)`,
  );
}

export async function readCharges(knex: Knex, table: string): Promise<ChargeRow[]> {
  return knex<ChargeRow>(table).select('user_id', 'total', 'applied', 'charges').orderBy('user_id');
}
