import { ConfigError, createLogger, loadProcessConfig, serve } from '@concert/infra';
import { createGatewayAdminApp, createGatewayListener } from './gateway-app.js';
import { openGateway } from './open-gateway.js';

/**
 * The gateway process: `node --import tsx gateway/src/main.ts` (public port GATEWAY_PORT;
 * /metrics and the detailed /ready on GATEWAY_ADMIN_PORT).
 */
try {
  const config = loadProcessConfig('gateway');
  const logger = createLogger(config, 'gateway');
  const gateway = openGateway(config, logger);
  await gateway.start();
  const admin = await serve(createGatewayAdminApp(gateway.deps), config.GATEWAY_ADMIN_PORT, { logger });
  await serve(createGatewayListener(gateway.deps), config.GATEWAY_PORT, {
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
