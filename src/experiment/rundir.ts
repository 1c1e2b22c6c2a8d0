/**
 * The run directory (`--out`): one run at a time, no debris, and a checkpoint
 * is reused only by the run it belongs to.
 *
 * - A lock file (`DIR/.heterograd.lock`: pid, host, start time, command) makes a
 *   second run into the same directory exit 2 naming the holder. A lock whose
 *   process is gone (same host, pid no longer alive) is stale and taken over
 *   with a message; on another host, or to override, delete the file.
 * - write-file-atomic writes `name.<n>` and renames it over `name`; a kill in
 *   between leaves the temporary file. Those are removed at start (under the lock).
 * - Checkpoints carry a fingerprint of everything that determines their numbers
 *   (model, preset, seed, settings, data, backend); `--resume` refuses one whose
 *   fingerprint differs and says which part.
 */
import { hostname } from 'node:os';
import { mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './config.js';

export const LOCK_NAME = '.heterograd.lock';

interface LockInfo { pid: number; host: string; started: string; command: string }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock (creating the directory); returns the release function. */
export async function lockRunDir(dir: string, command: string, log: (line: string) => void): Promise<() => Promise<void>> {
  if (dir.trim() === '') throw new ConfigError("--out: '' is not a directory name");
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ConfigError(`--out ${dir}: cannot be used as the run directory (${(e as Error).message})`);
  }
  const file = path.join(dir, LOCK_NAME);
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await unlink(file).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: LockInfo | null = null;
    try {
      holder = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
      if (typeof holder?.pid !== 'number' || typeof holder.host !== 'string') throw new Error('not a lock');
    } catch {
      // Unreadable: stale, unless it is seconds old (another run between creating it and writing its pid).
      const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (age < 5000) throw new ConfigError(`--out ${dir} is being locked by another run (${file} was created ${Math.round(age)} ms ago); try again shortly`);
      holder = null;
    }
    const stale = holder === null || (holder.host === me.host && !alive(holder.pid));
    if (!stale) {
      throw new ConfigError(
        `--out ${dir} is in use by another run (pid ${holder!.pid} on ${holder!.host}, since ${holder!.started}: ${holder!.command}). ` +
          `Wait for it, choose another --out, or, if that run is gone, delete ${file}.`,
      );
    }
    log(`taking over a stale lock in ${dir} (${holder ? `pid ${holder.pid} is no longer running` : 'unreadable lock file'})`);
    await unlink(file).catch(() => undefined);
  }
  throw new ConfigError(`--out ${dir}: could not take the lock ${file}`);
}

/**
 * The temporary names write-file-atomic gives the files a run writes
 * (`name.<32-bit hash>`): only these, so that a `--out` pointed at a folder of
 * the user's own files never loses one (say `notes.json.1`).
 */
const DEBRIS = {
  top: /^(results\.json|failures\.json|report\.html|figure-[a-z0-9-]+\.(svg|png|csv))\.\d+$/,
  checkpoints: /^[a-z0-9-]+\.json\.\d+$/,
};

/** Removes temporary files that an interrupted atomic write left behind (`results.json.123`, `checkpoints/vit-seed0.json.4`). */
export async function removeWriteDebris(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const [d, pattern] of [[dir, DEBRIS.top], [path.join(dir, 'checkpoints'), DEBRIS.checkpoints]] as const) {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (pattern.test(n)) {
        await unlink(path.join(d, n)).catch(() => undefined);
        removed.push(path.join(d, n));
      }
    }
  }
  return removed;
}

/** Everything that determines a checkpoint's numbers. */
export type Fingerprint = Record<string, unknown>;

/**
 * The first difference between two fingerprints, as "path: was X, now Y"
 * (the innermost differing key, e.g. `spectra.probes: was 2, now 3`), or null when equal.
 */
export function fingerprintDiff(was: Fingerprint, now: Fingerprint, at = ''): string | null {
  for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const a = was[k];
    const b = now[k];
    const where = `${at}${k}`;
    if (isRecord(a) && isRecord(b)) {
      const inner = fingerprintDiff(a, b, `${where}.`);
      if (inner) return inner;
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      const hint = HINTS[where] ? ` (${HINTS[where]})` : '';
      return `${where}${hint}: was ${JSON.stringify(a) ?? 'absent'}, now ${JSON.stringify(b) ?? 'absent'}`;
    }
  }
  return null;
}

/** What a fingerprint key stands for, where its name alone would not tell the user which flag differs. */
const HINTS: Record<string, string> = { data: 'SHA-256 of the data, --data', backend: '--backend' };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
