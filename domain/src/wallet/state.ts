import type { WalletEvent } from './events.js';

/**
 * A wallet always exists, with a zero balance until charged, so it has no status. The maps
 * remember amounts by id, which is what makes charges, debits and refunds safe to retry.
 */
export interface WalletState {
  readonly balance: number;
  readonly charges: ReadonlyMap<string, number>;
  readonly debits: ReadonlyMap<string, number>;
  readonly credits: ReadonlyMap<string, number>;
}

export const initialState = (): WalletState => ({
  balance: 0,
  charges: new Map(),
  debits: new Map(),
  credits: new Map(),
});

export function evolve(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'WalletCharged': {
      const { chargeId, amount } = event.data;
      return { ...state, balance: state.balance + amount, charges: new Map(state.charges).set(chargeId, amount) };
    }
    case 'WalletDebited': {
      const { paymentId, amount } = event.data;
      return { ...state, balance: state.balance - amount, debits: new Map(state.debits).set(paymentId, amount) };
    }
    case 'WalletCredited': {
      const { paymentId, amount } = event.data;
      return { ...state, balance: state.balance + amount, credits: new Map(state.credits).set(paymentId, amount) };
    }
    default:
      return state;
  }
}
