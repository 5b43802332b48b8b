import { DomainError } from '../domain-error.js';

export class InsufficientFundsError extends DomainError {
  constructor(userId: string, balance: number, amount: number) {
    super('insufficient-funds', `Wallet of ${userId} holds ${balance}, ${amount} is needed`, {
      userId,
      balance,
      amount,
    });
  }
}
