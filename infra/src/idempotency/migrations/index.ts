import type { Migration } from '../../postgres/migrations/index.js';
import * as keys from './001-keys.js';

/** The Idempotency DB's own migrations, in order (tracked in `idempotency.knex_migrations`). */
export const idempotencyMigrations: readonly Migration[] = [keys];
