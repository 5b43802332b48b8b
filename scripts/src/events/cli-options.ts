import { InvalidArgumentError, Option, type Command } from 'commander';
import { domainEventTypes } from '@concert/domain';
import { comparePositions, parsePosition, type GlobalPosition } from '@concert/infra';
import { knownCategories } from './event-categories.js';
import type { Selection } from './selection.js';

/** Options shared by `export` and `replay`, as commander hands them over. */
export interface SelectionOptions {
  stream?: string[];
  category?: string[];
  type?: string[];
  fromTime?: Date;
  toTime?: Date;
  fromPosition?: GlobalPosition;
  toPosition?: GlobalPosition;
  limit?: number;
  raw?: boolean;
}

export function addSelectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--stream <id>', 'only this stream (repeatable)').argParser(collect(nonEmpty('a stream id'))))
    .addOption(
      new Option('--category <name>', `only this category (repeatable): ${knownCategories.join(', ')}`).argParser(
        collect(oneOf('category', knownCategories)),
      ),
    )
    .addOption(
      new Option('--type <EventType>', 'only this event type (repeatable)').argParser(
        collect(oneOf('event type', domainEventTypes)),
      ),
    )
    .addOption(
      new Option(
        '--from-time <iso>',
        'recorded at or after this instant (2026-11-24 or 2026-11-24T10:00:00Z)',
      ).argParser(instant),
    )
    .addOption(new Option('--to-time <iso>', 'recorded before this instant').argParser(instant))
    .addOption(
      new Option(
        '--from-position <commit.prepare>',
        'after this global position (exclusive, like a checkpoint)',
      ).argParser(position),
    )
    .addOption(
      new Option('--to-position <commit.prepare>', 'up to this global position (inclusive)').argParser(position),
    )
    .addOption(new Option('--limit <n>', 'at most this many events').argParser(positiveInteger))
    .addOption(new Option('--raw', 'data as stored, without upcasting to the current schema version'));
}

/** The selection the options describe; throws InvalidArgumentError on contradictory ones. */
export function selectionFrom(options: SelectionOptions): Selection {
  if (options.fromTime && options.toTime && options.fromTime >= options.toTime) {
    throw new InvalidArgumentError('--from-time must be before --to-time');
  }
  if (options.fromPosition && options.toPosition && comparePositions(options.fromPosition, options.toPosition) >= 0) {
    throw new InvalidArgumentError('--from-position must be before --to-position');
  }
  return {
    filter: {
      ...(options.stream ? { streamIds: options.stream } : {}),
      ...(options.category ? { categories: options.category } : {}),
      ...(options.type ? { eventTypes: options.type } : {}),
    },
    ...(options.fromPosition ? { after: options.fromPosition } : {}),
    ...(options.toPosition ? { until: options.toPosition } : {}),
    ...(options.fromTime ? { recordedFrom: options.fromTime } : {}),
    ...(options.toTime ? { recordedBefore: options.toTime } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
  };
}

function collect(parse: (value: string) => string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => [...(previous ?? []), parse(value)];
}

function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`expected ${what}`);
    return value;
  };
}

function oneOf(what: string, known: readonly string[]): (value: string) => string {
  return (value) => {
    if (!known.includes(value)) throw new InvalidArgumentError(`unknown ${what}; known: ${known.join(', ')}`);
    return value;
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** A date (midnight UTC) or a date-time with Z or an offset: a local time would depend on the machine. */
function instant(value: string): Date {
  const date = new Date(value);
  if (!(DATE.test(value) || DATE_TIME.test(value)) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      'expected an ISO-8601 date or date-time with Z or an offset, e.g. 2026-11-24T10:00:00Z',
    );
  }
  return date;
}

function position(value: string): GlobalPosition {
  const parsed = parsePosition(value);
  if (!parsed)
    throw new InvalidArgumentError(
      'expected a global position commit.prepare, e.g. 7891.1234 (as in X-Consistency-Token)',
    );
  return parsed;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}
