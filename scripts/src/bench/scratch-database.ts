import { dropDatabase, ensureDatabase, migrateToLatest } from '@concert/infra';

export interface ScratchDatabase {
  url: string;
  name: string;
  /** Idempotent; also run on Ctrl-C / SIGTERM, so an interrupted benchmark leaves nothing behind. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database `concert_bench_<label>_<time>` on the server of BENCH_DATABASE_URL
 * (default: the local one), so a benchmark never touches the development or test data.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `concert_bench_${label}_${Date.now()}`;
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= dropDatabase(connectionString).then(
      () => console.log(`dropped database ${name}`),
      (error: unknown) => console.error(`could not drop database ${name}:`, error),
    );
    return dropped;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping`);
      void drop().finally(() => process.exit(130));
    });
  }
  await ensureDatabase(connectionString);
  await migrateToLatest(connectionString);
  return { url: connectionString, name, drop };
}
