import { ConfigError, createLogger, loadProcessConfig, serve } from '@concert/infra';
import { createGatewayApp } from './gateway-app.js';
import { openGateway } from './open-gateway.js';

/** The gateway process: `node --import tsx gateway/src/main.ts` (port from GATEWAY_PORT). */
try {
  const config = loadProcessConfig('gateway');
  const logger = createLogger(config, 'gateway');
  const gateway = openGateway(config, logger);
  await gateway.start();
  await serve(createGatewayApp(gateway.deps), config.GATEWAY_PORT, { logger, onShutdown: gateway.close, handleSignals: true });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
