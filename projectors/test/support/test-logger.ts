import { createLogger, type Config, type Logger } from '@concert/infra';

/** Silent unless LOG_LEVEL asks otherwise (the global setup defaults it to silent). */
export function testLogger(name: string): Logger {
  return createLogger({ LOG_LEVEL: (process.env.LOG_LEVEL ?? 'silent') as Config['LOG_LEVEL'] }, name);
}
