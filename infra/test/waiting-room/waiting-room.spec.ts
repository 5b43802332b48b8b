import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { WaitingRoom, type QueueEntry, type WaitingRoomSettings } from '../../src/waiting-room/waiting-room.js';
import { randomKeyPrefix, sleep } from '../../src/testing/test-redis.js';
import { patientRedis } from './patient-redis.js';

describe('Waiting room', () => {
  const prefix = randomKeyPrefix();
  let client: RedisClient;
  let raw: RedisClient;

  before(async () => {
    client = await patientRedis(prefix);
    raw = await patientRedis();
  });

  after(async () => {
    await deleteKeysWithPrefix(raw, prefix);
    await Promise.all([client.quit(), raw.quit()]);
  });

  const room = (settings: Partial<WaitingRoomSettings> = {}): WaitingRoom =>
    new WaitingRoom(client, { admitPerSecond: 1000, maxAdmitted: 100, admissionWindowMs: 60_000, ...settings });

  async function given(users: number, r: WaitingRoom): Promise<{ concertId: string; userIds: string[] }> {
    const concertId = randomUUID();
    const userIds = Array.from({ length: users }, (_, i) => `user-${i + 1}`);
    for (const userId of userIds) await r.enter(concertId, userId);
    return { concertId, userIds };
  }

  async function statuses(r: WaitingRoom, concertId: string, userIds: readonly string[]): Promise<QueueEntry[]> {
    const entries = await Promise.all(userIds.map((userId) => r.entryOf(concertId, userId)));
    return entries.map((entry) => {
      if (entry === undefined) throw new Error('entry vanished');
      return entry;
    });
  }

  /** Ticks after letting `ms` of admission credit accrue. */
  async function tickAfter(r: WaitingRoom, concertId: string, ms: number) {
    await sleep(ms);
    return r.tick(concertId);
  }

  it('When a user enters twice, Then the second call returns the same entry id and position, and the id leads back to the user', async () => {
    const r = room();
    const concertId = randomUUID();
    await r.enter(concertId, 'someone-else');
    const first = await r.enter(concertId, 'alice');
    const again = await r.enter(concertId, 'alice');

    expect(first).to.include({ status: 'WAITING', position: 2, peopleAhead: 1, concertId, userId: 'alice' });
    expect(first.entryId).to.match(/^[0-9a-f-]{36}$/);
    expect(again).to.deep.equal(first);
    expect(await r.ownerOf(first.entryId)).to.deep.equal({ concertId, userId: 'alice' });
    expect(await r.ownerOf(randomUUID())).to.equal(undefined);
    expect(await r.entryOf(concertId, 'never-entered')).to.equal(undefined);
  });

  it("When an ops console reads a room, Then it sees waiting and admitted users and the last in line's wait, and reading ticks nothing", async () => {
    const r = room({ admitPerSecond: 2, maxAdmitted: 100 });
    const { concertId, userIds } = await given(6, r);
    expect(await r.summary(concertId)).to.deep.equal({
      concertId,
      waiting: 6,
      admitted: 0,
      admissionRatePerSecond: 2,
      lastInLineWaitSeconds: 3,
    });
    await tickAfter(r, concertId, 1100);
    const after = await r.summary(concertId);
    expect(after).to.include({ waiting: 4, admitted: 2 });
    expect(after.lastInLineWaitSeconds).to.equal(Math.ceil(4 / after.admissionRatePerSecond));
    // The last user's own estimate is the same number.
    expect((await r.entryOf(concertId, userIds.at(-1)!))?.estimatedWaitSeconds).to.equal(after.lastInLineWaitSeconds);
    expect(await r.summary(concertId)).to.deep.equal(after);
    expect(await r.summary(randomUUID())).to.include({ waiting: 0, admitted: 0, lastInLineWaitSeconds: 0 });
  });

  it('When many users enter at once, Then each gets a distinct position and the positions run 1..n without gaps', async () => {
    const r = room();
    const concertId = randomUUID();
    const entries = await Promise.all(Array.from({ length: 300 }, (_, i) => r.enter(concertId, `fan-${i}`)));
    const positions = entries.map((e) => e.position).sort((a, b) => a - b);
    expect(positions).to.deep.equal(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.entryId)).size).to.equal(300);
  });

  it('When the same user enters other concerts, Then each concert has its own queue', async () => {
    const r = room();
    const [a, b] = [randomUUID(), randomUUID()];
    await r.enter(a, 'x');
    expect((await r.enter(a, 'bob')).position).to.equal(2);
    expect((await r.enter(b, 'bob')).position).to.equal(1);
  });

  it('Given users waiting, When ticks admit some, Then the admitted ones are always the lowest positions, each admitted once', async () => {
    const r = room({ admitPerSecond: 10 });
    const { concertId, userIds } = await given(30, r);
    let admittedTotal = 0;
    let partlyAdmitted = 0;
    const deadline = Date.now() + 20_000;
    while (admittedTotal < 30 && Date.now() < deadline) {
      const result = await tickAfter(r, concertId, 60);
      admittedTotal += result.admittedNow;
      const entries = await statuses(r, concertId, userIds);
      const admitted = entries
        .filter((e) => e.status === 'ADMITTED')
        .map((e) => e.position)
        .sort((a, b) => a - b);
      expect(admitted).to.deep.equal(Array.from({ length: admitted.length }, (_, k) => k + 1));
      expect(result.serving).to.equal(admitted.length);
      expect(entries.filter((e) => e.status === 'WAITING').every((e) => e.position > admitted.length)).to.equal(true);
      if (admitted.length > 0 && admitted.length < 30) partlyAdmitted++;
    }
    // Every user admitted, by the ticks' own count too: nobody twice.
    expect(admittedTotal).to.equal(30);
    expect(partlyAdmitted, 'admission happened over several ticks').to.be.greaterThan(1);
  });

  it('Given more users than the cap, When ticks keep running, Then no more than the cap are admitted at once', async () => {
    const r = room({ maxAdmitted: 5 });
    const { concertId, userIds } = await given(20, r);
    for (let i = 0; i < 4; i++) {
      const result = await tickAfter(r, concertId, 30);
      expect(result.admitted).to.be.at.most(5);
    }
    const entries = await statuses(r, concertId, userIds);
    expect(entries.filter((e) => e.status === 'ADMITTED').map((e) => e.userId)).to.deep.equal(userIds.slice(0, 5));
    expect(entries[5]).to.include({ status: 'WAITING', peopleAhead: 0 });
  });

  it('Given an admitted user, Then the entry says until when, and the status never moves backwards', async () => {
    const r = room({ admissionWindowMs: 5_000 });
    const { concertId } = await given(1, r);
    const before = Date.now();
    await tickAfter(r, concertId, 20);
    const entry = await r.entryOf(concertId, 'user-1');
    expect(entry).to.include({ status: 'ADMITTED', position: 1, peopleAhead: 0, estimatedWaitSeconds: 0 });
    expect(entry?.admittedUntil).to.be.within(before + 4_000, Date.now() + 5_100);
    expect(await r.enter(concertId, 'user-1')).to.deep.equal(entry);
  });

  it('Given a share below 1 (the gateway backing off), When ticks run, Then the cap and the rate shrink with it, and a full share restores them', async () => {
    const r = room({ maxAdmitted: 10, admitPerSecond: 1000 });
    const { concertId } = await given(20, r);
    await sleep(20);
    const backedOff = await r.tick(concertId, 0.3);
    expect(backedOff).to.include({ admittedNow: 3, admitted: 3 });
    await sleep(20);
    expect(await r.tick(concertId, 0.3)).to.include({ admittedNow: 0, admitted: 3 });
    await sleep(20);
    expect(await r.tick(concertId, 1)).to.include({ admittedNow: 7, admitted: 10 });
  });

  it('Given the cap is full, When an admitted user does not act within the window, Then they expire and the next user takes the slot', async () => {
    const r = room({ maxAdmitted: 2, admissionWindowMs: 1_000 });
    const { concertId, userIds } = await given(3, r);
    await tickAfter(r, concertId, 20);
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal([
      'ADMITTED',
      'ADMITTED',
      'WAITING',
    ]);

    const result = await tickAfter(r, concertId, 1_200);
    expect(result).to.include({ expiredNow: 2, admittedNow: 1, admitted: 1, waiting: 0 });
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal([
      'EXPIRED',
      'EXPIRED',
      'ADMITTED',
    ]);
  });

  it('Given the cap is full, When an admitted user completes a payment, Then the slot goes to the next user and the finished entry is over', async () => {
    const r = room({ maxAdmitted: 1 });
    const { concertId, userIds } = await given(2, r);
    await tickAfter(r, concertId, 20);
    await tickAfter(r, concertId, 20);
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal(['ADMITTED', 'WAITING']);

    expect(await r.complete(concertId, 'user-1')).to.equal(true);
    expect(await r.complete(concertId, 'user-1')).to.equal(false);
    await tickAfter(r, concertId, 20);
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal(['COMPLETED', 'ADMITTED']);
  });

  it('Given the cap is full, When an admitted fan leaves, Then the slot goes to the next user at the next tick, the entry is COMPLETED, and leaving again changes nothing', async () => {
    const r = room({ maxAdmitted: 1 });
    const { concertId, userIds } = await given(2, r);
    await tickAfter(r, concertId, 20);
    const admitted = await r.entryOf(concertId, 'user-1');
    expect(admitted?.status).to.equal('ADMITTED');

    expect(await r.leave(concertId, 'user-1', randomUUID())).to.equal(false); // not the fan's entry
    expect(await r.leave(concertId, 'user-1', admitted!.entryId)).to.equal(true);
    expect(await r.leave(concertId, 'user-1', admitted!.entryId)).to.equal(false);
    const result = await tickAfter(r, concertId, 20);
    expect(result).to.include({ admittedNow: 1, admitted: 1, waiting: 0 });
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal(['COMPLETED', 'ADMITTED']);
    expect(await r.enter(concertId, 'user-1')).to.include({ status: 'WAITING', position: 3 });
  });

  it('Given fans waiting behind a full cap, When one of them leaves, Then the tick passes their place without giving it a slot, and nobody behind moves back', async () => {
    const r = room({ maxAdmitted: 2 });
    const { concertId, userIds } = await given(4, r);
    await tickAfter(r, concertId, 20);
    await r.tick(concertId);
    const leaving = await r.entryOf(concertId, 'user-3');
    expect(leaving).to.include({ status: 'WAITING', position: 3 });
    const behind = await r.entryOf(concertId, 'user-4');
    expect(behind).to.include({ peopleAhead: 1 });

    expect(await r.leave(concertId, 'user-3', leaving!.entryId)).to.equal(true);
    expect((await r.entryOf(concertId, 'user-3'))?.status).to.equal('COMPLETED');
    await r.complete(concertId, 'user-1');
    await tickAfter(r, concertId, 20);
    expect((await statuses(r, concertId, userIds)).map((e) => e.status)).to.deep.equal([
      'COMPLETED',
      'ADMITTED',
      'COMPLETED',
      'ADMITTED',
    ]);
    expect((await r.summary(concertId)).admitted).to.equal(2);
  });

  it('Given a session ended by a purchase (COMPLETED), When the fan enters again, Then they get a new entry at the back of the queue', async () => {
    const r = room({ maxAdmitted: 1 });
    const { concertId } = await given(2, r);
    await tickAfter(r, concertId, 20);
    const admitted = await r.entryOf(concertId, 'user-1');
    expect(admitted?.status).to.equal('ADMITTED');
    await r.complete(concertId, 'user-1');
    await r.enter(concertId, 'user-3');

    const again = await r.enter(concertId, 'user-1');
    expect(again).to.include({ status: 'WAITING', position: 4, userId: 'user-1' });
    expect(again.entryId).to.not.equal(admitted?.entryId);
    expect(await r.enter(concertId, 'user-1')).to.deep.equal(again);
    expect(await r.ownerOf(again.entryId)).to.deep.equal({ concertId, userId: 'user-1' });
  });

  it('Given an admission window that lapsed (EXPIRED), When the fan enters again, Then they get a new entry at the back of the queue, and a waiting or admitted fan keeps theirs', async () => {
    const r = room({ maxAdmitted: 1, admissionWindowMs: 300 });
    const { concertId } = await given(2, r);
    await tickAfter(r, concertId, 20);
    const lapsed = await r.entryOf(concertId, 'user-1');
    expect(await r.enter(concertId, 'user-2')).to.include({ status: 'WAITING', position: 2 });
    await tickAfter(r, concertId, 400);
    expect((await r.entryOf(concertId, 'user-1'))?.status).to.equal('EXPIRED');
    const admitted = await r.entryOf(concertId, 'user-2');
    expect(admitted?.status).to.equal('ADMITTED');
    expect(await r.enter(concertId, 'user-2')).to.deep.equal(admitted);

    const again = await r.enter(concertId, 'user-1');
    expect(again).to.include({ status: 'WAITING', position: 3 });
    expect(again.entryId).to.not.equal(lapsed?.entryId);
  });

  it('Given many re-entries of one fan at once after their session ended, Then they all get the same one new entry', async () => {
    const r = room({ maxAdmitted: 1 });
    const { concertId } = await given(1, r);
    await tickAfter(r, concertId, 20);
    await r.complete(concertId, 'user-1');
    const entries = await Promise.all(Array.from({ length: 20 }, () => r.enter(concertId, 'user-1')));
    expect(new Set(entries.map((e) => e.entryId)).size).to.equal(1);
    expect(entries[0]).to.include({ status: 'WAITING', position: 2 });
  });

  it('Given no admission was measured yet, Then the estimated wait uses the configured rate', async () => {
    const r = room({ admitPerSecond: 10 });
    const { concertId } = await given(45, r);
    expect(await r.entryOf(concertId, 'user-45')).to.include({ peopleAhead: 44, estimatedWaitSeconds: 5 });
  });

  it('Given the cap holds admissions far below the configured rate, Then the estimated wait follows the measured rate', async () => {
    // Configured: 1,000/s. Real: 3 slots freed every 300 ms, about 10/s.
    const r = room({ admitPerSecond: 1000, maxAdmitted: 3, admissionWindowMs: 300, rateTimeConstantMs: 500 });
    const { concertId } = await given(200, r);
    const configuredEstimate = Math.ceil(200 / 1000);
    const started = Date.now();
    while (Date.now() - started < 3_000) await tickAfter(r, concertId, 25);

    const last = await r.entryOf(concertId, 'user-200');
    if (last?.status !== 'WAITING') throw new Error(`expected the last user to wait, got ${JSON.stringify(last)}`);
    const ahead = last.peopleAhead + 1;
    // Measured about 10/s (at most a few dozen); configured would say under a second.
    expect(last.estimatedWaitSeconds).to.be.at.least(Math.ceil(ahead / 50));
    expect(last.estimatedWaitSeconds).to.be.greaterThan(configuredEstimate * 3);
    // Never slower than the floor the cap guarantees: 3 per 300 ms.
    expect(last.estimatedWaitSeconds).to.be.at.most(Math.ceil(ahead / 10));
  });

  it('When a concert has nobody waiting or admitted, Then tickActive drops it, and entering again brings it back', async () => {
    const r = room({ maxAdmitted: 1, admissionWindowMs: 100 });
    const { concertId } = await given(1, r);
    expect(await r.activeConcerts()).to.include(concertId);
    await sleep(20);
    await r.tickActive();
    expect(await r.activeConcerts()).to.include(concertId);
    await sleep(150);
    const results = await r.tickActive();
    expect(results.find((t) => t.concertId === concertId)).to.include({ admitted: 0, waiting: 0 });
    expect(await r.activeConcerts()).to.not.include(concertId);

    await r.enter(concertId, 'late-comer');
    expect(await r.activeConcerts()).to.include(concertId);
  });

  it('Given many instances tick at the same moment, Then together they admit no faster than the rate', async () => {
    const r = room({ admitPerSecond: 20, maxAdmitted: 1000 });
    const { concertId } = await given(200, r);
    const started = Date.now();
    const others = [room({ admitPerSecond: 20, maxAdmitted: 1000 }), room({ admitPerSecond: 20, maxAdmitted: 1000 })];
    let serving = 0;
    while (Date.now() - started < 1_000) {
      const results = await Promise.all([r, ...others].map((instance) => instance.tick(concertId)));
      serving = Math.max(...results.map((t) => t.serving));
      await sleep(10);
    }
    const elapsedS = (Date.now() - started) / 1000;
    // Credit accrues from the first entry (a little before `started`): one second of burst at most on top.
    expect(serving).to.be.at.most(Math.ceil(20 * (elapsedS + 1)));
    expect(serving).to.be.at.least(10);
  });
});
