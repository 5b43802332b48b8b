import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ensureDatabase, loadConfig, migrateIdempotencyDatabase, migrateToLatest, type Config } from '@concert/infra';
import { removeRunResources, startPatiently, waitFor, type ServiceProcess } from '@concert/infra/testing';
import { portBlock, runId, send, type Answer } from './gateway-harness.js';

/**
 * The seed's single entry point, as it runs: two gateways in front of two command-api and
 * two query-api processes, with the projectors and workers processes behind them. A fan
 * gets a token, queues, is admitted, holds, charges, pays and reads back, through either
 * gateway; with one command-api and one query-api killed mid-flow the flow still completes.
 */
describe('gateway end to end: two gateways over two instances of each API', function () {
  this.timeout(600_000);
  const run = runId();
  const [gatewayA, gatewayB, command1, command2, query1, query2, projectors, workers, adminA, adminB] = portBlock(
    10,
  ) as [number, number, number, number, number, number, number, number, number, number];
  let config: Config;
  let env: Record<string, string>;
  const services = new Map<string, ServiceProcess>();
  const gateways = [`http://127.0.0.1:${gatewayA}`, `http://127.0.0.1:${gatewayB}`];
  let turn = 0;
  /** Alternates the two gateways, so each step of a flow may go through either. */
  const gateway = (): string => gateways[turn++ % 2]!;

  before(async () => {
    // A database of its own: the relay starts from the beginning of the feed.
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_gw_e2e`;
    await ensureDatabase(database.toString());
    await migrateToLatest(database.toString());
    await migrateIdempotencyDatabase(database.toString());
    env = {
      DATABASE_URL: database.toString(),
      NATS_STREAM: `GW_E2E_${run}`,
      NATS_SUBJECT_PREFIX: `gw_e2e_${run}`,
      REDIS_KEY_PREFIX: `test:gw-e2e:${run}:`,
      COMMAND_API_URLS: `http://127.0.0.1:${command1},http://127.0.0.1:${command2}`,
      QUERY_API_URLS: `http://127.0.0.1:${query1},http://127.0.0.1:${query2}`,
      PROJECTORS_PORT: String(projectors),
      WORKERS_PORT: String(workers),
      AUTH_DEV_LOGIN: 'true',
      HOLD_DURATION_MS: '120000',
      // Admission at once: the waiting room's own specs measure its pacing.
      QUEUE_ADMIT_PER_SECOND: '1000',
      QUEUE_MAX_ADMITTED: '100',
      QUEUE_TICK_INTERVAL_MS: '50',
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '500',
      // The projectors of a loaded, shared machine may lag seconds behind: reads wait for them
      // (the gateway's timeout stays above the wait, as by default).
      CONSISTENCY_WAIT_MS: '15000',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '30000',
    };
    config = loadConfig({ ...process.env, ...env });
    // One at a time: processes compiling TypeScript at once on a loaded machine all start slower.
    const start = async (
      name: string,
      entry: string,
      port: number,
      extra: Record<string, string> = {},
    ): Promise<void> => {
      services.set(name, await startPatiently(entry, port, { ...env, ...extra }));
    };
    await start('command-1', 'command-api/src/main.ts', command1, { COMMAND_API_PORT: String(command1) });
    await start('command-2', 'command-api/src/main.ts', command2, { COMMAND_API_PORT: String(command2) });
    await start('query-1', 'query-api/src/main.ts', query1, { QUERY_API_PORT: String(query1) });
    await start('query-2', 'query-api/src/main.ts', query2, { QUERY_API_PORT: String(query2) });
    await start('projectors', 'projectors/src/main.ts', projectors);
    await start('workers', 'workers/src/main.ts', workers);
    await start('gateway-a', 'gateway/src/main.ts', gatewayA, {
      GATEWAY_PORT: String(gatewayA),
      GATEWAY_ADMIN_PORT: String(adminA),
    });
    await start('gateway-b', 'gateway/src/main.ts', gatewayB, {
      GATEWAY_PORT: String(gatewayB),
      GATEWAY_ADMIN_PORT: String(adminB),
    });
  });

  after(async () => {
    await Promise.all([...services.values()].map((service) => service.stop()));
    if (!config) return;
    await removeRunResources(config);
  });

  async function login(userId: string, roles: string[] = []): Promise<string> {
    const answer = await send('POST', `${gateway()}/auth/token`, { body: { userId, roles } });
    expect(answer.status, answer.text).to.equal(200);
    return String(answer.body.accessToken);
  }

  function expectStatus(answer: Answer, status: number): void {
    expect(answer.status, answer.text).to.equal(status);
  }

  async function admitted(fan: string, concertId: string): Promise<string> {
    const entered = await send('POST', `${gateway()}/queue/entries`, { token: fan, body: { concertId } });
    expectStatus(entered, 202);
    let queueToken = '';
    await waitFor(
      'admission from the waiting room',
      async () => {
        const status = await send('GET', `${gateway()}/queue/entries/${String(entered.body.entryId)}`, { token: fan });
        expectStatus(status, 200);
        queueToken = typeof status.body.queueToken === 'string' ? status.body.queueToken : '';
        return status.body.status === 'ADMITTED' && queueToken !== '';
      },
      20_000,
      100,
    );
    return queueToken;
  }

  let concertId = '';
  let scheduleId = '';

  it('When an admin creates a concert with a date through the gateways, Then fans can read it back', async () => {
    const admin = await login(`admin-${run}`, ['admin']);
    const concert = await send('POST', `${gateway()}/admin/concerts`, {
      token: admin,
      body: { title: 'Gateway E2E', venue: 'Hall' },
    });
    expectStatus(concert, 201);
    concertId = String(concert.body.concertId);
    const schedule = await send('POST', `${gateway()}/admin/concerts/${concertId}/schedules`, {
      token: admin,
      body: {
        startsAt: '2027-09-01T19:00:00.000Z',
        seats: ['A-1', 'A-2', 'A-3', 'A-4'].map((seatId) => ({ seatId, grade: 'R', price: 1000 })),
      },
    });
    expectStatus(schedule, 201);
    scheduleId = String(schedule.body.scheduleId);
    const fan = await login(`reader-${run}`);
    const schedules = await send('GET', `${gateway()}/concerts/${concertId}/schedules`, {
      token: fan,
      headers: { 'x-consistency-token': schedule.headers.get('x-consistency-token') ?? '' },
    });
    expectStatus(schedules, 200);
    expect(schedules.list.map((s) => s.scheduleId)).to.deep.equal([scheduleId]);
    // Each 201's Location resolves through the gateways, read with the answer's consistency token.
    for (const created of [concert, schedule]) {
      const location = created.headers.get('location') ?? '';
      const read = await send('GET', `${gateway()}${location}`, {
        token: fan,
        headers: { 'x-consistency-token': created.headers.get('x-consistency-token') ?? '' },
      });
      expect(read.status, `GET ${location}: ${read.text}`).to.equal(200);
    }
  });

  it('When a fan queues, is admitted, holds, charges, pays and reads back, Then every step succeeds through either gateway', async () => {
    const fan = await login(`fan-1-${run}`);
    const queueToken = await admitted(fan, concertId);
    const hold = await send('POST', `${gateway()}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-1'] },
      headers: { 'queue-token': queueToken },
    });
    expectStatus(hold, 201);
    const reservationId = String(hold.body.reservationId);
    // A second hold, cancelled with a POST that carries no body at all.
    const second = await send('POST', `${gateway()}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-4'] },
      headers: { 'queue-token': queueToken },
    });
    expectStatus(second, 201);
    const cancelled = await send('POST', `${gateway()}/reservations/${String(second.body.reservationId)}/cancel`, {
      token: fan,
    });
    expectStatus(cancelled, 200);
    expect(cancelled.body).to.deep.equal({ reservationId: second.body.reservationId, status: 'CANCELLED' });
    const charge = await send('POST', `${gateway()}/wallet/charges`, {
      token: fan,
      body: { amount: 5000 },
      headers: { 'idempotency-key': `charge-1-${run}` },
    });
    expectStatus(charge, 201);
    expect(charge.body).to.deep.equal({ balance: 5000 });
    const paid = await send('POST', `${gateway()}/payments`, {
      token: fan,
      body: { reservationId },
      headers: { 'queue-token': queueToken, 'idempotency-key': `pay-1-${run}` },
    });
    expectStatus(paid, 201);
    const reservation = await send('GET', `${gateway()}/reservations/${reservationId}`, {
      token: fan,
      headers: { 'x-consistency-token': paid.headers.get('x-consistency-token') ?? '' },
    });
    expectStatus(reservation, 200);
    // Location of every 201 of the flow resolves; a list item is field for field the detail.
    for (const created of [hold, charge, paid]) {
      const location = created.headers.get('location') ?? '';
      const read = await send('GET', `${gateway()}${location}`, {
        token: fan,
        headers: { 'x-consistency-token': paid.headers.get('x-consistency-token') ?? '' },
      });
      expect(read.status, `GET ${location}: ${read.text}`).to.equal(200);
    }
    const mine = await send('GET', `${gateway()}/me/reservations`, {
      token: fan,
      headers: { 'x-consistency-token': paid.headers.get('x-consistency-token') ?? '' },
    });
    expect(mine.list.find((item) => item.reservationId === reservationId)).to.deep.equal(reservation.body);
    expect(reservation.body).to.include({
      reservationId,
      status: 'CONFIRMED',
      paymentId: paid.body.paymentId,
      amount: 1000,
    });
  });

  it('When one command-api and one query-api die mid-flow, Then the flow completes on the instances left', async () => {
    const fan = await login(`fan-2-${run}`);
    const queueToken = await admitted(fan, concertId);
    const hold = await send('POST', `${gateway()}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-2', 'A-3'] },
      headers: { 'queue-token': queueToken },
    });
    expectStatus(hold, 201);
    const reservationId = String(hold.body.reservationId);

    await Promise.all([services.get('command-1')!.kill(), services.get('query-1')!.kill()]);

    const charge = await send('POST', `${gateway()}/wallet/charges`, {
      token: fan,
      body: { amount: 2500 },
      headers: { 'idempotency-key': `charge-2-${run}` },
    });
    expectStatus(charge, 201);
    const payment = {
      token: fan,
      body: { reservationId },
      headers: { 'queue-token': queueToken, 'idempotency-key': `pay-2-${run}` },
    };
    const paid = await send('POST', `${gateway()}/payments`, payment);
    expectStatus(paid, 201);
    const consistency = { 'x-consistency-token': paid.headers.get('x-consistency-token') ?? '' };
    for (let i = 0; i < 4; i++) {
      // Through both gateways, several times: whichever instance each would have picked.
      const reservation = await send('GET', `${gateway()}/reservations/${reservationId}`, {
        token: fan,
        headers: consistency,
      });
      expectStatus(reservation, 200);
      expect(reservation.body).to.include({ status: 'CONFIRMED', amount: 2000 });
    }
    const wallet = await send('GET', `${gateway()}/me/wallet`, { token: fan, headers: consistency });
    expectStatus(wallet, 200);
    expect(wallet.body).to.deep.equal({ balance: 500 });

    // The same payment again with its key: the stored answer, not a second payment.
    const replay = await send('POST', `${gateway()}/payments`, payment);
    expectStatus(replay, 201);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(replay.body).to.deep.equal(paid.body);
  });

  it("When a reader pastes the README's buyer flow (curl) against a gateway, Then it ends with their reservation CONFIRMED", async () => {
    const flow = readmeBlock('### The buyer flow with curl').replace('G=http://127.0.0.1:8080', `G=${gateways[0]!}`);
    const { stdout, stderr, code } = await runBash(flow, { ...process.env, ...env });
    expect(code, `${stdout}\n${stderr}`).to.equal(0);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(last), stdout).to.include({ status: 'CONFIRMED' });
  });
});

/** The first fenced block after `heading` in the README, as a reader would copy it. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (at === -1 || block === null) throw new Error(`no sh block under "${heading}" in README.md`);
  return block[1]!;
}

function runBash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(script);
  });
}
