import { connectNats, isReachable, servicesOf, type Config } from '@concert/infra';
import { workerStatus, type WorkerStatus } from '@concert/workers';
import type { Knex } from 'knex';

/** The workers' side of `projections status`: asks NATS only when it answers, so status still works without it. */
export async function workersStatus(config: Config, knex: Knex): Promise<WorkerStatus> {
  const nats = servicesOf(config).find((s) => s.name === 'NATS')!;
  if (!(await isReachable(nats.host, nats.port))) return workerStatus(knex, undefined, config.NATS_STREAM);
  const connection = await connectNats(config.NATS_URL, 'projections-status');
  try {
    return await workerStatus(knex, await connection.jetstreamManager(), config.NATS_STREAM);
  } finally {
    await connection.close();
  }
}
