/**
 * The warnings and errors the system's processes logged during a run (LOG_LEVEL warn), kept
 * for the report: a 5xx in the tables is explained by the lines around it. "slow request"
 * lines (one per request over the threshold, thousands under load) are only counted. A line
 * from a process carries the supervisor's prefix (`[gateway] {...}`), kept in the summary.
 */
export class SystemWarnings {
  readonly lines: string[] = [];
  private readonly byMessage = new Map<string, number>();

  /** One line of the supervisor's output (a JSON log line, or the supervisor's own text). */
  add(line: string): void {
    const message = messageOf(line);
    this.byMessage.set(message, (this.byMessage.get(message) ?? 0) + 1);
    if (!message.endsWith('] slow request') && message !== 'slow request') this.lines.push(line);
  }

  /** Messages by how often they came, most first: `msg xN`. */
  summary(limit = 8): string {
    const counted = [...this.byMessage].sort((a, b) => b[1] - a[1]);
    if (counted.length === 0) return 'none';
    return counted
      .slice(0, limit)
      .map(([message, n]) => `${message} x${n}`)
      .join(', ');
  }
}

/** The supervisor's prefix of a process's line: `[command-api-1] `. */
const PROCESS_PREFIX = /^\[[\w-]+\] /;

function messageOf(line: string): string {
  const prefix = PROCESS_PREFIX.exec(line)?.[0] ?? '';
  try {
    const parsed: unknown = JSON.parse(line.slice(prefix.length));
    if (typeof parsed === 'object' && parsed !== null && 'msg' in parsed && typeof parsed.msg === 'string')
      return `${prefix}${parsed.msg}`;
  } catch {
    // the supervisor's own lines are plain text
  }
  return line.replace(/\(pid \d+\)|\d+/g, 'N').slice(0, 80);
}
