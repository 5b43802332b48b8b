import { z } from 'zod';
import type { Event } from '../decider.js';
import { instantSchema } from '../instant.js';
import { amountSchema, entityIdSchema, userIdSchema } from '../value-schemas.js';

export const walletChargedDataSchema = z.object({
  userId: userIdSchema,
  chargeId: entityIdSchema,
  amount: amountSchema.positive(),
  chargedAt: instantSchema,
});

export const walletDebitedDataSchema = z.object({
  userId: userIdSchema,
  paymentId: entityIdSchema,
  amount: amountSchema,
  debitedAt: instantSchema,
});

/** A refund: it returns exactly what the debit of the same paymentId took. */
export const walletCreditedDataSchema = z.object({
  userId: userIdSchema,
  paymentId: entityIdSchema,
  amount: amountSchema,
  creditedAt: instantSchema,
});

export type WalletCharged = Event<'WalletCharged', z.infer<typeof walletChargedDataSchema>>;
export type WalletDebited = Event<'WalletDebited', z.infer<typeof walletDebitedDataSchema>>;
export type WalletCredited = Event<'WalletCredited', z.infer<typeof walletCreditedDataSchema>>;

export type WalletEvent = WalletCharged | WalletDebited | WalletCredited;
