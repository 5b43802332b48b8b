import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { configVariables } from '../../src/config/config.js';

describe('the README configuration table', () => {
  it('When the config schema and the README are compared, Then they list the same variables', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const firstCells = [...section.matchAll(/^\| (`[^|]+) \|/gm)].map((m) => m[1]!);
    const documented = firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
    expect([...documented].sort()).to.deep.equal([...configVariables].sort());
  });
});
