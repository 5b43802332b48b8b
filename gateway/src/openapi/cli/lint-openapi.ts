import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceOpenApiDocument } from '../reference-document.js';

/**
 * `npm run lint:openapi`: writes the gateway's OpenAPI document to a temporary file and lints
 * it with Redocly's recommended rules, warnings counted as errors (redocly.yaml). Redocly's
 * telemetry and update check are turned off: the lint reaches no network.
 */
const config = fileURLToPath(new URL('../../../../redocly.yaml', import.meta.url));
const cli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
const file = join(dir, 'openapi.json');
try {
  writeFileSync(file, `${JSON.stringify(referenceOpenApiDocument(), null, 2)}\n`);
  const lint = spawnSync(process.execPath, [cli, 'lint', '--config', config, '--format', 'codeframe', file], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  process.exitCode = lint.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
