import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from '../config/config.js';

export type { Logger } from 'pino';

/**
 * Credentials a client sends on every request. At LOG_LEVEL=debug every request is logged with
 * its headers (requestContext), so without this every bearer token would end up in the log store.
 */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["queue-token"]'];

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  service: string,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
