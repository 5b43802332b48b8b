import { expect } from 'chai';
import type { Knex } from 'knex';
import {
  authenticate,
  createApp,
  createEventStore,
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  createRedis,
  loadConfig,
  serve,
  signDevToken,
  type Config,
  type EventStore,
  type Projection,
  type RedisClient,
} from '@concert/infra';
import { opsRoutes } from '../src/ops/ops-routes.js';
import { parkEvent } from '../src/runner/park-event.js';
import { recordedCharge } from './support/charge-events.js';
import { chargesProjection, createChargesTable, readCharges } from './support/charges-projection.js';
import { openKnex } from './support/test-database.js';
import { uniqueSuffix } from './support/test-names.js';

/** The projectors process's admin routes, which the gateway's ops console reads and calls. */
describe('Given the projectors admin routes over a projection with a parked event (real PostgreSQL)', () => {
  let config: Config;
  let knex: Knex;
  let store: EventStore;
  let redis: RedisClient;
  let projection: Projection;
  let table: string;
  let url: string;
  let close: () => Promise<void>;
  let parkedId = 0;

  before(async () => {
    config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
    knex = openKnex();
    store = createEventStore(config);
    redis = createRedis({ url: config.REDIS_URL, keyPrefix: `test:ops-routes:${uniqueSuffix()}:` });
    const suffix = uniqueSuffix();
    table = `test_charges_${suffix}`;
    projection = chargesProjection(`test_ops_${suffix}`, table);
    await createChargesTable(knex, table);
    await parkEvent(knex, projection, recordedCharge(1, 'u1'), {
      error: new Error('was broken'),
      attempts: 5,
      streamSequence: 1,
    });
    parkedId = Number((await knex('parked_events').first('id').where({ projection: projection.name }))!.id);
    const logger = createLogger(config, 'projectors');
    const app = createApp({
      logger,
      registry: createMetricsRegistry(),
      authenticate: authenticate(createJwtVerifier(config)),
      routes: (routes) =>
        opsRoutes(routes, { config, knex, eventStore: store, redis, projections: [projection], logger }),
    });
    const server = await serve(app, 0, { logger, host: '127.0.0.1' });
    url = `http://127.0.0.1:${server.port}`;
    close = () => server.close();
  });

  after(async () => {
    await close?.();
    await knex('parked_events').where({ projection: projection.name }).delete();
    await knex('projection_checkpoints').where({ projection: projection.name }).delete();
    await knex.schema.dropTableIfExists(table);
    await knex.destroy();
    await store.close();
    redis.disconnect();
  });

  const bearer = (roles: string[]): Record<string, string> => ({
    authorization: `Bearer ${signDevToken(config, { userId: 'ops', roles, expiresInSeconds: 60 })}`,
  });

  it('When asked without a token or without the admin role, Then 401 and 403, and nothing is retried', async () => {
    expect((await fetch(`${url}/admin/projections`)).status).to.equal(401);
    expect((await fetch(`${url}/admin/projections`, { headers: bearer([]) })).status).to.equal(403);
    expect(
      (await fetch(`${url}/admin/parked/${parkedId}/retry`, { method: 'POST', headers: bearer([]) })).status,
    ).to.equal(403);
    expect(await knex('parked_events').where({ id: parkedId }).first('id')).to.not.equal(undefined);
  });

  it('When an admin asks for the status, Then the projection shows its parked event and the list names it', async () => {
    const answer = await fetch(`${url}/admin/projections`, { headers: bearer(['admin']) });
    expect(answer.status).to.equal(200);
    const body = (await answer.json()) as {
      projections: { projector: string; parked: number }[];
      parked: { id: number; projection: string; error: string }[];
    };
    expect(body.projections.find((p) => p.projector === projection.name)).to.include({ parked: 1 });
    expect(body.parked.find((p) => p.id === parkedId)).to.include({
      projection: projection.name,
      error: 'Error: was broken',
    });
  });

  it('When an admin retries an unknown id, Then 404; when the parked event, Then it is applied once and leaves the list', async () => {
    expect(
      (await fetch(`${url}/admin/parked/999999999/retry`, { method: 'POST', headers: bearer(['admin']) })).status,
    ).to.equal(404);
    const answer = await fetch(`${url}/admin/parked/${parkedId}/retry`, { method: 'POST', headers: bearer(['admin']) });
    expect(answer.status).to.equal(200);
    expect(await answer.json()).to.deep.equal({ id: parkedId, projection: projection.name, outcome: 'applied' });
    expect(await knex('parked_events').where({ id: parkedId }).first('id')).to.equal(undefined);
    expect(await readCharges(knex, table)).to.deep.equal([
      { user_id: 'u1', total: '100', applied: 1, charges: ['c1'] },
    ]);
  });
});
