/**
 * The projections (rows of `projection_checkpoints`) that fill the tables each endpoint reads.
 * A read-your-writes request waits for exactly these, so a slow projection elsewhere cannot
 * hold it back.
 */
export const PROJECTIONS = {
  /** rm_concerts, rm_schedules, rm_seats */
  catalog: 'catalog',
  /** rm_reservations */
  reservations: 'reservations',
  /** rm_payments */
  payments: 'payments',
  /** rm_wallets */
  wallets: 'wallets',
  /** rm_stats_concerts, rm_stats_schedules, rm_stats_by_minute, rm_stats_reservations */
  statistics: 'statistics',
} as const;

export type ProjectionName = (typeof PROJECTIONS)[keyof typeof PROJECTIONS];
