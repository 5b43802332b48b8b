import { ConfigError, createLogger, loadConfig, serve } from '@concert/infra';
import { createGatewayAdminApp, createGatewayApp } from './gateway-app.js';
import { openGateway } from './open-gateway.js';

/**
 * The gateway process: `node --import tsx gateway/src/main.ts` (public port GATEWAY_PORT;
 * /metrics and the detailed /ready on GATEWAY_ADMIN_PORT).
 */
try {
  const config = loadConfig();
  const logger = createLogger(config, 'gateway');
  const gateway = openGateway(config, logger);
  await gateway.start();
  const admin = await serve(createGatewayAdminApp(gateway.deps), config.GATEWAY_ADMIN_PORT, { logger });
  await serve(createGatewayApp(gateway.deps), config.GATEWAY_PORT, {
    logger,
    onShutdown: async () => {
      await admin.close();
      await gateway.close();
    },
    handleSignals: true,
  });
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
