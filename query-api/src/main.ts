import { ConfigError, createLogger, loadProcessConfig, serve } from '@concert/infra';
import { openQueryApi } from './open-query-api.js';
import { createQueryApp } from './query-app.js';

/** The query API process: `node --import tsx query-api/src/main.ts` (port from QUERY_API_PORT). */
try {
  const config = loadProcessConfig('query-api');
  const logger = createLogger(config, 'query-api');
  const { deps, close } = openQueryApi(config, logger);
  await serve(createQueryApp(deps), config.QUERY_API_PORT, { logger, onShutdown: close, handleSignals: true });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
