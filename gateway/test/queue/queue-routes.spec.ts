import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueueTokens } from '@concert/infra';
import { waitFor } from '@concert/infra/testing';
import { problemOf, QueueHarness } from './queue-harness.js';

describe('gateway: the waiting room over HTTP (queue entries and the queue-token check)', function () {
  this.timeout(60_000);
  // Built in before(): the global setup picks the run's database after describe blocks ran.
  let queue: QueueHarness;
  let concert: { concertId: string; scheduleId: string };
  let otherConcert: { concertId: string; scheduleId: string };

  before(async () => {
    queue = await new QueueHarness({
      QUEUE_ADMIT_PER_SECOND: '1000',
      QUEUE_MAX_ADMITTED: '100',
      QUEUE_TICK_INTERVAL_MS: '50',
    }).start();
    concert = await queue.givenConcertWithSchedule();
    otherConcert = await queue.givenConcertWithSchedule();
  });
  after(() => queue?.stop());

  /** Enters, waits for admission, returns the entry id and queue token. */
  async function admit(user: string, concertId: string): Promise<{ entryId: string; queueToken: string }> {
    const entered = await queue.call('POST', '/queue/entries', { user, body: { concertId } });
    expect(entered.status, JSON.stringify(entered.body)).to.equal(202);
    const entryId = String(entered.body.entryId);
    return { entryId, queueToken: (await queue.admitted(user, entryId)).queueToken };
  }

  it('When a user enters a concert twice, Then both answers are 202 with the same entry and position', async () => {
    const user = randomUUID();
    const first = await queue.call('POST', '/queue/entries', { user, body: { concertId: concert.concertId } });
    const again = await queue.call('POST', '/queue/entries', { user, body: { concertId: concert.concertId } });
    expect(first.status).to.equal(202);
    expect(Object.keys(first.body).sort()).to.deep.equal(['entryId', 'estimatedWaitSeconds', 'position', 'status']);
    expect(again.body.entryId).to.equal(first.body.entryId);
    expect(again.body.position).to.equal(first.body.position);
  });

  it('When the concert does not exist or the body is bad, Then 404 concert-not-found or 400 validation', async () => {
    const user = randomUUID();
    expect(problemOf(await queue.call('POST', '/queue/entries', { user, body: { concertId: randomUUID() } }))).to.equal(
      '404 concert-not-found',
    );
    expect(problemOf(await queue.call('POST', '/queue/entries', { user, body: { concertId: 'bad id!' } }))).to.equal(
      '400 validation',
    );
    expect(
      problemOf(await queue.call('POST', '/queue/entries', { user, body: { concertId: concert.concertId, extra: 1 } })),
    ).to.equal('400 validation');
    expect(problemOf(await queue.call('POST', '/queue/entries', { body: { concertId: concert.concertId } }))).to.equal(
      '401 unauthenticated',
    );
  });

  it('When the owner polls an entry, Then it becomes ADMITTED with a queue token and its expiry; a stranger gets 403, an unknown id 404', async () => {
    const user = randomUUID();
    const entered = await queue.call('POST', '/queue/entries', { user, body: { concertId: concert.concertId } });
    const entryId = String(entered.body.entryId);
    const admitted = await queue.admitted(user, entryId);
    expect(admitted.body).to.include({
      entryId,
      status: 'ADMITTED',
      position: entered.body.position,
      peopleAhead: 0,
      estimatedWaitSeconds: 0,
    });
    expect(Date.parse(String(admitted.body.expiresAt))).to.be.greaterThan(Date.now());
    const claims = new QueueTokens(queue.config.QUEUE_TOKEN_SECRET).verify(admitted.queueToken, {
      userId: user,
      concertId: concert.concertId,
    });
    expect(claims.entryId).to.equal(entryId);

    expect(problemOf(await queue.call('GET', `/queue/entries/${entryId}`, { user: randomUUID() }))).to.equal(
      '403 forbidden',
    );
    expect(problemOf(await queue.call('GET', `/queue/entries/${randomUUID()}`, { user }))).to.equal(
      '404 entry-not-found',
    );
  });

  it('When a hold comes without a queue token, with a forged one, or with one for another user or concert, Then 401 and nothing gets through (the concert is checked by the command API from the forwarded verified concert)', async () => {
    const user = randomUUID();
    const { queueToken } = await admit(user, concert.concertId);
    const otherUser = randomUUID();
    const { queueToken: otherUsersToken } = await admit(otherUser, concert.concertId);
    const { queueToken: otherConcertToken } = await admit(user, otherConcert.concertId);
    const forged = new QueueTokens('not-the-gateway-secret-at-all').sign({
      userId: user,
      concertId: concert.concertId,
      entryId: randomUUID(),
      expiresAt: Date.now() + 60_000,
    });
    const hold = { scheduleId: concert.scheduleId, seatIds: ['A-1'] };
    const before = queue.upstream.length;

    expect(problemOf(await queue.call('POST', '/reservations', { user, body: hold }))).to.equal(
      '401 queue-token-required',
    );
    expect(problemOf(await queue.call('POST', '/Reservations/', { user, body: hold }))).to.equal(
      '401 queue-token-required',
    );
    expect(
      problemOf(await queue.call('POST', '/payments/?x=1', { user, body: { reservationId: randomUUID() } })),
    ).to.equal('401 queue-token-required');
    expect(problemOf(await queue.call('POST', '/reservations', { user, body: hold, queueToken: 'garbage' }))).to.equal(
      '401 queue-token-invalid',
    );
    expect(problemOf(await queue.call('POST', '/reservations', { user, body: hold, queueToken: forged }))).to.equal(
      '401 queue-token-invalid',
    );
    expect(
      problemOf(await queue.call('POST', '/reservations', { user, body: hold, queueToken: otherUsersToken })),
    ).to.equal('401 queue-token-invalid');
    expect(
      problemOf(await queue.call('POST', '/reservations', { user, body: hold, queueToken: otherConcertToken })),
    ).to.equal('401 queue-token-invalid');
    expect(
      problemOf(
        await queue.call('POST', '/reservations', {
          user,
          body: { scheduleId: randomUUID(), seatIds: ['A-1'] },
          queueToken,
        }),
      ),
    ).to.equal('404 schedule-not-found');
    expect(
      problemOf(await queue.call('POST', '/reservations', { user, body: { seatIds: ['A-1'] }, queueToken })),
    ).to.equal('400 validation');
    expect(queue.upstream.length).to.equal(before);

    const held = await queue.call('POST', '/reservations', { user, body: hold, queueToken });
    expect(held.status).to.equal(201);
    expect(queue.upstream.at(-1)).to.deep.include({ path: '/reservations', userId: user });
  });

  it('Given a hold made through the gateway, When the owner pays with the token, Then it passes without a read model, the session is COMPLETED, and entering again gives a new entry', async () => {
    const user = randomUUID();
    const { entryId, queueToken } = await admit(user, concert.concertId);
    const held = await queue.call('POST', '/reservations', {
      user,
      body: { scheduleId: concert.scheduleId, seatIds: ['A-2'] },
      queueToken,
    });
    // The stand-in's reservation exists nowhere but in its answer: only the remembered concert can find it.
    const reservationId = String(held.body.reservationId);

    const paid = await queue.call('POST', '/payments', { user, body: { reservationId }, queueToken });
    expect(paid.status, JSON.stringify(paid.body)).to.equal(201);

    const deadline = Date.now() + 5_000;
    let status: unknown;
    while (
      Date.now() < deadline &&
      (status = (await queue.call('GET', `/queue/entries/${entryId}`, { user })).body.status) !== 'COMPLETED'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).to.equal('COMPLETED');
    const again = await queue.call('POST', '/reservations', {
      user,
      body: { scheduleId: concert.scheduleId, seatIds: ['A-3'] },
      queueToken,
    });
    expect(problemOf(again)).to.equal('401 queue-token-invalid');

    // A second ticket: the fan queues again and gets a new place at the back.
    const reentered = await queue.call('POST', '/queue/entries', { user, body: { concertId: concert.concertId } });
    expect(reentered.status).to.equal(202);
    expect(reentered.body.entryId).to.not.equal(entryId);
    expect(reentered.body.status).to.be.oneOf(['WAITING', 'ADMITTED']);
  });

  it('Given a reservation the gateway never saw, When its owner pays, Then the concert comes from the query API; a stranger gets 403', async () => {
    const user = randomUUID();
    const { queueToken } = await admit(user, concert.concertId);
    const reservationId = await queue.givenReservation(user, concert.scheduleId);
    const paid = await queue.call('POST', '/payments', { user, body: { reservationId }, queueToken });
    expect(paid.status, JSON.stringify(paid.body)).to.equal(201);

    const stranger = randomUUID();
    const { queueToken: strangersToken } = await admit(stranger, concert.concertId);
    const theirs = await queue.givenReservation(user, concert.scheduleId);
    expect(
      problemOf(
        await queue.call('POST', '/payments', {
          user: stranger,
          body: { reservationId: theirs },
          queueToken: strangersToken,
        }),
      ),
    ).to.equal('403 forbidden');
    expect(
      problemOf(await queue.call('POST', '/payments', { user, body: { reservationId: randomUUID() }, queueToken })),
    ).to.equal('404 reservation-not-found');
  });

  it('Given a reservation already paid (the session ended), When its owner pays it again with the old token, Then 409 already-paid, not a queue-token refusal; another state that cannot be paid is 409 reservation-not-held', async () => {
    const user = randomUUID();
    const { queueToken } = await admit(user, concert.concertId);
    const reservationId = await queue.givenReservation(user, concert.scheduleId);
    const paid = await queue.call('POST', '/payments', { user, body: { reservationId }, queueToken });
    expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
    await queue.givenConfirmed(reservationId);
    const before = queue.upstream.length;

    const again = await queue.call('POST', '/payments', { user, body: { reservationId }, queueToken });
    expect(problemOf(again)).to.equal('409 already-paid');
    expect(String(again.body.detail)).to.match(/CONFIRMED/);
    expect(queue.upstream.length).to.equal(before);
    const cancelled = await queue.givenReservation(user, concert.scheduleId, 'CANCELLED');
    expect(
      problemOf(await queue.call('POST', '/payments', { user, body: { reservationId: cancelled }, queueToken })),
    ).to.equal('409 reservation-not-held');

    // A reservation that is still HELD keeps the waiting room's answer: the session is over.
    const other = await queue.givenReservation(user, concert.scheduleId);
    expect(
      problemOf(await queue.call('POST', '/payments', { user, body: { reservationId: other }, queueToken })),
    ).to.equal('401 queue-token-invalid');
  });

  it('When users wait or are admitted, Then the gateway reports both per concert in its metrics', async () => {
    await admit(randomUUID(), concert.concertId);
    const text = await queue.registry.metrics();
    expect(text).to.match(new RegExp(`queue_admitted_users\\{concert="${concert.concertId}"\\} [1-9]`));
    expect(text).to.include('queue_waiting_users');
  });

  // Last: it stops the query API.
  it('When the query API is gone, Then holds still pass, on a schedule held before and on one the read models never showed the gateway', async () => {
    const user = randomUUID();
    const { queueToken } = await admit(user, concert.concertId);
    expect(
      (
        await queue.call('POST', '/reservations', {
          user,
          body: { scheduleId: concert.scheduleId, seatIds: ['B-1'] },
          queueToken,
        })
      ).status,
    ).to.equal(201);
    const unseen = await queue.givenConcertWithSchedule();
    const latecomer = randomUUID();
    const { queueToken: latecomersToken } = await admit(latecomer, unseen.concertId);

    await queue.stopQueryApi();

    expect(
      (
        await queue.call('POST', '/reservations', {
          user,
          body: { scheduleId: concert.scheduleId, seatIds: ['B-2'] },
          queueToken,
        })
      ).status,
    ).to.equal(201);
    // A hold needs no read model: the command API knows the schedule's concert from its own catalog.
    const first = await queue.call('POST', '/reservations', {
      user: latecomer,
      body: { scheduleId: unseen.scheduleId, seatIds: ['B-3'] },
      queueToken: latecomersToken,
    });
    expect(first.status).to.equal(201);
  });

  describe('with one admission slot (leaving, and the pace of polls)', () => {
    let room: QueueHarness;
    let oneSlot: { concertId: string; scheduleId: string };

    before(async () => {
      room = await new QueueHarness(
        {
          QUEUE_ADMIT_PER_SECOND: '1000',
          QUEUE_MAX_ADMITTED: '1',
          QUEUE_TICK_INTERVAL_MS: '50',
          // Every hold is "slow" here (the stand-in answers after 20 ms): the admission governor must back off.
          QUEUE_ADMISSION_TARGET_MS: '5',
        },
        { holdDelayMs: 20 },
      ).start();
      oneSlot = await room.givenConcertWithSchedule();
    });
    after(() => room?.stop());

    const enter = async (user: string) => {
      const entered = await room.call('POST', '/queue/entries', { user, body: { concertId: oneSlot.concertId } });
      expect(entered.status, JSON.stringify(entered.body)).to.equal(202);
      return entered;
    };

    it('Given one fan admitted and one waiting, When the admitted fan leaves, Then the slot goes to the waiting fan, the one who left is COMPLETED, their token no longer holds, and entering again starts at the back', async () => {
      const first = randomUUID();
      const second = randomUUID();
      const firstEntry = String((await enter(first)).body.entryId);
      const { queueToken } = await room.admitted(first, firstEntry);
      const waiting = await enter(second);
      const secondEntry = String(waiting.body.entryId);
      expect(waiting.body.status).to.equal('WAITING');

      expect(problemOf(await room.call('POST', `/queue/entries/${firstEntry}/leave`, { user: second }))).to.equal(
        '403 forbidden',
      );
      expect(problemOf(await room.call('POST', `/queue/entries/${randomUUID()}/leave`, { user: first }))).to.equal(
        '404 entry-not-found',
      );
      expect((await room.call('GET', `/queue/entries/${secondEntry}`, { user: second })).body.status).to.equal(
        'WAITING',
      );

      const left = await room.call('POST', `/queue/entries/${firstEntry}/leave`, { user: first });
      expect(left.status).to.equal(200);
      expect(left.body).to.include({ entryId: firstEntry, status: 'COMPLETED' });
      expect(left.body).to.not.have.property('queueToken');
      await room.admitted(second, secondEntry);
      const hold = { scheduleId: oneSlot.scheduleId, seatIds: ['A-1'] };
      expect(problemOf(await room.call('POST', '/reservations', { user: first, body: hold, queueToken }))).to.equal(
        '401 queue-token-invalid',
      );
      const again = await room.call('POST', `/queue/entries/${firstEntry}/leave`, { user: first });
      expect(again.body).to.include({ entryId: firstEntry, status: 'COMPLETED' });

      const reentered = await enter(first);
      expect(reentered.body.entryId).to.not.equal(firstEntry);
      expect(reentered.body.status).to.equal('WAITING');
      // The slot is free again for the next spec.
      await room.call('POST', `/queue/entries/${String(reentered.body.entryId)}/leave`, { user: first });
      await room.call('POST', `/queue/entries/${secondEntry}/leave`, { user: second });
    });

    it("When admitted fans' holds take longer than QUEUE_ADMISSION_TARGET_MS, Then the gateway backs its admission off (queue_admission_share below 1)", async () => {
      const share = async () => {
        const line = (await room.registry.metrics()).split('\n').find((l) => l.startsWith('queue_admission_share '));
        return Number(line?.split(' ')[1]);
      };
      expect(await share()).to.equal(1);
      const fan = randomUUID();
      const entryId = String((await enter(fan)).body.entryId);
      const { queueToken } = await room.admitted(fan, entryId);
      const hold = { scheduleId: oneSlot.scheduleId, seatIds: ['A-1'] };
      for (let i = 0; i < 5; i++) {
        const held = await room.call('POST', '/reservations', { user: fan, body: hold, queueToken });
        expect(held.status).to.equal(201);
      }
      await waitFor('the governor to back off', async () => (await share()) < 1, 5_000, 100);
      await room.call('POST', `/queue/entries/${entryId}/leave`, { user: fan });
    });

    it('When a fan waits, Then every answer says when to poll again (Retry-After, 1 to 30 s); an admitted entry carries none; a waiting fan who leaves is COMPLETED', async () => {
      const admittedFan = randomUUID();
      const admittedEntry = String((await enter(admittedFan)).body.entryId);
      await room.admitted(admittedFan, admittedEntry);
      const waitingFan = randomUUID();
      const entered = await enter(waitingFan);
      const polled = await room.call('GET', `/queue/entries/${String(entered.body.entryId)}`, { user: waitingFan });

      for (const answer of [entered, polled]) {
        expect(answer.body.status).to.equal('WAITING');
        expect(Number(answer.headers.get('retry-after'))).to.be.within(1, 30);
      }
      const admitted = await room.call('GET', `/queue/entries/${admittedEntry}`, { user: admittedFan });
      expect(admitted.headers.get('retry-after')).to.equal(null);

      const left = await room.call('POST', `/queue/entries/${String(entered.body.entryId)}/leave`, {
        user: waitingFan,
      });
      expect(left.body.status).to.equal('COMPLETED');
      expect(left.headers.get('retry-after')).to.equal(null);
      await room.call('POST', `/queue/entries/${admittedEntry}/leave`, { user: admittedFan });
    });
  });
});
