import { writeFileSync } from 'node:fs';
import { CLIENT_TYPES_FILE, generateClientTypes } from '../client/client-types.js';

/** `npm run openapi:client`: regenerates gateway/src/openapi/client/api-types.ts from the document. */
writeFileSync(CLIENT_TYPES_FILE, await generateClientTypes());
console.log(`wrote ${CLIENT_TYPES_FILE.pathname}`);
