import type { Config } from '../config/config.js';
import { connectNats } from '../nats/connect-nats.js';
import { dropDatabase } from '../postgres/ensure-database.js';
import { createRedis } from '../redis/create-redis.js';
import { deleteKeysWithPrefix } from '../redis/key-prefix.js';

/**
 * After a test run of real processes: deletes what the run had of its own on the shared
 * servers (its JetStream stream, its Redis keys, its database), so the next run starts clean.
 * Each step is best effort: one that fails must not leave the others undone.
 * `keepDatabase`: for a run on the test run's shared database (DATABASE_URL of the mocha run),
 * which the global teardown drops; dropping it here would fail every spec after this one.
 */
export async function removeRunResources(config: Config, options: { keepDatabase?: boolean } = {}): Promise<void> {
  const nc = await connectNats(config.NATS_URL, 'test-cleanup');
  await (await nc.jetstreamManager()).streams.delete(config.NATS_STREAM).catch(() => false);
  await nc.close();
  const redis = createRedis({ url: config.REDIS_URL });
  await deleteKeysWithPrefix(redis, config.REDIS_KEY_PREFIX).catch(() => 0);
  redis.disconnect();
  if (!options.keepDatabase) await dropDatabase(config.DATABASE_URL);
}
