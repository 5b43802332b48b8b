import { expect } from 'chai';
import { Command, CommanderError } from 'commander';
import { addSelectionOptions, selectionFrom, type SelectionOptions } from '../../src/events/cli-options.js';
import type { Selection } from '../../src/events/selection.js';

/** The selection options as `npm run events` parses them, without starting a process. */
function parse(args: string[]): Selection {
  const command = addSelectionOptions(
    new Command('export').exitOverride().configureOutput({ writeErr: () => undefined }),
  );
  command.parse(args, { from: 'user' });
  return selectionFrom(command.opts<SelectionOptions>());
}

function refusal(args: string[]): string {
  try {
    parse(args);
  } catch (error) {
    if (error instanceof CommanderError || error instanceof Error) return error.message;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('Selection options of npm run events', () => {
  it('When every selection option is given, Then they become one selection (repeatable ones as lists)', () => {
    expect(
      parse([
        '--stream',
        'wallet-u1',
        '--stream',
        'wallet-u2',
        '--category',
        'wallet',
        '--type',
        'WalletCharged',
        '--type',
        'WalletDebited',
        '--from-time',
        '2026-11-01',
        '--to-time',
        '2026-11-24T10:00:00+09:00',
        '--from-position',
        '100.5',
        '--to-position',
        '200.0',
        '--limit',
        '10',
      ]),
    ).to.deep.equal({
      filter: {
        streamIds: ['wallet-u1', 'wallet-u2'],
        categories: ['wallet'],
        eventTypes: ['WalletCharged', 'WalletDebited'],
      },
      after: { commit: 100n, prepare: 5n },
      until: { commit: 200n, prepare: 0n },
      recordedFrom: new Date('2026-11-01T00:00:00Z'),
      recordedBefore: new Date('2026-11-24T01:00:00Z'),
      limit: 10,
    });
  });

  it('When nothing is given, Then the whole feed is selected', () => {
    expect(parse([])).to.deep.equal({ filter: {} });
  });

  it('When a value is malformed or unknown, Then it is refused naming the option and what is expected', () => {
    expect(refusal(['--category', 'orders'])).to.match(
      /--category.*unknown category; known: concert, schedule, seat, reservation, payment, wallet/,
    );
    expect(refusal(['--type', 'OrderPlaced'])).to.match(/--type.*unknown event type/);
    expect(refusal(['--stream', ' '])).to.match(/--stream.*expected a stream id/);
    expect(refusal(['--from-time', '2026-11-24T10:00:00'])).to.match(/--from-time.*with Z or an offset/);
    expect(refusal(['--to-time', '2026-13-45'])).to.match(/--to-time.*ISO-8601/);
    expect(refusal(['--from-position', '12'])).to.match(/--from-position.*commit\.prepare/);
    expect(refusal(['--to-position', '1.2.3'])).to.match(/--to-position.*commit\.prepare/);
    expect(refusal(['--limit', '0'])).to.match(/--limit.*positive integer/);
    expect(refusal(['--limit', '2.5'])).to.match(/--limit.*positive integer/);
  });

  it('When a range is empty or reversed, Then it is refused', () => {
    expect(refusal(['--from-time', '2026-11-24', '--to-time', '2026-11-24'])).to.equal(
      '--from-time must be before --to-time',
    );
    expect(refusal(['--from-position', '5.0', '--to-position', '4.9'])).to.equal(
      '--from-position must be before --to-position',
    );
  });
});
