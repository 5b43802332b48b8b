import { expect } from 'chai';
import type { Knex } from 'knex';
import { walletsProjection, type WalletRow } from '../../src/projections/wallets.js';
import { openDatabase } from './database.js';
import { events, newId } from './fixtures.js';
import { project } from './given-events.js';

describe('wallets projection', () => {
  let db: Knex;
  before(() => {
    db = openDatabase();
  });
  after(async () => {
    await db.destroy();
  });

  const rowOf = async (userId: string): Promise<WalletRow | undefined> =>
    db<WalletRow>('rm_wallets').where({ user_id: userId }).first();

  it('Given charges, a debit and its refund, When projected, Then the balance is their sum, as of the last event', async () => {
    const userId = `user-${newId()}`;
    const paymentId = newId();
    await project(db, walletsProjection, [
      events.walletCharged(userId, 100_000, '2026-03-01T09:00:00.000Z'),
      events.walletCharged(userId, 50_000, '2026-03-01T09:10:00.000Z'),
      events.walletDebited(userId, paymentId, 120_000, '2026-03-01T10:00:00.000Z'),
    ]);
    expect(await rowOf(userId)).to.deep.include({ balance: '30000' });
    await project(db, walletsProjection, [
      {
        event: events.walletCredited(userId, paymentId, 120_000, '2026-03-01T10:01:00.000Z'),
        at: '2026-03-01T10:01:00.000Z',
      },
    ]);
    expect(await rowOf(userId)).to.deep.equal({
      user_id: userId,
      balance: '150000',
      updated_at: new Date('2026-03-01T10:01:00.000Z'),
    });
  });

  it('Given another user, When projected, Then each wallet has its own balance', async () => {
    const alice = `user-${newId()}`;
    const bob = `user-${newId()}`;
    await project(db, walletsProjection, [
      events.walletCharged(alice, 10_000, '2026-03-01T09:00:00.000Z'),
      events.walletCharged(bob, 7_000, '2026-03-01T09:00:00.000Z'),
    ]);
    expect((await rowOf(alice))?.balance).to.equal('10000');
    expect((await rowOf(bob))?.balance).to.equal('7000');
  });
});
