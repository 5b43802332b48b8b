import { walletStreamCategory } from '@concert/domain';
import { PROJECTION_NAMES, type Projection } from '@concert/infra';
import { eventTime } from './event-time.js';
import { applyWalletsBatch } from './wallets-batch.js';

export interface WalletRow {
  user_id: string;
  balance: number | string;
  updated_at: Date;
}

/** Wallet balances (GET /me/wallet): a running sum of charges and refunds minus debits. */
export const walletsProjection: Projection = {
  name: PROJECTION_NAMES.wallets,
  version: 1,
  categories: [walletStreamCategory],
  handles: ['WalletCharged', 'WalletDebited', 'WalletCredited'],
  tables: ['rm_wallets'],
  applyBatch: applyWalletsBatch,

  async apply(trx, { recorded, event }) {
    let delta: number;
    switch (event.type) {
      case 'WalletCharged':
      case 'WalletCredited':
        delta = event.data.amount;
        break;
      case 'WalletDebited':
        delta = -event.data.amount;
        break;
      default:
        return;
    }
    const row: WalletRow = { user_id: event.data.userId, balance: delta, updated_at: eventTime(recorded) };
    // The first event of a wallet creates its row; later ones add to it in the same statement.
    await trx<WalletRow>('rm_wallets')
      .insert(row)
      .onConflict('user_id')
      .merge({ balance: trx.raw('rm_wallets.balance + excluded.balance'), updated_at: trx.raw('excluded.updated_at') });
  },
};
