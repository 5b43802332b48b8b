import { Counter, type Registry } from 'prom-client';

/** Counters an operator watches on the write side (issue: command outcomes, OCC retries, lock contention). */
export interface CommandMetrics {
  outcomes: Counter<'command' | 'outcome'>;
  conflictRetries: Counter<'category'>;
  lockContention: Counter;
  lockBypassed: Counter;
}

export function createCommandMetrics(registry: Registry): CommandMetrics {
  return {
    outcomes: new Counter({
      name: 'commands_total',
      help: 'Commands handled, by command and outcome (ok or the refusal code)',
      labelNames: ['command', 'outcome'],
      registers: [registry],
    }),
    conflictRetries: new Counter({
      name: 'command_conflict_retries_total',
      help: 'Optimistic-concurrency retries (WrongExpectedVersion), by stream category',
      labelNames: ['category'],
      registers: [registry],
    }),
    lockContention: new Counter({
      name: 'seat_lock_contention_total',
      help: 'Holds turned away because a seat lock was taken',
      registers: [registry],
    }),
    lockBypassed: new Counter({
      name: 'seat_lock_bypassed_total',
      help: 'Holds that went ahead without Redis locks because Redis was unavailable',
      registers: [registry],
    }),
  };
}
