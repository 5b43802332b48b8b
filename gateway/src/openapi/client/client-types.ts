import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { referenceOpenApiDocument } from '../reference-document.js';

/** The checked-in output of `generateClientTypes` (a spec proves it is current). */
export const CLIENT_TYPES_FILE = new URL('./api-types.ts', import.meta.url);

const BANNER = `/**
 * Generated from the gateway's OpenAPI document by openapi-typescript: do not edit.
 * Regenerate with \`npm run openapi:client\` (gateway/src/openapi/client/client-types.ts).
 */
`;

/**
 * TypeScript types of every path, operation, schema and header of the public API, from the
 * reference document (reference-document.ts), formatted as the repository's Prettier does.
 */
export async function generateClientTypes(): Promise<string> {
  const ast = await openapiTS(referenceOpenApiDocument() as OpenAPI3, { silent: true });
  const filepath = CLIENT_TYPES_FILE.pathname;
  const options = { ...(await resolveConfig(filepath)), filepath };
  // Twice: Prettier's first pass over generated code is not always its last.
  return format(await format(BANNER + astToString(ast), options), options);
}
