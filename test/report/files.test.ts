import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, readJsonIfExists, writeJsonAtomic, writeJsonAtomicSync, writeTextAtomic } from '../../src/report/index.js';

describe('atomic files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hg-files-'));

  it('writes JSON (creating directories), reads it back, and leaves no temporary file', async () => {
    const p = join(dir, 'nested', 'deeper', 'results.json');
    const value = { model: 'vit', losses: [2.3, 1.1], nested: { ok: true } };
    expect(await readJsonIfExists(p)).toBeUndefined();
    await writeJsonAtomic(p, value);
    expect(await readJsonIfExists(p)).toEqual(value);
    // Concurrent writes of large values: the file is always one whole value, never a mix.
    const big = (k: number) => ({ k, data: Array.from({ length: 20000 }, (_, i) => i * k) });
    await Promise.all([1, 2, 3, 4].map((k) => writeJsonAtomic(p, big(k))));
    const back = await readJsonIfExists<{ k: number; data: number[] }>(p);
    expect(back!.data).toEqual(big(back!.k).data);
    expect(readdirSync(join(dir, 'nested', 'deeper'))).toEqual(['results.json']);
    writeJsonAtomicSync(p, [1]);
    expect(await readJsonIfExists(p)).toEqual([1]);
  });

  it('handles non-finite numbers as asked, text files, corrupt JSON and validation', async () => {
    const p = join(dir, 'nf.json');
    await writeJsonAtomic(p, { loss: NaN });
    expect(await readJsonIfExists(p)).toEqual({ loss: null });
    await expect(writeJsonAtomic(p, { loss: Infinity }, { nonFinite: 'error' })).rejects.toThrow(/non-finite number Infinity at key 'loss'/);
    await writeTextAtomic(join(dir, 'a.txt'), 'hello');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"half": ');
    await expect(readJsonIfExists(bad)).rejects.toThrow(/bad\.json: not valid JSON/);
    const check = (v: unknown): number[] => {
      if (!Array.isArray(v)) throw new Error('expected an array');
      return v as number[];
    };
    await expect(readJsonIfExists(p, check)).rejects.toThrow(/expected an array/);
  });
});

describe('progress', () => {
  const capture = (isTTY: boolean) => {
    const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
    s.isTTY = isTTY;
    s.columns = 120;
    let out = '';
    s.on('data', (d) => { out += d.toString(); });
    return { s, text: () => out };
  };

  it('prints plain periodic lines with an ETA when not on a terminal', async () => {
    let t = 0;
    const { s, text } = capture(false);
    const p = createProgress({ stream: s, intervalMs: 10_000, now: () => t });
    p.start('vit: adam lr 1e-3', 100);
    for (let i = 1; i <= 100; i++) {
      t += 1000; // 1 s per step
      p.update(i, `loss ${(3 - i / 50).toFixed(2)}`);
    }
    p.log('vit: final loss 1.00');
    await new Promise((r) => setImmediate(r));
    const lines = text().trim().split('\n');
    expect(lines[0]).toBe('vit: adam lr 1e-3: 0/100 (0.0%) elapsed 0s, ETA ?');
    expect(lines[1]).toBe('vit: adam lr 1e-3: 10/100 (10.0%) elapsed 10s, ETA 1m30s | loss 2.80');
    expect(lines.length).toBe(12); // start, every 10 s, done, the log line
    expect(lines[10]).toContain('100/100 (100.0%) elapsed 1m40s, done');
    expect(lines[11]).toBe('vit: final loss 1.00');
    expect(text()).not.toContain('\r');
  });

  it('draws a bar with ETA on a terminal', async () => {
    const { s, text } = capture(true);
    const p = createProgress({ stream: s });
    p.start('spectra', 10, 2);
    p.tick(3, 'block q');
    p.log('a message');
    p.stop();
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('spectra');
    expect(text()).toMatch(/5\/10/);
    expect(text()).toContain('ETA');
    expect(text()).toContain('a message');
  });

  it('formats durations', () => {
    expect([formatDuration(5000), formatDuration(75_000), formatDuration(3_725_000), formatDuration(NaN)]).toEqual(['5s', '1m15s', '1h02m', '?']);
  });
});
