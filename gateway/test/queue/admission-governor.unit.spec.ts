import { expect } from 'chai';
import { AdmissionGovernor } from '../../src/queue/admission-governor.js';

describe('admission governor: admission follows what the write path serves', () => {
  const TARGET_MS = 1000;
  const PERIOD_MS = 1000;
  const governor = () => new AdmissionGovernor({ targetMs: TARGET_MS, periodMs: PERIOD_MS });

  /** One period in which admitted fans' commands took these times; returns the share after it. */
  function period(g: AdmissionGovernor, at: number, latencies: readonly number[]): number {
    for (const ms of latencies) g.observe(ms);
    return g.share(at);
  }

  it('Given fast commands, Then the whole configured admission is used', () => {
    const g = governor();
    expect(g.share(0)).to.equal(1);
    expect(period(g, PERIOD_MS, Array(50).fill(200))).to.equal(1);
  });

  it('When more than 10% of the commands in a period are slower than the target, Then the share drops to 70%, period after period, never below 5%', () => {
    const g = governor();
    g.share(0);
    const slow = [...Array<number>(80).fill(200), ...Array<number>(20).fill(3000)];
    expect(period(g, 1 * PERIOD_MS, slow)).to.be.closeTo(0.7, 1e-9);
    expect(period(g, 2 * PERIOD_MS, slow)).to.be.closeTo(0.49, 1e-9);
    let share = 1;
    for (let i = 3; i < 30; i++) share = period(g, i * PERIOD_MS, slow);
    expect(share).to.equal(0.05);
  });

  it('When 10% or fewer are slow, or none came, Then the share grows back by 0.1 a period up to 1', () => {
    const g = governor();
    g.share(0);
    period(g, PERIOD_MS, [5000]);
    period(g, 2 * PERIOD_MS, [5000]);
    expect(g.share(2 * PERIOD_MS)).to.be.closeTo(0.49, 1e-9);
    const mostlyFast = [...Array<number>(90).fill(100), ...Array<number>(10).fill(5000)];
    expect(period(g, 3 * PERIOD_MS, mostlyFast)).to.be.closeTo(0.59, 1e-9);
    expect(period(g, 4 * PERIOD_MS, [])).to.be.closeTo(0.69, 1e-9);
    for (let i = 5; i < 12; i++) period(g, i * PERIOD_MS, []);
    expect(g.share(12 * PERIOD_MS)).to.equal(1);
  });

  it('Within a period, Then the share does not move however slow the commands are', () => {
    const g = governor();
    g.share(0);
    expect(period(g, PERIOD_MS / 2, [9000, 9000])).to.equal(1);
    expect(period(g, PERIOD_MS, [])).to.be.closeTo(0.7, 1e-9);
  });

  it('Given a target of 0, Then the governor is off: the share stays 1', () => {
    const g = new AdmissionGovernor({ targetMs: 0, periodMs: PERIOD_MS });
    for (let i = 1; i < 5; i++) expect(period(g, i * PERIOD_MS, [60_000])).to.equal(1);
  });
});
