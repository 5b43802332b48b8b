import { expect } from 'chai';
import { killProcess, restartRedis } from '../src/chaos/faults.js';
import { runChaos, type ChaosResult } from '../src/chaos/run-chaos.js';

/**
 * The short variant of `npm run chaos`: a few hundred fans buy while each process kind is
 * killed once and Redis restarts (the system's own redis-server and nats-server).
 */
describe('Given an on-sale of 200 fans on the system as npm start runs it, with its own Redis and NATS', function () {
  // About 2 minutes on a quiet machine; the margin is for a machine shared with other builds.
  this.timeout(480_000);
  let result: ChaosResult;
  const lines: string[] = [];

  before(async () => {
    result = await runChaos({
      fans: 200,
      seats: 50,
      arrivalSeconds: 20,
      holdSeconds: 6,
      gapMs: 500,
      faults: [
        killProcess('gateway'),
        killProcess('command-api-1'),
        killProcess('query-api-1'),
        killProcess('projectors'),
        killProcess('workers'),
        restartRedis,
      ],
      log: (line) => lines.push(line),
      progress: (line) => lines.push(line),
    });
  });

  const invariant = (name: string): void => {
    const found = result.run.invariants.find((i) => i.name.startsWith(name));
    expect(found, `no invariant "${name}"`).to.not.equal(undefined);
    expect(found!.ok, `${found!.name}: ${found!.detail}\n\n${result.report}`).to.equal(true);
  };

  describe('When every process kind is SIGKILLed once and Redis restarts during the sale', () => {
    it('Then the system recovers from each fault', () => {
      expect(result.faults.map((f) => f.fault)).to.have.length(6);
      for (const fault of result.faults)
        expect(fault.recoveredAfterS, `${fault.fault} (${fault.did})\n${result.report}`).to.not.equal(undefined);
    });

    it('Then no seat is in two confirmed reservations', () => invariant('no seat sold twice'));

    it('Then every wallet = charged - confirmed', () => invariant('every wallet'));

    it('Then every payment answered 201 is CONFIRMED and every CONFIRMED reservation has its payment', () =>
      invariant('every 201 payment'));

    it('Then no reservation is HELD past its deadline + 10 s', () => invariant('no hold past'));

    it('Then every read model equals a fresh rebuild', () => invariant('every read model'));

    it('Then the system takes new holds', () => invariant('the system takes new holds'));
  });
});
