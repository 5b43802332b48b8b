/**
 * Every projection, by the name of its row in `projection_checkpoints` (and of its durable
 * consumer, `proj_<name>`): the one list the projectors, the query API's read-your-writes
 * waits and the benchmarks take their names from.
 */
export const PROJECTION_NAMES = {
  /** rm_concerts, rm_schedules, rm_seats */
  catalog: 'catalog',
  /** rm_reservations */
  reservations: 'reservations',
  /** rm_payments */
  payments: 'payments',
  /** rm_wallets */
  wallets: 'wallets',
  /** rm_sales_by_schedule, rm_sales_by_minute */
  sales: 'sales',
  /** rm_stats_concerts, rm_stats_schedules, rm_stats_by_minute, rm_stats_reservations */
  statistics: 'statistics',
} as const;

export type ProjectionName = (typeof PROJECTION_NAMES)[keyof typeof PROJECTION_NAMES];
