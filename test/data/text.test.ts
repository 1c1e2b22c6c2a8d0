import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/index.js'; // the public face sets the default (CPU) backend
import { loadText, makeCorpus, mobyDick, splitTail, windowsAt, windowTensors } from '../../src/data/index.js';

describe('character corpus', () => {
  const text = mobyDick();
  const c = makeCorpus(text);

  it('loads Moby Dick with a sorted character vocabulary', () => {
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text).toContain('Call me Ishmael.');
    expect(c.vocab).toEqual([...c.vocab].sort());
    expect(new Set(c.vocab).size).toBe(c.vocab.length);
    expect(c.vocab.length).toBeGreaterThan(60);
    expect(c.vocab.length).toBeLessThan(120);
    expect(c.ids.length).toBe(Array.from(text).length);
  });

  it('encodes and decodes exactly, and rejects unknown characters', () => {
    const s = 'Call me Ishmael.';
    expect(c.decode(c.encode(s))).toBe(s);
    expect(c.decode(c.ids.subarray(0, 500))).toBe(Array.from(text).slice(0, 500).join(''));
    expect(() => c.encode('€')).toThrow(/U\+20AC/);
    expect(() => c.decode([c.vocab.length])).toThrow(/outside the vocabulary/);
  });

  it('draws seeded (B, T+1) windows of consecutive text from the training head', () => {
    const { train, heldOut } = splitTail(c.ids, 0.1);
    expect(train.length + heldOut.length).toBe(c.ids.length);
    expect(c.ids[train.length]).toBe(heldOut[0]);
    const [B, T] = [4, 32];
    const w = windowsAt(train, B, T, 9, 17);
    expect(w.length).toBe(B * (T + 1));
    expect(w).toEqual(windowsAt(train, B, T, 9, 17));
    expect(w).not.toEqual(windowsAt(train, B, T, 9, 18));
    const row = c.decode(w.subarray(0, T + 1));
    expect(c.decode(train)).toContain(row);
    const { x, y } = windowTensors(w, B, T);
    expect([x.shape, y.shape]).toEqual([[B, T], [B, T]]);
    expect(Array.from(y.dataSync()).slice(0, T - 1)).toEqual(Array.from(x.dataSync()).slice(1, T));
  });

  it('reads a user file via --data and names bad paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-text-'));
    writeFileSync(join(dir, 'a.txt'), 'abcabc\n');
    const t = loadText({ data: join(dir, 'a.txt') });
    expect(makeCorpus(t).vocab).toEqual(['\n', 'a', 'b', 'c']);
    expect(() => loadText({ data: join(dir, 'none.txt') })).toThrow(/none\.txt: text file not found/);
    expect(() => loadText({ data: dir })).toThrow(/not a regular file/);
    expect(() => windowsAt(Int32Array.from([1, 2]), 1, 4, 0, 0)).toThrow(/too short/);
  });
});
