import { authOf, chargeWalletBody, idempotencyKeyOf, parseBody } from '@concert/infra';
import type { Express } from 'express';
import { chargeIdOf } from './charge-id.js';
import { chargeWallet } from './charge-wallet.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/**
 * POST /wallet/charges {amount} -> 201 {balance}, Location: the wallet (`GET /me/wallet`). The gateway answers repeats of an
 * Idempotency-Key; a repeat that still reaches here (after a 504, or a takeover) carries the
 * same charge id (`chargeIdOf`), which the wallet charges once.
 */
export function chargeWalletRoute(app: Express, deps: CommandApiDeps): void {
  const body = chargeWalletBody(deps.config.WALLET_MAX_CHARGE);
  app.post(
    '/wallet/charges',
    commandRoute(deps, 'charge-wallet', async (req, res) => {
      const { amount } = parseBody(body, req);
      const { userId } = authOf(res);
      const charged = await chargeWallet(commandContext(deps, res), {
        userId,
        chargeId: chargeIdOf(userId, idempotencyKeyOf(req, false)),
        amount,
        maxAmount: deps.config.WALLET_MAX_CHARGE,
      });
      setConsistencyToken(res, charged.position);
      res.status(201).location('/me/wallet').json({ balance: charged.balance });
    }),
  );
}
