export * from './config/config.js';
export * from './event-store/event-store.js';
export * from './event-store/errors.js';
export * from './event-store/global-position.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './event-store/postgres/pg-event-store.js';
export { migrateToLatest } from './postgres/migrate.js';
export { ensureDatabase, dropDatabase } from './postgres/ensure-database.js';
export { unreachableServices, isReachable, servicesOf, type ServiceCheck } from './preflight/check-services.js';
export { createEventStore } from './event-store/create-event-store.js';
