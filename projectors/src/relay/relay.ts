import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  formatPosition,
  metricsRegistry,
  type EventStore,
  type JetStreamManager,
  type NatsConnection,
  type Logger,
  type RecordedEvent,
  type Registry,
} from '@concert/infra';
import type { Knex } from 'knex';
import { CheckpointWriter } from './checkpoint-writer.js';
import { FencedOut, FencedPublisher } from './fenced-publisher.js';
import { abortableSleep as sleep } from '@concert/infra';
import { LeaderElection } from '../leadership/leader-election.js';
import { relayMetrics, type RelayMetrics } from './relay-metrics.js';
import { findRelayStart } from './relay-start.js';

export interface RelayOptions {
  eventStore: EventStore;
  /** Publishes go out on it, their acks come back on a subscription of the relay's own. */
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** Holds the relay's checkpoint (`projection_checkpoints`). */
  knex: Knex;
  /** PostgreSQL of the leader lock (one dedicated connection per relay instance). */
  lockConnectionString: string;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  registry?: Registry;
  /** Row of `projection_checkpoints`; default 'relay'. */
  checkpointName?: string;
  instanceId?: string;
  /** Unacknowledged publishes at once; default 256. */
  maxInFlight?: number;
  /** Standby retry; default 1000 ms. */
  retryIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** Pause after an unexpected error before the next session; default 1000 ms. */
  errorBackoffMs?: number;
}

export interface RelayStatus {
  running: boolean;
  leader: boolean;
  caughtUp: boolean;
  lastSequence?: number;
  lastPosition?: string;
}

const DEFAULT_MAX_IN_FLIGHT = 256;
const DEFAULT_ERROR_BACKOFF_MS = 1000;
const DEFAULT_RETRY_INTERVAL_MS = 1000;
/** After being fenced out: someone else is publishing, so look again soon but not in a tight loop. */
const FENCED_BACKOFF_MS = 50;

/**
 * Moves the event store's global feed into the JetStream stream, in feed order, each event
 * once (`msgID` = event id). One instance leads (advisory lock); the others wait. Each leader
 * session starts after the stream's last event and fences every publish on its predecessor,
 * so a deposed leader still publishing can never interleave with its successor.
 */
export class Relay {
  private readonly stopController = new AbortController();
  private readonly election: LeaderElection;
  private readonly checkpoint: CheckpointWriter;
  private readonly metrics: RelayMetrics;
  private readonly logger: Logger;
  private readonly instanceId: string;
  private loop: Promise<void> | undefined;
  private current: RelayStatus = { running: false, leader: false, caughtUp: false };

  constructor(private readonly options: RelayOptions) {
    this.instanceId = options.instanceId ?? `relay-${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    this.logger = options.logger.child({ component: 'relay', instance: this.instanceId });
    this.metrics = relayMetrics(options.registry ?? metricsRegistry());
    this.election = new LeaderElection({
      connectionString: options.lockConnectionString,
      lockName: `relay:${options.stream}`,
      instanceId: this.instanceId,
      logger: this.logger,
      ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    });
    this.checkpoint = new CheckpointWriter(options.knex, options.checkpointName ?? 'relay', this.logger);
  }

  start(): void {
    if (this.loop) return;
    this.current.running = true;
    this.loop = this.run().finally(() => {
      this.current.running = false;
    });
  }

  /** Stops publishing at once (publishes in flight are fenced), releases leadership, stores the checkpoint. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
    await this.checkpoint.close();
  }

  get status(): RelayStatus {
    return { ...this.current };
  }

  get isLeader(): boolean {
    return this.current.leader;
  }

  /** Ready when running, leader or standby: a standby is doing its job. */
  async ready(): Promise<void> {
    if (!this.current.running) throw new Error('relay is not running');
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      const term = await this.election.acquire(stop);
      if (!term) return;
      const leading = AbortSignal.any([term.lost, stop]);
      this.setLeader(true);
      try {
        await this.lead(leading);
      } finally {
        this.setLeader(false);
        await term.release();
      }
      if (term.lost.aborted && !stop.aborted) {
        this.logger.warn('leadership lost, relay stopped publishing');
        // Let a standby (retrying every interval) take over rather than this instance, whose
        // connection just failed, grabbing the lock straight back.
        await sleep(2 * (this.options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS), stop);
      }
    }
  }

  private async lead(leading: AbortSignal): Promise<void> {
    while (!leading.aborted) {
      try {
        await this.session(leading);
      } catch (error) {
        if (leading.aborted) return;
        if (error instanceof FencedOut) {
          this.metrics.resyncs.inc({ reason: 'fenced' });
          this.logger.warn({ err: error }, 'fenced out, resyncing from the stream tail');
          await sleep(FENCED_BACKOFF_MS, leading);
        } else {
          this.metrics.resyncs.inc({ reason: 'error' });
          this.logger.error({ err: error }, 'relay session failed, resyncing');
          await sleep(this.options.errorBackoffMs ?? DEFAULT_ERROR_BACKOFF_MS, leading);
        }
      }
    }
  }

  /** One pass: find the start, follow the feed and publish until leadership ends or a publish fails. */
  private async session(leading: AbortSignal): Promise<void> {
    const start = await findRelayStart(this.options.jsm, this.options.knex, {
      stream: this.options.stream,
      subjectPrefix: this.options.subjectPrefix,
      checkpointName: this.options.checkpointName ?? 'relay',
    });
    if (leading.aborted) return;
    this.logger.info(
      { after: formatPosition(start.after), lastSequence: start.lastSequence, from: start.source },
      'relaying',
    );
    const subscription = this.options.eventStore.subscribeToAll({ after: start.after });
    const closeFeed = (): void => void subscription.close();
    const publisher = new FencedPublisher(this.options.nc, {
      subjectPrefix: this.options.subjectPrefix,
      lastSequence: start.lastSequence,
      maxInFlight: this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
      onAcked: (event, sequence) => this.acked(event, sequence),
      onFailed: closeFeed,
    });
    leading.addEventListener('abort', closeFeed);
    this.setCaughtUp(false);
    try {
      for await (const message of subscription) {
        if (leading.aborted || publisher.failed) break;
        if (message.kind === 'caught-up') this.setCaughtUp(true);
        else await publisher.publish(message.event);
      }
      if (leading.aborted) return;
      await publisher.drain();
    } finally {
      leading.removeEventListener('abort', closeFeed);
      publisher.abandon(new Error('relay session ended'));
      await subscription.close();
      this.setCaughtUp(false);
    }
  }

  private acked(event: RecordedEvent, sequence: number): void {
    this.metrics.relayed.inc();
    this.metrics.lastSequence.set(sequence);
    this.metrics.lagSeconds.set(Math.max(0, Date.now() - event.recordedAt.getTime()) / 1000);
    this.current.lastSequence = sequence;
    this.current.lastPosition = formatPosition(event.position);
    this.checkpoint.offer({ position: event.position, streamSequence: sequence });
  }

  private setLeader(leader: boolean): void {
    this.current.leader = leader;
    this.metrics.leader.set(leader ? 1 : 0);
  }

  private setCaughtUp(caughtUp: boolean): void {
    this.current.caughtUp = caughtUp;
    this.metrics.caughtUp.set(caughtUp ? 1 : 0);
  }
}
