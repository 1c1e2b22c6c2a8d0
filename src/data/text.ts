/**
 * Character-level text for the GPT-style experiments: Moby Dick, shipped
 * gzipped in `assets/` (see assets/README.md), by default, or a UTF-8 file (`--data PATH`).
 * The vocabulary is the sorted set of code points; the last `heldOut` fraction
 * of the text is held out (a contiguous tail, so no window straddles both).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { MOBY_DICK_SHA256 } from './corpus.js';

export { type Corpus, MOBY_DICK_SHA256, makeCorpus, splitTail, windowsAt, windowTensors } from './corpus.js';

const MOBY_DICK = new URL('./assets/moby-dick.txt.gz', import.meta.url);

/**
 * The UTF-8 text in the gzip file at `file`, checked against the SHA-256 of
 * the decompressed bytes: a damaged or edited asset is an error naming the
 * file, not a silently different training set.
 */
export function gunzipVerified(file: URL | string, sha256: string): string {
  const name = typeof file === 'string' ? file : fileURLToPath(file);
  const bytes = gunzipSync(readFileSync(file));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== sha256) throw new Error(`${name}: SHA-256 of the decompressed text is ${sha}, expected ${sha256}`);
  return bytes.toString('utf8');
}

/** The whole of Moby Dick: contents, etymology, extracts, chapters and epilogue, separated by blank lines. */
export const mobyDick = (): string => gunzipVerified(MOBY_DICK, MOBY_DICK_SHA256);

/** `--data PATH` semantics: no path → Moby Dick; otherwise the file's UTF-8 text. */
export function loadText(opts: { data?: string } = {}): string {
  const p = opts.data;
  if (!p) return mobyDick();
  if (!existsSync(p)) throw new Error(`${p}: text file not found`);
  if (!statSync(p).isFile()) throw new Error(`${p}: not a regular file`);
  const text = readFileSync(p, 'utf8');
  if (text.length < 2) throw new Error(`${p}: text file is empty (need at least 2 characters)`);
  return text;
}

