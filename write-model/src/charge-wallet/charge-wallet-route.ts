import { randomUUID } from 'node:crypto';
import { authOf, chargeWalletBody, parseBody } from '@concert/infra';
import type { Express } from 'express';
import { chargeWallet } from './charge-wallet.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/** POST /wallet/charges {amount} -> 201 {balance}. Repeats are the gateway's Idempotency-Key business. */
export function chargeWalletRoute(app: Express, deps: CommandApiDeps): void {
  const body = chargeWalletBody(deps.config.WALLET_MAX_CHARGE);
  app.post(
    '/wallet/charges',
    commandRoute(deps, 'charge-wallet', async (req, res) => {
      const { amount } = parseBody(body, req);
      const charged = await chargeWallet(commandContext(deps, res), {
        userId: authOf(res).userId,
        chargeId: randomUUID(),
        amount,
        maxAmount: deps.config.WALLET_MAX_CHARGE,
      });
      setConsistencyToken(res, charged.position);
      res.status(201).json({ balance: charged.balance });
    }),
  );
}
