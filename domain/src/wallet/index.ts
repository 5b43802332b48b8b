import type { Decider } from '../decider.js';
import type { WalletCommand } from './commands.js';
import { decide } from './decide.js';
import type { WalletEvent } from './events.js';
import { evolve, initialState, type WalletState } from './state.js';

export const walletDecider: Decider<WalletCommand, WalletEvent, WalletState> = { decide, evolve, initialState };

export type { ChargeWallet, CreditWallet, DebitWallet, WalletCommand } from './commands.js';
export { InsufficientFundsError } from './errors.js';
export {
  walletChargedDataSchema,
  walletCreditedDataSchema,
  walletDebitedDataSchema,
  type WalletCharged,
  type WalletCredited,
  type WalletDebited,
  type WalletEvent,
} from './events.js';
export type { WalletState } from './state.js';
export { walletStreamCategory, walletStreamId } from './stream.js';
