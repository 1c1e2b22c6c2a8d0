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
import { mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
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
  await mkdir(dir, { recursive: true });
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
    } catch {
      holder = null; // unreadable: treat as stale below only if it stays unreadable
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

/** Removes temporary files that an interrupted atomic write left behind (`results.json.123`, `checkpoints/vit.json.4`). */
export async function removeWriteDebris(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const d of [dir, path.join(dir, 'checkpoints')]) {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (/\.(json|html|svg|png|csv)\.\d+$/.test(n)) {
        await unlink(path.join(d, n)).catch(() => undefined);
        removed.push(path.join(d, n));
      }
    }
  }
  return removed;
}

/** Everything that determines a checkpoint's numbers. */
export type Fingerprint = Record<string, unknown>;

/** The first difference between two fingerprints, as "key: was X, now Y", or null when equal. */
export function fingerprintDiff(was: Fingerprint, now: Fingerprint): string | null {
  for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const a = JSON.stringify(was[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) return `${k}: was ${a ?? 'absent'}, now ${b ?? 'absent'}`;
  }
  return null;
}
