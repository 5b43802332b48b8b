import type { Command } from '../decider.js';

/** `maxAmount` is configuration (the top-up limit), passed in so the domain stays free of it. */
export type ChargeWallet = Command<
  'ChargeWallet',
  { userId: string; chargeId: string; amount: number; maxAmount: number; now: Date }
>;

export type DebitWallet = Command<'DebitWallet', { userId: string; paymentId: string; amount: number; now: Date }>;

export type CreditWallet = Command<'CreditWallet', { userId: string; paymentId: string; amount: number; now: Date }>;

export type WalletCommand = ChargeWallet | DebitWallet | CreditWallet;
