import { expect } from 'chai';
import { SystemWarnings } from '../../src/onsale/system-warnings.js';

/** A line of the supervisor's output: the process's name, then its JSON log line. */
const logLine = (msg: string, extra: Record<string, unknown> = {}): string =>
  `[command-api-1] ${JSON.stringify({ level: 40, service: 'command-api', msg, ...extra })}`;

describe("bench:onsale's record of the system's warnings", () => {
  it('Given warnings, errors and slow-request lines, When recorded, Then every line but the slow requests is kept and the summary counts each message, most first', () => {
    const warnings = new SystemWarnings();
    for (let i = 0; i < 5; i++) warnings.add(logLine('slow request', { responseTime: 1200 + i }));
    warnings.add(logLine('dependency unavailable', { err: { message: 'timeout acquiring a connection' } }));
    warnings.add(logLine('dependency unavailable'));
    warnings.add('[supervisor] workers exited (code 1), restarting in 250 ms');

    expect(warnings.lines).to.have.length(3);
    expect(warnings.lines[0]).to.contain('timeout acquiring a connection');
    expect(warnings.summary()).to.equal(
      '[command-api-1] slow request x5, [command-api-1] dependency unavailable x2, [supervisor] workers exited (code N), restarting in N ms x1',
    );
  });

  it('Given nothing logged, When summarised, Then it says none', () => {
    expect(new SystemWarnings().summary()).to.equal('none');
  });
});
