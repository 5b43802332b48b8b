import { createLogger } from '@concert/infra';
import { waitFor } from '@concert/infra/testing';
import { expect } from 'chai';
import { startPeriodicLoop } from '../src/runtime/periodic-loop.js';

const logger = createLogger({ LOG_LEVEL: 'silent' }, 'periodic-loop-test');

describe('startPeriodicLoop: rounds, pauses and wake-ups', () => {
  it('Given a loop pausing 60 s between rounds, When it is woken, Then the next round starts at once', async () => {
    let rounds = 0;
    const loop = startPeriodicLoop(
      'test',
      60_000,
      () => {
        rounds += 1;
        return Promise.resolve(false); // no more work: the loop pauses
      },
      logger,
    );
    try {
      await waitFor('the first round', () => rounds === 1, 2000, 5);

      loop.wake();

      await waitFor('the second round', () => rounds === 2, 2000, 5);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rounds).to.equal(2);
    } finally {
      await loop.stop();
    }
  });

  it('Given a loop woken during a round, When the round ends, Then it skips the pause once', async () => {
    let rounds = 0;
    let release: (() => void) | undefined;
    const loop = startPeriodicLoop(
      'test',
      60_000,
      () =>
        new Promise<boolean>((resolve) => {
          rounds += 1;
          release = () => resolve(false);
        }),
      logger,
    );
    try {
      await waitFor('the first round', () => rounds === 1, 2000, 5);

      loop.wake();
      release!();

      await waitFor('the second round', () => rounds === 2, 2000, 5);
      release!();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rounds).to.equal(2);
    } finally {
      release?.();
      await loop.stop();
    }
  });
});
