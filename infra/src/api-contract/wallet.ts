import { amountSchema } from '@concert/domain';
import { z } from 'zod';

/** POST /wallet/charges; the ceiling is WALLET_MAX_CHARGE, so the schema is made from it. */
export function chargeWalletBody(maxCharge: number) {
  return z.object({ amount: z.number().int().positive().max(maxCharge) }).strict();
}

export const walletBalance = z.object({ balance: amountSchema });
