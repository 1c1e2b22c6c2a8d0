/**
 * Result files that survive a crash mid-write: each write goes to a temporary
 * file that is renamed over the target (write-file-atomic), so a reader — or a
 * resumed run — sees the old file or the new one, never half of one.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export interface JsonWriteOptions {
  /** Indent (default 2; 0 for one line). */
  indent?: number;
  /**
   * What to do with NaN and ±Infinity, which JSON cannot hold: 'null' writes
   * null (JSON.stringify's behaviour, the default), 'error' throws naming where.
   */
  nonFinite?: 'null' | 'error';
}

function stringify(value: unknown, o: JsonWriteOptions, path: string): string {
  const strict = o.nonFinite === 'error';
  const text = JSON.stringify(value, function (this: unknown, key, v: unknown) {
    if (strict && typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${path}: non-finite number ${v} at key '${key}'`);
    return v;
  }, o.indent ?? 2);
  if (text === undefined) throw new Error(`${path}: value is not JSON-serializable (${typeof value})`);
  return `${text}\n`;
}

/** Writes `text` to `path` atomically, creating parent directories. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text, { encoding: 'utf8' });
}

/** Writes `bytes` (an image) to `path` atomically, creating parent directories. */
export async function writeBytesAtomic(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, bytes);
}

/** Writes `value` as JSON to `path` atomically, creating parent directories. */
export async function writeJsonAtomic(path: string, value: unknown, opts: JsonWriteOptions = {}): Promise<void> {
  await writeTextAtomic(path, stringify(value, opts, path));
}

/** Synchronous {@link writeJsonAtomic} (for exit handlers and tight loops). */
export function writeJsonAtomicSync(path: string, value: unknown, opts: JsonWriteOptions = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic.sync(path, stringify(value, opts, path), { encoding: 'utf8' });
}

/**
 * The parsed JSON at `path`, or undefined when there is no such file (a fresh
 * run). A file that exists but does not parse is an error naming the path:
 * writes are atomic, so it is not a half-written checkpoint and should not be
 * silently overwritten. `validate` may check the shape and throw.
 */
export async function readJsonIfExists<T>(path: string, validate?: (value: unknown) => T): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message}); delete it to start over`);
  }
  return validate ? validate(value) : (value as T);
}
