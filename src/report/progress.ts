/**
 * Progress for long runs: a cli-progress bar with ETA on a terminal; on
 * anything else (CI logs, files) plain lines at most every `intervalMs`, so a
 * log shows progress without carriage-return noise.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a phase of `total` units, `done` of them already finished (resume). Ends the previous phase. */
  start(label: string, total: number, done?: number): void;
  /** Sets how many units are done, with an optional short status ("loss 2.31"). */
  update(done: number, status?: string): void;
  /** Adds `n` units (default 1). */
  tick(n?: number, status?: string): void;
  /** A message line that does not disturb the bar. */
  log(line: string): void;
  /** Ends the current phase (and the bar). */
  stop(): void;
}

export interface ProgressOptions {
  /** Default process.stdout. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force bar (true) or plain lines (false); default: the stream's isTTY. */
  tty?: boolean;
  /** Plain mode: the least time between lines (default 10 s); a phase's start and end always print. */
  intervalMs?: number;
  /** Clock (for tests). */
  now?: () => number;
}

/** 75 s → "1m15s", 3725 s → "1h02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stdout;
  return (opts.tty ?? stream.isTTY === true) ? barProgress(stream) : lineProgress(stream, opts.intervalMs ?? 10_000, opts.now ?? Date.now);
}

function barProgress(stream: NodeJS.WritableStream): Progress {
  // One MultiBar per phase: stopping it draws the phase's final state and keeps that line,
  // and its log() prints above the bar without tearing it.
  let multi: cliProgress.MultiBar | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let value = 0;
  const end = () => {
    multi?.update(); // flushes pending log lines, which stop() would drop
    multi?.stop();
    [multi, bar] = [null, null];
  };
  return {
    start(label, total, done = 0) {
      end();
      value = done;
      multi = new cliProgress.MultiBar({
        stream,
        format: '{label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}',
        barsize: 30,
        hideCursor: true,
        etaBuffer: 50,
      }, cliProgress.Presets.shades_classic);
      bar = multi.create(total, done, { label, status: '' });
    },
    update(done, status) {
      value = done;
      bar?.update(done, status === undefined ? {} : { status });
    },
    tick(n = 1, status) {
      this.update(value + n, status);
    },
    log(line) {
      if (multi) multi.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    stop: end,
  };
}

function lineProgress(stream: NodeJS.WritableStream, intervalMs: number, now: () => number): Progress {
  let label = '';
  let total = 0;
  let value = 0;
  let startValue = 0;
  let t0 = 0;
  let lastPrint = -Infinity;
  let active = false;
  const print = (status?: string) => {
    const elapsed = now() - t0;
    const rate = value > startValue ? elapsed / (value - startValue) : NaN;
    const pct = total > 0 ? ((100 * value) / total).toFixed(1) : '?';
    const eta = value >= total ? 'done' : `ETA ${formatDuration(rate * (total - value))}`;
    stream.write(`${label}: ${value}/${total} (${pct}%) elapsed ${formatDuration(elapsed)}, ${eta}${status ? ` | ${status}` : ''}\n`);
    lastPrint = now();
  };
  return {
    start(l, t, done = 0) {
      [label, total, value, startValue, t0, active] = [l, t, done, done, now(), true];
      print();
    },
    update(done, status) {
      if (!active) return;
      value = done;
      if (value >= total) {
        print(status);
        active = false;
      } else if (now() - lastPrint >= intervalMs) print(status);
    },
    tick(n = 1, status) {
      this.update(value + n, status);
    },
    log: (line) => { stream.write(`${line}\n`); },
    stop() {
      if (active && value < total) print('stopped');
      active = false;
    },
  };
}
