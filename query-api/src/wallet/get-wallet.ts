import { authOf, parseQuery } from '@concert/infra';
import type { Express } from 'express';
import { consistencyTokenOf } from '../consistency/consistency-token.js';
import { noQuerySchema } from '../no-query.js';
import { PROJECTIONS } from '../projections.js';
import type { QueryApiDeps } from '../query-api-deps.js';
import { amountOf } from '../row-values.js';

/** GET /me/wallet -> 200 {balance}; a user who never charged has a wallet of 0, not a 404. */
export function getWalletRoute(app: Express, deps: QueryApiDeps): void {
  app.get('/me/wallet', async (req, res) => {
    parseQuery(noQuerySchema, req);
    const userId = authOf(res).userId;
    const row = await deps.reader.read({
      projections: [PROJECTIONS.wallets],
      token: consistencyTokenOf(req),
      load: (db) =>
        db('rm_wallets')
          .first<{ balance: string } | undefined>(db.raw('balance::text AS balance'))
          .where({ user_id: userId }),
    });
    res.status(200).json({ balance: row === undefined ? 0 : amountOf(row.balance) });
  });
}
