import { expect } from 'chai';
import { prettyLines } from '../../src/supervisor/pretty-lines.js';

describe('npm start in a terminal: children JSON log lines made readable (prettyLines)', () => {
  const pretty = prettyLines(false);

  it('When a child writes a JSON log line, Then it becomes one line: time, level, message and the other fields, without pid, hostname or service', () => {
    const line = pretty(
      JSON.stringify({
        level: 40,
        time: Date.UTC(2026, 0, 1),
        pid: 7,
        hostname: 'h',
        service: 'gateway',
        upstream: 'http://x',
        msg: 'upstream out of rotation',
      }),
    );
    expect(line).to.not.include('\n');
    expect(line).to.match(/^\[\d\d:\d\d:\d\d\] WARN: upstream out of rotation \{"upstream":"http:\/\/x"\}$/);
  });

  it('When a child writes anything else, Then the line is unchanged', () => {
    expect(pretty('plain text from a child')).to.equal('plain text from a child');
  });
});
