import { setTimeout as sleep } from 'node:timers/promises';
import type { GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';
import type { ProjectionName } from '../projections.js';
import type { QueryMetrics } from '../query-metrics.js';
import { readModelLaggingProblem } from '../query-problems.js';
import { projectionsBehind, readCheckpoints } from './checkpoints.js';

// A projector usually commits within milliseconds of the command, so the first polls are
// quick; doubling then keeps a lagging projection from costing a query every few ms per waiter.
const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 100;

/**
 * One read-your-writes wait: polls the projections' checkpoints on the read pool, with
 * backoff, until all of them reach the token, or throws 503 `read-model-lagging` once
 * `boundMs` (CONSISTENCY_WAIT_MS) has passed since the wait began.
 */
export class CatchUpWait {
  private delayMs = FIRST_DELAY_MS;
  private readonly startedAt = performance.now();
  private readonly deadline: number;
  private observed = false;

  constructor(
    private readonly db: Knex,
    private readonly projections: readonly ProjectionName[],
    readonly token: GlobalPosition,
    private readonly boundMs: number,
    private readonly metrics: QueryMetrics,
  ) {
    this.deadline = this.startedAt + boundMs;
  }

  async untilCaughtUp(): Promise<void> {
    for (;;) {
      const behind = projectionsBehind(await readCheckpoints(this.db, this.projections), this.projections, this.token);
      if (behind.length === 0) {
        // Once per request, even when a lagging snapshot sent the reader back here.
        if (!this.observed) this.metrics.consistencyWait.observe({ outcome: 'caught-up' }, this.elapsedSeconds());
        this.observed = true;
        return;
      }
      await this.pause(behind);
    }
  }

  /**
   * Sleeps the next backoff step, never past the deadline, so that one last poll runs right
   * at it; once the deadline has passed, gives up instead with 503 read-model-lagging.
   */
  async pause(behind: readonly ProjectionName[]): Promise<void> {
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) {
      this.metrics.consistencyWait.observe({ outcome: 'timeout' }, this.elapsedSeconds());
      for (const projection of behind) this.metrics.consistencyTimeouts.inc({ projection });
      throw readModelLaggingProblem(this.boundMs);
    }
    await sleep(Math.min(this.delayMs, remaining));
    this.delayMs = Math.min(this.delayMs * 2, MAX_DELAY_MS);
  }

  private elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}
