import { loadConfig } from '@concert/infra';
import { openApiDocument } from './openapi-document.js';

/**
 * The document as a gateway with the default configuration and the development login serves
 * it: what `npm run lint:openapi` lints and the typed client is generated from. It does not
 * read the environment, so it is the same on every machine.
 */
export function referenceOpenApiDocument(): object {
  const config = loadConfig({});
  return openApiDocument({ walletMaxCharge: config.WALLET_MAX_CHARGE, devLogin: true });
}
