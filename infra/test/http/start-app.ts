import type { Express } from 'express';
import { createLogger } from '../../src/logging/logger.js';
import type { Logger } from '../../src/logging/logger.js';
import { createMetricsRegistry } from '../../src/metrics/metrics.js';
import { createApp, type CreateAppOptions } from '../../src/http/create-app.js';
import { serve } from '../../src/http/serve.js';

export interface StartedApp {
  url: string;
  app: Express;
  close(): Promise<void>;
}

export const silentLogger: Logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');

/** The standard app on an ephemeral port, with its own registry so tests do not share series. */
export async function startApp(
  routes: (app: Express) => void,
  options: Partial<Omit<CreateAppOptions, 'routes'>> = {},
): Promise<StartedApp> {
  const logger = options.logger ?? silentLogger;
  const app = createApp({ logger, registry: createMetricsRegistry(), ...options, routes });
  const running = await serve(app, 0, { logger, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${running.port}`, app, close: running.close };
}
