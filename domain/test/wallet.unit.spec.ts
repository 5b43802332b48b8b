import { expect } from 'chai';
import {
  InsufficientFundsError,
  ValidationError,
  walletDecider,
  walletStreamId,
  type WalletEvent,
} from '../src/index.js';
import { spec } from './decider-specification.js';

const userId = 'user-1';
const now = new Date('2030-01-01T10:00:00.000Z');
const at = now.toISOString();
const maxAmount = 1_000_000;

const given = spec(walletDecider).given;

const charge = (chargeId: string, amount: number, max = maxAmount) =>
  ({ type: 'ChargeWallet', data: { userId, chargeId, amount, maxAmount: max, now } }) as const;
const debit = (paymentId: string, amount: number) =>
  ({ type: 'DebitWallet', data: { userId, paymentId, amount, now } }) as const;
const credit = (paymentId: string, amount: number) =>
  ({ type: 'CreditWallet', data: { userId, paymentId, amount, now } }) as const;

const charged = (chargeId: string, amount: number): WalletEvent => ({
  type: 'WalletCharged',
  data: { userId, chargeId, amount, chargedAt: at },
});
const debited = (paymentId: string, amount: number): WalletEvent => ({
  type: 'WalletDebited',
  data: { userId, paymentId, amount, debitedAt: at },
});
const credited = (paymentId: string, amount: number): WalletEvent => ({
  type: 'WalletCredited',
  data: { userId, paymentId, amount, creditedAt: at },
});

describe('Wallet', () => {
  it('When naming a wallet stream, then it is the wallet category and the user id', () => {
    expect(walletStreamId('user-1')).to.equal('wallet-user-1');
  });

  describe('ChargeWallet', () => {
    it('When a positive amount within the limit is charged, then the wallet is charged', () => {
      given([])
        .when(charge('c1', 50_000))
        .then([charged('c1', 50_000)]);
    });

    it('When exactly the limit is charged, then the wallet is charged', () => {
      given([])
        .when(charge('c1', maxAmount))
        .then([charged('c1', maxAmount)]);
    });

    for (const [label, amount] of [
      ['zero', 0],
      ['negative', -100],
      ['fractional', 10.5],
      ['above the limit', maxAmount + 1],
      ['not a number', Number.NaN],
    ] as const) {
      it(`When the amount is ${label}, then the charge is invalid`, () => {
        given([]).when(charge('c1', amount)).thenThrows(ValidationError);
      });
    }

    it('When the same charge is retried, then nothing happens', () => {
      given([charged('c1', 500)])
        .when(charge('c1', 500))
        .thenNothing();
    });

    it('When a charge id is reused with another amount, then it is invalid', () => {
      given([charged('c1', 500)])
        .when(charge('c1', 600))
        .thenThrows('validation');
    });
  });

  describe('DebitWallet', () => {
    it('When the balance covers the amount, then the wallet is debited', () => {
      given([charged('c1', 500)])
        .when(debit('p1', 300))
        .then([debited('p1', 300)]);
    });

    it('When the balance is exactly the amount, then the wallet is debited to zero', () => {
      given([charged('c1', 500)])
        .when(debit('p1', 500))
        .then([debited('p1', 500)]);
    });

    it('When the balance is short of the amount, then the debit is refused and the balance never goes negative', () => {
      given([charged('c1', 500), debited('p1', 300)])
        .when(debit('p2', 201))
        .thenThrows(InsufficientFundsError, { balance: 200, amount: 201 });
    });

    it('When the wallet was never charged, then any positive debit is refused', () => {
      given([]).when(debit('p1', 1)).thenThrows('insufficient-funds');
    });

    it('When the same paymentId is debited again, then nothing happens (never debited twice)', () => {
      given([charged('c1', 1000), debited('p1', 300)])
        .when(debit('p1', 300))
        .thenNothing();
    });

    it('When the same paymentId is debited again after a refund, then nothing happens', () => {
      given([charged('c1', 1000), debited('p1', 300), credited('p1', 300)])
        .when(debit('p1', 300))
        .thenNothing();
    });

    it('When the same paymentId comes back with another amount, then it is invalid', () => {
      given([charged('c1', 1000), debited('p1', 300)])
        .when(debit('p1', 400))
        .thenThrows('validation');
    });

    it('When the amount is negative, then the debit is invalid', () => {
      given([charged('c1', 1000)])
        .when(debit('p1', -1))
        .thenThrows('validation');
    });

    it('When a refund restored the balance, then it can be spent again by a new payment', () => {
      given([charged('c1', 300), debited('p1', 300), credited('p1', 300)])
        .when(debit('p2', 300))
        .then([debited('p2', 300)]);
    });
  });

  describe('CreditWallet', () => {
    it('When the payment was debited, then the same amount is credited back', () => {
      given([charged('c1', 500), debited('p1', 300)])
        .when(credit('p1', 300))
        .then([credited('p1', 300)]);
    });

    it('When the payment was already credited, then nothing happens', () => {
      given([charged('c1', 500), debited('p1', 300), credited('p1', 300)])
        .when(credit('p1', 300))
        .thenNothing();
    });

    it('When the payment was never debited, then nothing happens', () => {
      given([charged('c1', 500)])
        .when(credit('p1', 300))
        .thenNothing();
    });

    it('When the amount differs from the debit, then the credit is invalid', () => {
      given([charged('c1', 500), debited('p1', 300)])
        .when(credit('p1', 301))
        .thenThrows('validation');
    });
  });

  it('When events are folded, then the balance is charges minus debits plus credits', () => {
    const state = [charged('c1', 1000), debited('p1', 300), debited('p2', 200), credited('p1', 300)].reduce(
      walletDecider.evolve,
      walletDecider.initialState(),
    );
    expect(state.balance).to.equal(800);
  });
});
