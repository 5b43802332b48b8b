import { prettyFactory } from 'pino-pretty';

/**
 * For a terminal: each JSON log line of a child as one readable line (time, level, message,
 * the other fields inline); anything else unchanged. Done here, once for every child, rather
 * than by a pino-pretty transport in each process (a worker thread per process), so the
 * services always write plain JSON, the cheapest, and nothing changes when output is piped.
 */
export function prettyLines(colorize: boolean): (line: string) => string {
  const pretty = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
  });
  return (line) => (line.startsWith('{') ? (pretty(line) as string).trimEnd() : line);
}
