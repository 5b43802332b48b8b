import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, signDevToken } from '@concert/infra';
import { parseDuration } from './token/parse-duration.js';

/**
 * `npm run token -- --user u1 [--admin] [--ttl 1h]`: a development JWT signed with the
 * configured JWT_SECRET, issuer and audience, printed alone on stdout (so `$(npm run -s token ...)` works).
 */
const program = new Command('token')
  .description('mints a development JWT (HS256, JWT_SECRET) for calling the APIs')
  .requiredOption('--user <id>', 'the user id (the token subject)')
  .option('--admin', 'adds the admin role')
  .option('--role <role...>', 'adds roles (e.g. system)')
  .option(
    '--ttl <duration>',
    'lifetime: 90s, 30m, 1h, 7d',
    (v) => {
      const seconds = parseDuration(v);
      if (seconds === undefined) throw new InvalidArgumentError('use a number with s, m, h or d (e.g. 1h)');
      return seconds;
    },
    3600,
  )
  .parse();
const options = program.opts<{ user: string; admin?: boolean; role?: string[]; ttl: number }>();

try {
  const config = loadConfig();
  if (!config.JWT_SECRET) {
    throw new ConfigError(
      'only JWT_PUBLIC_KEY is configured: tokens come from your issuer; set JWT_SECRET to mint development tokens',
    );
  }
  const roles = [...new Set([...(options.admin ? ['admin'] : []), ...(options.role ?? [])])];
  console.log(signDevToken(config, { userId: options.user, roles, expiresInSeconds: options.ttl }));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `token failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
