/**
 * The public HTTP contract as zod schemas: the command API validates requests with them and
 * the gateway publishes them as OpenAPI, so the document cannot drift from what is enforced.
 */
export * from './auth.js';
export * from './catalog.js';
export * from './payments.js';
export * from './problem.js';
export * from './queue.js';
export * from './reservations.js';
export * from './stats.js';
export * from './wallet.js';
