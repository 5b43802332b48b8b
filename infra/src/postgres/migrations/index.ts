import type { Knex } from 'knex';
import * as eventStore from './001-event-store.js';
import * as readModels from './002-read-models.js';
import * as holdDeadlines from './003-hold-deadlines.js';
import * as notifications from './004-notifications.js';
import * as statistics from './005-statistics.js';
import * as appendGenericPlans from './006-es-append-generic-plans.js';
import * as appendBatch from './007-es-append-batch.js';
import * as deadlineFeedCheckpoints from './009-deadline-feed-checkpoints.js';
import * as holdDeadlinesClaimIndex from './010-hold-deadlines-claim-index.js';
import * as stuckPaymentsIndex from './011-stuck-payments-index.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** In order. Listed here rather than discovered on disk so that they run the same from TS and compiled JS. */
export const migrations: readonly Migration[] = [
  eventStore,
  readModels,
  holdDeadlines,
  notifications,
  statistics,
  appendGenericPlans,
  appendBatch,
  deadlineFeedCheckpoints,
  holdDeadlinesClaimIndex,
  stuckPaymentsIndex,
];
