import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';

const CLI = fileURLToPath(new URL('../src/notifications/main.ts', import.meta.url));

function notificationsCli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run notifications -- dead-letters', function () {
  this.timeout(60_000);
  let db: Knex;
  const ids = [randomUUID(), randomUUID(), randomUUID()];

  before(async () => {
    db = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 2 } });
    await db('notification_dead_letters').del();
    for (const [i, eventId] of ids.entries()) {
      const notification = {
        id: eventId,
        userId: `u-${i}`,
        kind: 'reservation-expired',
        reservationId: randomUUID(),
        occurredAt: new Date().toISOString(),
        payload: {},
      };
      await db('notification_deliveries').insert({
        event_id: eventId,
        user_id: notification.userId,
        kind: notification.kind,
        reservation_id: notification.reservationId,
        occurred_at: notification.occurredAt,
        payload: '{}',
        status: 'dead',
        attempts: 8,
        last_error: 'HTTP 500\nstack',
      });
      await db('notification_dead_letters').insert({
        event_id: eventId,
        notification: JSON.stringify(notification),
        attempts: 8,
        last_error: 'HTTP 500\nstack',
      });
    }
  });
  after(() => db.destroy());

  const delivery = (eventId: string) =>
    db('notification_deliveries').where({ event_id: eventId }).first('status', 'attempts', 'last_error');

  it('Given three dead letters, When listed as JSON, Then each shows its user, kind, attempts and the first line of its error', async () => {
    const { code, stdout, stderr } = await notificationsCli('dead-letters', 'list', '--json');
    expect(code, stderr).to.equal(0);
    const rows = JSON.parse(stdout) as { eventId: string; userId: string; attempts: number; lastError: string }[];
    expect(rows.map((r) => r.eventId)).to.have.members(ids);
    expect(rows.every((r) => r.attempts === 8 && r.lastError === 'HTTP 500')).to.equal(true);
  });

  it('When one is retried by id, Then its delivery is pending again with attempts from zero and its dead letter is gone; the others stay dead', async () => {
    const { code, stderr } = await notificationsCli('dead-letters', 'retry', ids[0]!);
    expect(code, stderr).to.equal(0);
    expect(await delivery(ids[0]!)).to.deep.equal({ status: 'pending', attempts: 0, last_error: null });
    expect(await db('notification_dead_letters').where({ event_id: ids[0]! }).first()).to.equal(undefined);
    expect((await delivery(ids[1]!))?.status).to.equal('dead');
  });

  it('When an unknown id is retried, Then it exits 1 naming it and changes nothing', async () => {
    const unknown = randomUUID();
    const { code, stderr } = await notificationsCli('dead-letters', 'retry', unknown);
    expect(code).to.equal(1);
    expect(stderr).to.include(`no dead letter for: ${unknown}`);
    expect(await db('notification_dead_letters').count({ n: '*' }).first()).to.deep.equal({ n: '2' });
  });

  it('When all are retried, Then no dead letter is left and every delivery is pending', async () => {
    const { code, stderr } = await notificationsCli('dead-letters', 'retry', '--all');
    expect(code, stderr).to.equal(0);
    expect(await db('notification_dead_letters').count({ n: '*' }).first()).to.deep.equal({ n: '0' });
    for (const id of ids) expect((await delivery(id))?.status).to.equal('pending');
  });

  it('When neither ids nor --all are given, Then it exits 2 with one line', async () => {
    const { code, stderr } = await notificationsCli('dead-letters', 'retry');
    expect(code).to.equal(2);
    expect(stderr.trim()).to.equal('error: name dead letters by event id or pass --all');
  });
});
