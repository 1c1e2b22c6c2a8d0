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

export {
  type Corpus, MOBY_DICK_SHA256, checkTextCorpus, checkVocabulary, makeCorpus, minTextLength, splitTail, windowsAt, windowTensors,
} from './corpus.js';
import { checkVocabulary } from './corpus.js';

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
  return decodeText(readFileSync(p), p);
}

/**
 * The UTF-8 text of a file's bytes, or an error naming `name`: invalid UTF-8
 * (which Node would replace by U+FFFD), a NUL byte (a binary file), or fewer
 * than 2 distinct characters — any of these would train a vocabulary of one
 * or two symbols and report loss 0 as a success.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new Error(`${name}: NUL byte at offset ${nul}: a binary file, not text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${name}: not valid UTF-8 text (the GPT task reads a UTF-8 file)`);
  }
  if (text.length < 2) throw new Error(`${name}: text file is empty (need at least 2 characters)`);
  checkVocabulary(text, name);
  return text;
}

