import { ConfigError, createLogger, loadProcessConfig, serve } from '@concert/infra';
import { createCommandListener } from './command-app.js';
import { openCommandApi } from './open-command-api.js';

/** The command API process: `node --import tsx command-api/src/main.ts` (port from COMMAND_API_PORT). */
try {
  const config = loadProcessConfig('command-api');
  const logger = createLogger(config, 'command-api');
  const { deps, close } = openCommandApi(config, logger);
  await serve(createCommandListener(deps), config.COMMAND_API_PORT, { logger, onShutdown: close, handleSignals: true });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
