import cliProgress from 'cli-progress';

/** What a rebuild reports while it reads the feed. */
export interface Progress {
  start(total: number | undefined, done: number): void;
  update(done: number): void;
  stop(): void;
}

const LINE_EVERY_MS = 2000;

/**
 * A progress bar with events/s and ETA on stderr when it is a terminal; otherwise (a log, a
 * pipe, a benchmark capturing it) a plain line every two seconds with the same figures.
 */
export function stderrProgress(label: string): Progress {
  return process.stderr.isTTY ? barProgress(label) : lineProgress(label);
}

export const silentProgress: Progress = { start: () => undefined, update: () => undefined, stop: () => undefined };

function barProgress(label: string): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {bar} {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedAt = 0;
  let startDone = 0;
  const speed = (done: number): string => {
    const seconds = (Date.now() - startedAt) / 1000;
    return seconds > 0 ? Math.round((done - startDone) / seconds).toLocaleString('en-US') : '-';
  };
  return {
    start(total, done) {
      startedAt = Date.now();
      startDone = done;
      bar.start(Math.max(total ?? done, done), done, { speed: '-' });
    },
    update(done) {
      if (done > bar.getTotal()) bar.setTotal(done);
      bar.update(done, { speed: speed(done) });
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(label: string): Progress {
  let startedAt = 0;
  let startDone = 0;
  let total: number | undefined;
  let lastLine = 0;
  let last = 0;
  const line = (done: number): void => {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? (done - startDone) / seconds : 0;
    const of = total !== undefined && total >= done ? `/${total}` : '';
    const percent = total ? ` (${Math.floor((100 * done) / Math.max(total, done))}%)` : '';
    const eta = total !== undefined && rate > 0 && total > done ? `, ETA ${Math.ceil((total - done) / rate)} s` : '';
    process.stderr.write(`${label}: ${done}${of} events${percent}, ${Math.round(rate)} events/s${eta}\n`);
  };
  return {
    start(t, done) {
      startedAt = Date.now();
      lastLine = startedAt;
      startDone = done;
      total = t;
      last = done;
    },
    update(done) {
      last = done;
      if (Date.now() - lastLine >= LINE_EVERY_MS) {
        lastLine = Date.now();
        line(done);
      }
    },
    stop() {
      line(last);
    },
  };
}
