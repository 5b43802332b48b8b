import { domainEventTypes, eventDefinitions, type DomainEventType } from '@concert/domain';
import { categoryOf, type FeedFilter } from '@concert/infra';
import { eventTypesByCategory } from './event-categories.js';
import type { ExportedEvent } from './exported-event.js';

/**
 * CSV rows stream, so the columns are fixed before the first row: they come from the zod
 * schemas of the event types the selection can hold (its --type list, else the types of its
 * categories or streams, else every domain type), flattened with dots. Metadata columns are
 * the fields every event carries. Anything an event holds beyond those columns (older shapes
 * read with --raw, extra metadata keys, unknown types) goes into the last column, `extra`, as
 * a JSON object keyed like the columns: nothing is dropped silently.
 */
export const LEADING_COLUMNS = ['position', 'streamId', 'revision', 'type', 'schemaVersion', 'id', 'time'] as const;
export const METADATA_COLUMNS = [
  'metadata.correlationId',
  'metadata.causationId',
  'metadata.userId',
  'metadata.occurredAt',
  'metadata.schemaVersion',
] as const;
export const EXTRA_COLUMN = 'extra';

export function csvColumns(filter: FeedFilter): string[] {
  const dataColumns = new Set<string>();
  for (const type of typesOf(filter)) {
    for (const path of leafPaths(eventDefinitions[type].schema as unknown as SchemaNode))
      dataColumns.add(`data.${path}`);
  }
  return [...LEADING_COLUMNS, ...dataColumns, ...METADATA_COLUMNS, EXTRA_COLUMN];
}

/** Domain types the filter can select, in registry order. */
function typesOf(filter: FeedFilter): DomainEventType[] {
  const categories = new Set([...(filter.categories ?? []), ...(filter.streamIds ?? []).map(categoryOf)]);
  const byCategory = filter.categories?.length || filter.streamIds?.length;
  const inCategories = new Set([...categories].flatMap((c) => eventTypesByCategory[c] ?? []));
  return domainEventTypes.filter(
    (type) =>
      (!byCategory || inCategories.has(type)) && (!filter.eventTypes?.length || filter.eventTypes.includes(type)),
  );
}

/** The little of zod 4's schema definitions needed to list an object's fields. */
interface SchemaNode {
  def: { type: string; shape?: Record<string, SchemaNode>; innerType?: SchemaNode };
}

/** Dotted paths of an object schema's leaves; optional, nullable and defaulted fields are unwrapped, arrays are leaves. */
function leafPaths(schema: SchemaNode, prefix = ''): string[] {
  let node = schema;
  while (node.def.innerType && ['optional', 'nullable', 'default', 'readonly'].includes(node.def.type))
    node = node.def.innerType;
  if (node.def.type !== 'object' || !node.def.shape) return prefix ? [prefix] : [];
  return Object.entries(node.def.shape).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

/** Turns exported events into CSV cells for a fixed list of columns. */
export class CsvRowBuilder {
  private readonly index: Map<string, number>;
  private readonly extraIndex: number;

  constructor(readonly columns: readonly string[]) {
    this.index = new Map(columns.map((column, i) => [column, i]));
    this.extraIndex = columns.indexOf(EXTRA_COLUMN);
  }

  row(event: ExportedEvent): string[] {
    const cells = new Array<string>(this.columns.length).fill('');
    const extra: Record<string, unknown> = {};
    const put = (column: string, value: unknown): void => {
      const i = this.index.get(column);
      if (i === undefined || i === this.extraIndex) extra[column] = value;
      else cells[i] = cell(value);
    };
    put('position', event.position);
    put('streamId', event.streamId);
    put('revision', event.revision);
    put('type', event.type);
    put('schemaVersion', event.schemaVersion);
    put('id', event.id);
    put('time', event.time);
    flatten(event.data, 'data', put);
    flatten(event.metadata, 'metadata', put);
    if (this.extraIndex !== -1 && Object.keys(extra).length > 0) cells[this.extraIndex] = JSON.stringify(extra);
    return cells;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(value: unknown, path: string, put: (column: string, value: unknown) => void): void {
  if (!isPlainObject(value)) {
    put(path, value);
    return;
  }
  for (const [key, child] of Object.entries(value)) flatten(child, `${path}.${key}`, put);
}

/** Strings as they are, arrays and objects as JSON, null and missing as an empty cell. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
