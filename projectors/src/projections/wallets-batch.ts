import type { ProjectedEvent } from '@concert/infra';
import type { Knex } from 'knex';
import { eventTime } from './event-time.js';
import { RowBatch } from './row-batch.js';
import type { WalletRow } from './wallets.js';

/** The wallets projection's bulk form: the running sums of wallets.ts, one upsert. */
export async function applyWalletsBatch(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void> {
  const rows = new RowBatch<WalletRow>({
    table: 'rm_wallets',
    key: ['user_id'],
    columns: ['user_id', 'balance', 'updated_at'],
  });
  await rows.load(
    trx,
    events.flatMap(({ event }) => ('userId' in event.data ? [{ user_id: event.data.userId }] : [])),
  );
  for (const { recorded, event } of events) {
    let delta: bigint;
    switch (event.type) {
      case 'WalletCharged':
      case 'WalletCredited':
        delta = BigInt(event.data.amount);
        break;
      case 'WalletDebited':
        delta = -BigInt(event.data.amount);
        break;
      default:
        continue;
    }
    const key = { user_id: event.data.userId };
    const row = rows.get(key);
    const balance = (row ? BigInt(row.balance) : 0n) + delta;
    rows.set({ ...key, balance: balance.toString(), updated_at: eventTime(recorded) });
  }
  await rows.flush(trx);
}
