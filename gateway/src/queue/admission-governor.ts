/** Answers slower than the target, as a share of all, above which admission backs off. */
const SLOW_SHARE = 0.1;
/** Share of the configured admission never gone below, so a recovered system is seen again. */
const MIN_SHARE = 0.05;
/** Multiplicative decrease per period while admitted fans' commands are slow. */
const DECREASE = 0.7;
/** Additive increase per period while they are fast (or absent). */
const INCREASE = 0.1;

export interface AdmissionGovernorSettings {
  /** Latency an admitted fan's hold or payment should stay under (ms); 0 turns the governor off. */
  targetMs: number;
  /** How often the share is adjusted (ms). */
  periodMs: number;
}

/**
 * Scales the waiting room's admission (rate and cap) to what the write path serves: the
 * waiting room exists to protect it, and admitting more fans than it serves within a hold
 * only makes every admitted fan's hold and payment slow, until payments come after the hold
 * expired. Additive increase, multiplicative decrease (as TCP's congestion window) on the
 * latency of the commands admitted fans send through this gateway: once per period, if more
 * than 10% of them took longer than the target, the share drops to 70%; otherwise it grows
 * by 0.1 up to 1 (the configured rate and cap). Each gateway governs from what it sees; the
 * tick's credit is shared in Redis, so their shares average out. Pure: the caller gives the time.
 */
export class AdmissionGovernor {
  readonly #settings: AdmissionGovernorSettings;
  #share = 1;
  #seen = 0;
  #slow = 0;
  #periodStart: number | undefined;

  /** QUEUE_ADMISSION_TARGET_MS, adjusted once a second. */
  static fromConfig(config: { QUEUE_ADMISSION_TARGET_MS: number }): AdmissionGovernor {
    return new AdmissionGovernor({ targetMs: config.QUEUE_ADMISSION_TARGET_MS, periodMs: 1000 });
  }

  constructor(settings: AdmissionGovernorSettings) {
    if (!(settings.periodMs > 0)) throw new RangeError(`periodMs must be positive, got ${settings.periodMs}`);
    this.#settings = settings;
  }

  /** One answered command of an admitted fan (a hold or a payment) and how long it took. */
  observe(latencyMs: number): void {
    if (this.#settings.targetMs <= 0) return;
    this.#seen += 1;
    if (latencyMs > this.#settings.targetMs) this.#slow += 1;
  }

  /** The share (0.05-1) of the configured admission to use now; adjusts once per period. */
  share(nowMs: number): number {
    if (this.#settings.targetMs <= 0) return 1;
    this.#periodStart ??= nowMs;
    if (nowMs - this.#periodStart < this.#settings.periodMs) return this.#share;
    const slow = this.#seen > 0 && this.#slow / this.#seen > SLOW_SHARE;
    this.#share = slow ? Math.max(MIN_SHARE, this.#share * DECREASE) : Math.min(1, this.#share + INCREASE);
    this.#seen = 0;
    this.#slow = 0;
    this.#periodStart = nowMs;
    return this.#share;
  }
}
