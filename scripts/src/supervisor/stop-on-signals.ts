import type { Supervisor } from './supervise.js';

/**
 * Ctrl-C (SIGINT) or SIGTERM stops every child, then the process: one stop however many
 * signals arrive; a second Ctrl-C while stopping is ignored (children get their grace period).
 */
export function stopOnSignals(supervisor: Supervisor, log: (line: string) => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping every process...`);
      void supervisor.stop().then(() => {
        log('stopped');
        process.exit(0);
      });
    });
  }
}
