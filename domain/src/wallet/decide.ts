import { ValidationError } from '../domain-error.js';
import { toInstant } from '../instant.js';
import { validate } from '../validation.js';
import type { ChargeWallet, CreditWallet, DebitWallet, WalletCommand } from './commands.js';
import { InsufficientFundsError } from './errors.js';
import {
  walletChargedDataSchema,
  walletCreditedDataSchema,
  walletDebitedDataSchema,
  type WalletCharged,
  type WalletCredited,
  type WalletDebited,
  type WalletEvent,
} from './events.js';
import type { WalletState } from './state.js';

/** The same id with another amount is not a retry but a client bug, and must not be hidden. */
function refuseChangedAmount(kind: string, id: string, recorded: number, requested: number): void {
  if (recorded !== requested) {
    throw new ValidationError(`${kind} ${id} was recorded with amount ${recorded}, not ${requested}`, {
      id,
      recorded,
      requested,
    });
  }
}

export function chargeWallet(command: ChargeWallet, state: WalletState): WalletCharged[] {
  const { userId, chargeId, amount, maxAmount, now } = command.data;
  const data = validate(
    walletChargedDataSchema,
    { userId, chargeId, amount, chargedAt: toInstant(now, 'now') },
    'wallet charge',
  );
  if (!Number.isSafeInteger(maxAmount) || maxAmount <= 0) {
    // Configuration, not input: a broken limit must fail loudly, never let every amount through.
    throw new Error(`maxAmount must be a positive safe integer, got ${maxAmount}`);
  }
  if (amount > maxAmount) throw new ValidationError(`A charge may not exceed ${maxAmount}`, { amount, maxAmount });
  const recorded = state.charges.get(chargeId);
  if (recorded !== undefined) {
    refuseChangedAmount('Charge', chargeId, recorded, amount);
    return [];
  }
  if (!Number.isSafeInteger(state.balance + amount)) {
    throw new ValidationError('The balance would exceed the largest representable amount', { amount });
  }
  return [{ type: 'WalletCharged', data }];
}

/** Keyed by paymentId so that a retried payment step can never take the money twice. */
export function debitWallet(command: DebitWallet, state: WalletState): WalletDebited[] {
  const { userId, paymentId, amount, now } = command.data;
  const data = validate(
    walletDebitedDataSchema,
    { userId, paymentId, amount, debitedAt: toInstant(now, 'now') },
    'wallet debit',
  );
  const recorded = state.debits.get(paymentId);
  if (recorded !== undefined) {
    refuseChangedAmount('Debit', paymentId, recorded, amount);
    return [];
  }
  if (state.balance < amount) throw new InsufficientFundsError(userId, state.balance, amount);
  return [{ type: 'WalletDebited', data }];
}

/**
 * Refunds only what was taken: nothing for a payment that was never debited, and once at
 * most, so money is conserved however often the payment flow retries.
 */
export function creditWallet(command: CreditWallet, state: WalletState): WalletCredited[] {
  const { userId, paymentId, amount, now } = command.data;
  const data = validate(
    walletCreditedDataSchema,
    { userId, paymentId, amount, creditedAt: toInstant(now, 'now') },
    'wallet credit',
  );
  const debited = state.debits.get(paymentId);
  if (debited === undefined) return [];
  refuseChangedAmount('Debit', paymentId, debited, amount);
  if (state.credits.has(paymentId)) return [];
  return [{ type: 'WalletCredited', data }];
}

export function decide(command: WalletCommand, state: WalletState): WalletEvent[] {
  switch (command.type) {
    case 'ChargeWallet':
      return chargeWallet(command, state);
    case 'DebitWallet':
      return debitWallet(command, state);
    case 'CreditWallet':
      return creditWallet(command, state);
    default: {
      const unknown: never = command;
      throw new Error(`Unknown wallet command ${JSON.stringify(unknown)}`);
    }
  }
}
