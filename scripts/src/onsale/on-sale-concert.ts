import { signDevToken, type Config } from '@concert/infra';
import type { InvariantResult } from './check-invariants.js';
import { undecided, type HttpRecorder } from './http-recorder.js';

export interface OnSaleConcert {
  concertId: string;
  scheduleId: string;
  /** Front to back. */
  seatIds: string[];
  /** A second date that no fan targets: after the run, a new fan must still be able to hold there. */
  probeScheduleId: string;
}

/** Creates the concert, its on-sale date (`seats` seats, VIP in front) and a probe date, through the gateway; waits until the read side shows them. */
export async function createOnSaleConcert(http: HttpRecorder, config: Config, seats: number): Promise<OnSaleConcert> {
  const admin = signDevToken(config, { userId: 'onsale-admin', roles: ['admin'], expiresInSeconds: 4 * 3600 });
  // A system that has just started may lose the very first connection: an undecided answer is
  // asked again (at worst a second, unused concert is created).
  let concert = await http.send('probe', 'POST', '/admin/concerts', admin, { title: 'On-sale', venue: 'Arena' });
  for (let attempt = 1; attempt < 5 && undecided(concert); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    concert = await http.send('probe', 'POST', '/admin/concerts', admin, { title: 'On-sale', venue: 'Arena' });
  }
  if (concert.status !== 201) throw new Error(`create concert: ${concert.label} ${JSON.stringify(concert.body)}`);
  const concertId = String(concert.body.concertId);
  const seatIds = Array.from({ length: seats }, (_, i) => `S-${i + 1}`);
  const schedule = async (ids: readonly string[]): Promise<string> => {
    const body = {
      startsAt: '2027-06-01T19:00:00.000Z',
      seats: ids.map((seatId, i) => ({
        seatId,
        grade: i < ids.length / 10 ? 'VIP' : 'R',
        price: i < ids.length / 10 ? 150_000 : 90_000,
      })),
    };
    const added = await http.send('probe', 'POST', `/admin/concerts/${concertId}/schedules`, admin, body);
    if (added.status !== 201) throw new Error(`add schedule: ${added.label} ${JSON.stringify(added.body)}`);
    return String(added.body.scheduleId);
  };
  const scheduleId = await schedule(seatIds);
  const probeScheduleId = await schedule(['P-1', 'P-2', 'P-3', 'P-4']);
  for (const path of [
    `/concerts/${concertId}/schedules?all=true`,
    `/schedules/${scheduleId}/seats`,
    `/schedules/${probeScheduleId}/seats`,
  ]) {
    await until(async () => (await http.send('probe', 'GET', path, admin)).status === 200, 60_000, path);
  }
  return { concertId, scheduleId, seatIds, probeScheduleId };
}

/** A new fan queues, is admitted and holds a seat of the probe date: the system takes new holds. */
export async function newHoldWorks(
  http: HttpRecorder,
  config: Config,
  concert: OnSaleConcert,
  attempt: number,
): Promise<InvariantResult> {
  const name = 'the system takes new holds';
  const userId = `probe-${attempt}-${Date.now()}`;
  const token = signDevToken(config, { userId, roles: [], expiresInSeconds: 3600 });
  try {
    const entered = await http.send('probe', 'POST', '/queue/entries', token, { concertId: concert.concertId });
    if (entered.status !== 202) return { name, ok: false, detail: `queue entry answered ${entered.label}` };
    let queueToken = '';
    await until(
      async () => {
        const polled = await http.send('probe', 'GET', `/queue/entries/${String(entered.body.entryId)}`, token);
        queueToken = typeof polled.body.queueToken === 'string' ? polled.body.queueToken : '';
        return queueToken !== '';
      },
      60_000,
      'admission',
    );
    const seatId = `P-${(attempt % 4) + 1}`;
    for (let tries = 0; ; tries++) {
      const held = await http.send(
        'probe',
        'POST',
        '/reservations',
        token,
        { scheduleId: concert.probeScheduleId, seatIds: [seatId] },
        { 'queue-token': queueToken },
      );
      if (undecided(held) && tries < 60) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      return { name, ok: held.status === 201, detail: `a new fan's hold of ${seatId} answered ${held.label}` };
    }
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message };
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
