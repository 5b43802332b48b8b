import { PROJECTION_NAMES } from '@concert/infra';

/**
 * The projections (rows of `projection_checkpoints`) that fill the tables each endpoint reads.
 * A read-your-writes request waits for exactly these, so a slow projection elsewhere cannot
 * hold it back.
 */
export const PROJECTIONS = {
  catalog: PROJECTION_NAMES.catalog,
  reservations: PROJECTION_NAMES.reservations,
  payments: PROJECTION_NAMES.payments,
  wallets: PROJECTION_NAMES.wallets,
  statistics: PROJECTION_NAMES.statistics,
} as const;

export type ProjectionName = (typeof PROJECTIONS)[keyof typeof PROJECTIONS];
