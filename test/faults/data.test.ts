/**
 * Data files that used to "train" into a success: binary or invalid UTF-8
 * text and one-symbol text (vocabulary 1, loss 0), text too short for its
 * held-out windows (which failed only after the spectra and a training run),
 * and IDX files of the wrong image size or with no images.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDigits, checkTextCorpus, loadMnist, loadMnistIdx, loadText, makeCorpus, minTextLength, splitHeldOut, splitTail, windowsAt,
} from '../../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hg-faults-data-'));
const file = (name: string, bytes: Uint8Array | string): string => { const p = join(dir, name); writeFileSync(p, bytes); return p; };

describe('text data', () => {
  it('a binary file is rejected naming the file and the NUL byte', () => {
    const p = file('weights.bin', new Uint8Array([65, 66, 0, 1, 2, 200]));
    expect(() => loadText({ data: p })).toThrow(new RegExp(`${p.replace(/[.]/g, '\\.')}: NUL byte at offset 2: a binary file, not text`));
  });

  it('invalid UTF-8 is rejected (Node would have turned it into U+FFFD symbols)', () => {
    const p = file('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0xeb, 0x6c]));
    expect(() => loadText({ data: p })).toThrow(/latin1\.txt: not valid UTF-8 text/);
  });

  it('a one-symbol text is rejected: its vocabulary of 1 gives loss 0 and 100% accuracy', () => {
    const p = file('aaaa.txt', 'a'.repeat(5000));
    expect(() => loadText({ data: p })).toThrow(/aaaa\.txt: the text has only 1 distinct character \("a"\); a language model needs a vocabulary of at least 2/);
    expect(() => makeCorpus('zzzz', 'my.txt')).toThrow(/my\.txt: the text has only 1 distinct character/);
  });

  it('valid UTF-8 (with multi-byte characters) still loads', () => {
    const p = file('ok.txt', 'café, naïve — ok\n');
    expect(makeCorpus(loadText({ data: p })).vocab).toContain('é');
  });

  it('checkTextCorpus names the file and the minimum length before any work', () => {
    const corpus = makeCorpus('abcdefghijklmn', 'short.txt'); // 14 ids
    expect(() => checkTextCorpus(corpus, { context: 16, source: 'short.txt' }))
      .toThrow(/short\.txt: 14 characters are too short for windows of 17: need at least 161 \(the held-out tail, 10% of the text, must hold a window too\)/);
  });

  it('the minimum length is exact: one id less fails in windowsAt, the minimum works', () => {
    for (const window of [2, 17, 65]) {
      const need = minTextLength(window);
      const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 7);
      const { train, heldOut } = splitTail(ids(need));
      expect(() => windowsAt(heldOut, 2, window - 1, 0, 0)).not.toThrow();
      expect(() => windowsAt(train, 2, window - 1, 0, 0)).not.toThrow();
      const short = splitTail(ids(need - 1));
      expect(() => { windowsAt(short.train, 2, window - 1, 0, 0); windowsAt(short.heldOut, 2, window - 1, 0, 0); }).toThrow(/too short/);
      const text = Array.from({ length: need }, (_, i) => 'ab'[i % 2]).join('');
      expect(() => checkTextCorpus(makeCorpus(text), { context: window - 1 })).not.toThrow();
      expect(() => checkTextCorpus(makeCorpus(text.slice(1)), { context: window - 1 })).toThrow(/too short/);
    }
  });
});

/** An IDX file of unsigned bytes with the given dims. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('IDX data', () => {
  it('images that are not 28×28 are rejected naming the file (it was "1600 values do not fill (16, 784)")', () => {
    const images = file('small-images', idx([10, 10, 16], new Uint8Array(1600)));
    const labels = file('small-labels', idx([10], new Uint8Array(10)));
    expect(() => checkDigits(loadMnist({ data: `${images},${labels}` }))).toThrow(/small-images: images are 10×16, but the vision models take 28×28 MNIST digits/);
  });

  it('an IDX file with 0 images is rejected naming the file (it was "heldOut 0 must be in [0, 0)")', () => {
    const images = file('empty-images', idx([0, 28, 28], new Uint8Array(0)));
    const labels = file('empty-labels', idx([0], new Uint8Array(0)));
    expect(() => loadMnistIdx({ images, labels })).toThrow(/empty-images: holds 0 images/);
  });

  it('too few images to hold some out is an error naming the source', () => {
    const images = file('two-images', idx([2, 28, 28], new Uint8Array(2 * 784)));
    const labels = file('two-labels', idx([2], new Uint8Array([3, 4])));
    const data = loadMnistIdx({ images, labels });
    // round(2 / 5) = 0 held out: an empty held-out set failed later in batchAt.
    expect(() => splitHeldOut(data)).toThrow(/splitHeldOut: .*two-images has 2 images; holding out 0 must leave at least one in each part/);
    expect(splitHeldOut(data, { heldOut: 1 }).heldOut.n).toBe(1);
  });
});
