import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { waitingRoomKeys } from '../../src/waiting-room/waiting-room-keys.js';
import { WaitingRoom, type TickResult, type WaitingRoomSettings } from '../../src/waiting-room/waiting-room.js';
import { randomKeyPrefix, sleep } from '../../src/testing/test-redis.js';
import { patientRedis } from './patient-redis.js';

/**
 * Issue 5, "Waiting room fairness": 5,000 users enter concurrently while two gateway
 * instances (each its own connection and WaitingRoom) tick concurrently, and an observer
 * samples the admitted set throughout. Over the whole run: admission order equals position
 * order, no one is admitted twice, and the admitted count never exceeds the cap.
 */
describe('Waiting room fairness', function () {
  this.timeout(120_000);

  const USERS = 5_000;
  const CAP = 300;
  const settings: WaitingRoomSettings = { admitPerSecond: 3_000, maxAdmitted: CAP, admissionWindowMs: 400 };
  const prefix = randomKeyPrefix();
  const concertId = randomUUID();
  let instances: RedisClient[];
  let raw: RedisClient;

  before(async () => {
    instances = await Promise.all([patientRedis(prefix), patientRedis(prefix), patientRedis(prefix)]);
    raw = await patientRedis();
  });

  after(async () => {
    await deleteKeysWithPrefix(raw, prefix);
    await Promise.all([...instances, raw].map((c) => c.quit()));
  });

  it('Given 5,000 users entering at once and two instances ticking, Then admission follows positions, once each, never above the cap', async () => {
    const [entering, tickerA, tickerB] = instances as [RedisClient, RedisClient, RedisClient];
    const entryRoom = new WaitingRoom(entering, settings);
    const ticks: TickResult[] = [];
    let done = false;

    const ticker = async (room: WaitingRoom): Promise<void> => {
      while (!done) {
        ticks.push(await room.tick(concertId));
        await sleep(5);
      }
    };
    // What the observer saw: when each position was first seen admitted, and when it left.
    const admittedAt = new Map<number, number>();
    const leftAt = new Map<number, number>();
    let readmitted = 0;
    let maxSeen = 0;
    const observer = async (): Promise<void> => {
      while (!done) {
        const members = await raw.zrange(prefix + waitingRoomKeys.admitted(concertId), 0, -1, 'WITHSCORES');
        const now = new Set<number>();
        for (let i = 0; i < members.length; i += 2) {
          const position = Number(members[i]);
          now.add(position);
          // The score is the end of the window: admission time = score - window.
          if (!admittedAt.has(position)) admittedAt.set(position, Number(members[i + 1]) - settings.admissionWindowMs);
          if (leftAt.has(position)) readmitted++;
        }
        for (const position of admittedAt.keys())
          if (!now.has(position) && !leftAt.has(position)) leftAt.set(position, Date.now());
        maxSeen = Math.max(maxSeen, now.size);
        await sleep(2);
      }
    };

    const running = [
      ticker(new WaitingRoom(tickerA, settings)),
      ticker(new WaitingRoom(tickerB, settings)),
      observer(),
    ];
    const userIds = Array.from({ length: USERS }, (_, i) => `fan-${i}`);
    // Everyone at once, in an order unrelated to their names.
    const shuffled = [...userIds].sort(() => Math.random() - 0.5);
    const entries = await Promise.all(shuffled.map((userId) => entryRoom.enter(concertId, userId)));
    const positionOf = new Map(entries.map((e) => [e.userId, e.position]));

    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !(ticks.at(-1)?.serving === USERS && ticks.at(-1)?.admitted === 0)) await sleep(50);
    done = true;
    await Promise.all(running);

    // Positions: each user one, 1..5000, no gaps or duplicates; re-reading gives the same.
    expect([...positionOf.values()].sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: USERS }, (_, i) => i + 1),
    );
    const sample = userIds.filter((_, i) => i % 97 === 0);
    for (const userId of sample)
      expect((await entryRoom.entryOf(concertId, userId))?.position).to.equal(positionOf.get(userId));

    // Everybody admitted exactly once: the ticks' admissions add up to the users, none twice.
    expect(ticks.at(-1)?.serving, 'everyone was admitted in time').to.equal(USERS);
    expect(ticks.reduce((sum, t) => sum + t.admittedNow, 0)).to.equal(USERS);
    expect(readmitted, 'a position reappeared after leaving the admitted set').to.equal(0);

    // Never above the cap, as the ticks report it and as the observer saw it.
    expect(Math.max(...ticks.map((t) => t.admitted))).to.be.at.most(CAP);
    expect(maxSeen).to.be.at.most(CAP);
    expect(maxSeen, 'the cap was reached at some point').to.equal(CAP);

    // Admission order equals position order: a later position was never admitted earlier.
    const observed = [...admittedAt.entries()].sort(([a], [b]) => a - b);
    expect(observed.length, 'the observer saw a good share of the admissions').to.be.greaterThan(USERS / 4);
    for (let i = 1; i < observed.length; i++) {
      const [position, at] = observed[i]!;
      const [previous, previousAt] = observed[i - 1]!;
      if (at < previousAt)
        throw new Error(`position ${position} admitted at ${at}, before position ${previous} at ${previousAt}`);
    }

    // At the end nobody is left waiting or admitted, and every entry reads EXPIRED.
    const last = await entryRoom.entryOf(concertId, 'fan-0');
    expect(last?.status).to.equal('EXPIRED');
  });
});
