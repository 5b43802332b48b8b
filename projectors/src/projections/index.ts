import type { Projection } from '@concert/infra';
import { catalogProjection } from './catalog.js';
import { paymentsProjection } from './payments.js';
import { reservationsProjection } from './reservations.js';
import { salesProjection } from './sales.js';
import { statisticsProjection } from './statistics.js';
import { walletsProjection } from './wallets.js';

export {
  catalogProjection,
  paymentsProjection,
  reservationsProjection,
  salesProjection,
  statisticsProjection,
  walletsProjection,
};

/** Every read model, each with its own checkpoint; a projection reads no table but its own. */
export const allProjections: Projection[] = [
  catalogProjection,
  reservationsProjection,
  paymentsProjection,
  walletsProjection,
  salesProjection,
  statisticsProjection,
];
