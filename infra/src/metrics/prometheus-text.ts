/** One sample of the Prometheus text format: `name{label="value",...} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a /metrics body (comments and malformed lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL))
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    const value = Number(match[3]);
    if (!Number.isNaN(value)) samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

export type LabelFilter = Record<string, string | ((value: string) => boolean)>;

function matches(sample: Sample, filter: LabelFilter): boolean {
  return Object.entries(filter).every(([key, want]) => {
    const value = sample.labels[key] ?? '';
    return typeof want === 'string' ? value === want : want(value);
  });
}

/** The sum of a series' samples whose labels match. */
export function sumOf(samples: readonly Sample[], name: string, filter: LabelFilter = {}): number {
  let total = 0;
  for (const sample of samples) if (sample.name === name && matches(sample, filter)) total += sample.value;
  return total;
}

/** The samples of a series whose labels match. */
export function samplesOf(samples: readonly Sample[], name: string, filter: LabelFilter = {}): Sample[] {
  return samples.filter((sample) => sample.name === name && matches(sample, filter));
}

/** Cumulative bucket counts of a histogram, summed over the matching series, by upper bound. */
export function bucketsOf(samples: readonly Sample[], name: string, filter: LabelFilter = {}): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const sample of samplesOf(samples, `${name}_bucket`, filter)) {
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
  }
  return buckets;
}

/**
 * The q-quantile of cumulative bucket counts, interpolated linearly inside its bucket as
 * Prometheus' histogram_quantile does; undefined without observations. A quantile in the +Inf
 * bucket is reported as the highest finite bound.
 */
export function quantileOf(buckets: ReadonlyMap<number, number>, q: number): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (bounds.length > 0 ? buckets.get(bounds.at(-1)!)! : 0);
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = buckets.get(bound)!;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** Bucket counts of `now` minus those of `before` (an interval's observations). */
export function bucketDelta(
  now: ReadonlyMap<number, number>,
  before: ReadonlyMap<number, number> | undefined,
): Map<number, number> {
  const delta = new Map<number, number>();
  for (const [bound, count] of now) delta.set(bound, Math.max(0, count - (before?.get(bound) ?? 0)));
  return delta;
}
