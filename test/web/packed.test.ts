/** The page's Node-free pieces: packed MNIST round-trips bit for bit, and the kernel notes come from the README. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnistPackage } from '../../src/data/mnist.js';
import { packMnist, unpackMnist } from '../../src/data/packed.js';
import { kernelNotes } from '../../src/web/notes.js';
import { KERNELS } from '../../src/web/kernels.js';

describe('packed MNIST', () => {
  it('unpacks to exactly the arrays loadMnistPackage builds', () => {
    const m = loadMnistPackage();
    const back = unpackMnist(packMnist(m), 'packed');
    expect(back.n).toBe(m.n);
    expect(Buffer.from(back.images.buffer).equals(Buffer.from(m.images.buffer))).toBe(true);
    expect(Array.from(back.labels)).toEqual(Array.from(m.labels));
  });

  it('names the problem in damaged input', () => {
    const bytes = packMnist({ images: new Float32Array([0, 0.5, 1, 0]), labels: new Int32Array([3]), n: 1, rows: 2, cols: 2, source: 't' });
    expect(() => unpackMnist(bytes.subarray(0, bytes.length - 1), 'cut.bin')).toThrow(/cut\.bin: header says 1 images of 2×2/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => unpackMnist(bad, 'bad.bin')).toThrow(/bad\.bin: not a packed MNIST file/);
  });
});

describe('kernel notes', () => {
  it('has the README\'s words for every kernel the page shows', () => {
    const notes = kernelNotes(readFileSync('src/kernels/README.md', 'utf8'));
    for (const k of KERNELS) expect(notes[k.note]?.idea.length, k.id).toBeGreaterThan(20);
    expect(notes['02_tiled'].why).toMatch(/reused 16 times/);
    expect(() => kernelNotes('# nothing here')).toThrow(/no section matching/);
  });
});
