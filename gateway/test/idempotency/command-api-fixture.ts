import { randomBytes, randomUUID } from 'node:crypto';
import { signDevToken, type Config } from '@concert/infra';
import { freePort, startService, type ServiceProcess } from '@concert/infra/testing';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

export async function send(
  method: string,
  url: string,
  options: { token: string; body?: unknown; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: the test reads `text`
  }
  return { status: response.status, headers: response.headers, text, body };
}

/**
 * A real command-api process on the run's database, and the catalog a payment needs: a
 * schedule with plenty of seats, so each test holds seats of its own.
 */
export class CommandApiFixture {
  service!: ServiceProcess;
  scheduleId!: string;
  private nextSeat = 0;
  readonly run = randomBytes(4).toString('hex');

  constructor(private readonly config: Config) {}

  token(userId: string, roles: string[] = []): string {
    return signDevToken(this.config, { userId, roles, expiresInSeconds: 600 });
  }

  newUser(): { userId: string; token: string } {
    const userId = `fan-${this.run}-${randomUUID()}`;
    return { userId, token: this.token(userId) };
  }

  async start(env: Record<string, string>): Promise<void> {
    const port = await freePort();
    this.service = await startService('command-api/src/main.ts', port, { ...env, COMMAND_API_PORT: String(port) });
    const admin = this.token(`admin-${this.run}`, ['admin']);
    const concert = await send('POST', `${this.service.url}/admin/concerts`, {
      token: admin,
      body: { title: 'Idempotency', venue: 'Hall' },
    });
    if (concert.status !== 201) throw new Error(`create concert: ${concert.status} ${concert.text}`);
    const seats = Array.from({ length: 200 }, (_, i) => ({ seatId: `A-${i + 1}`, grade: 'R', price: 1000 }));
    const schedule = await send(
      'POST',
      `${this.service.url}/admin/concerts/${String(concert.body.concertId)}/schedules`,
      {
        token: admin,
        body: { startsAt: '2027-06-01T19:00:00.000Z', seats },
      },
    );
    if (schedule.status !== 201) throw new Error(`add schedule: ${schedule.status} ${schedule.text}`);
    this.scheduleId = String(schedule.body.scheduleId);
  }

  /** A held reservation of one seat (1000) for `token`'s user, straight at the command API. */
  async hold(token: string): Promise<string> {
    const seatId = `A-${++this.nextSeat}`;
    const held = await send('POST', `${this.service.url}/reservations`, {
      token,
      body: { scheduleId: this.scheduleId, seatIds: [seatId] },
    });
    if (held.status !== 201) throw new Error(`hold: ${held.status} ${held.text}`);
    return String(held.body.reservationId);
  }

  /** Charges the wallet straight at the command API; returns the new balance. */
  async charge(token: string, amount: number): Promise<number> {
    const charged = await send('POST', `${this.service.url}/wallet/charges`, { token, body: { amount } });
    if (charged.status !== 201) throw new Error(`charge: ${charged.status} ${charged.text}`);
    return Number(charged.body.balance);
  }
}
