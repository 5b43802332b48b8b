import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CLIENT_TYPES_FILE, generateClientTypes } from '../../src/openapi/client/client-types.js';

describe('gateway: the generated client types', function () {
  this.timeout(60_000);

  it('Given the OpenAPI document, When the client types are generated afresh, Then they equal the checked-in api-types.ts (run `npm run openapi:client` otherwise)', async () => {
    const checkedIn = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    const fresh = await generateClientTypes();
    expect(fresh.length, 'the generator produced nothing').to.be.greaterThan(1000);
    // Not deep-equal on 2,000 lines: the first differing line says what drifted.
    const freshLines = fresh.split('\n');
    const checkedInLines = checkedIn.split('\n');
    const first = freshLines.findIndex((line, i) => line !== checkedInLines[i]);
    const at = first === -1 ? freshLines.length : first;
    expect(checkedInLines[at], `line ${at + 1} of api-types.ts is stale`).to.equal(freshLines[at]);
    expect(checkedInLines.length).to.equal(freshLines.length);
  });
});
