/**
 * `npm run notifications -- dead-letters <list|retry>`: the notifications whose last attempt
 * failed (NOTIFY_MAX_ATTEMPTS), and sending them again once the receiver is fixed.
 *
 *   dead-letters list [--json]
 *   dead-letters retry <eventId...>|--all
 *
 * Exit codes: 0 done; 1 a named dead letter does not exist; 2 an error (one line, no stack).
 */
import { ConfigError, loadConfig, unreachableServices } from '@concert/infra';
import { listDeadLetters, retryDeadLetters } from '@concert/workers';
import { Command } from 'commander';
import knexFactory, { type Knex } from 'knex';
import { formatTable } from '../bench/print-table.js';

const EXIT_NOT_FOUND = 1;
const EXIT_ERROR = 2;

async function withDatabase(work: (knex: Knex) => Promise<number | void>): Promise<void> {
  let knex: Knex | undefined;
  try {
    const config = loadConfig();
    const down = await unreachableServices(config, ['PostgreSQL']);
    if (down.length > 0) throw new Error(down.join('\n'));
    const quiet = (): void => undefined;
    knex = knexFactory({
      client: 'pg',
      connection: config.DATABASE_URL,
      pool: { min: 0, max: 2 },
      log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
    });
    process.exitCode = (await work(knex)) ?? 0;
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`);
    process.exitCode = EXIT_ERROR;
  } finally {
    await knex?.destroy();
  }
}

const program = new Command('notifications').description('Inspect and resend notifications').showHelpAfterError();
const deadLetters = program.command('dead-letters').description('notifications whose last delivery attempt failed');

deadLetters
  .command('list')
  .option('--json', 'print as JSON')
  .action(async (opts: { json?: boolean }) => {
    await withDatabase(async (knex) => {
      const rows = await listDeadLetters(knex);
      if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return void console.log('no dead letters');
      console.log(
        formatTable(
          ['event id', 'kind', 'user', 'reservation', 'attempts', 'dead at', 'last error'],
          rows.map((r) => [
            r.eventId,
            r.kind,
            r.userId,
            r.reservationId,
            String(r.attempts),
            r.deadAt.toISOString(),
            r.lastError,
          ]),
        ),
      );
    });
  });

deadLetters
  .command('retry')
  .description('send them again: back to pending, due now, attempts counted from zero')
  .argument('[eventIds...]', 'event ids of dead letters (see list)')
  .option('--all', 'every dead letter')
  .action(async (eventIds: string[], opts: { all?: boolean }) => {
    await withDatabase(async (knex) => {
      if (!!opts.all === eventIds.length > 0) throw new Error('name dead letters by event id or pass --all');
      const retried = await retryDeadLetters(knex, opts.all ? undefined : eventIds);
      console.log(`${retried.length} notification(s) queued again; the workers deliver them on their next round`);
      const missing = eventIds.filter((id) => !retried.includes(id));
      if (missing.length > 0) {
        console.error(`no dead letter for: ${missing.join(', ')}`);
        return EXIT_NOT_FOUND;
      }
    });
  });

await program.parseAsync();
