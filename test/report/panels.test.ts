/**
 * Small multiples: blocks grouped by layer with at most six per panel, a
 * palette that never repeats within a panel, loss curves per optimizer with
 * the best run thick, the EMA used for smoothing, and heatmaps that share a
 * colour scale when given one domain.
 */
import { describe, expect, it } from 'vitest';
import { blockSpectraPanelsSvg, ema, heatmapSvg, panelBlocks, smoothedPanelsSvg } from '../../src/report/index.js';
import { GPT_BLOCKS } from '../helpers/report-doc.js';

/** Each line's panel, name (from its aria-label) and stroke colour, as vega writes them. */
function lines(svg: string, field: string): { panel: number; name: string; stroke: string; width: string }[] {
  const re = new RegExp(`class="mark-line role-mark concat_(\\d+)_(?:layer_\\d+_)?marks"[^>]*><path aria-label="[^"]*${field}: ([^";]+)[^"]*"[^>]*?stroke="(#[0-9a-f]+)"([^>]*)`, 'g');
  return [...svg.matchAll(re)].map((m) => ({ panel: Number(m[1]), name: m[2], stroke: m[3], width: /stroke-width="([\d.]+)"/.exec(m[4])?.[1] ?? '1' }));
}

describe('panelBlocks', () => {
  it('puts each layer in its own panel, pools embeddings and heads, and never exceeds six per panel', () => {
    const panels = panelBlocks(GPT_BLOCKS);
    expect(panels.flatMap((p) => p.names).sort()).toEqual([...GPT_BLOCKS].sort()); // every block once
    expect(Math.max(...panels.map((p) => p.names.length))).toBeLessThanOrEqual(6);
    expect(panels.map((p) => p.title)).toEqual(['other blocks', 'blocks.0', 'blocks.1']);
    expect(panels[0].names).toEqual(['wte', 'ln_f', 'lm_head']);
    expect(panels[2].names.every((n) => n.startsWith('blocks.1.'))).toBe(true);
  });

  it('keeps a small model in one panel and splits a layer larger than a panel', () => {
    expect(panelBlocks(['layers.0.weight', 'layers.1.weight'])).toEqual([{ title: 'all blocks', names: ['layers.0.weight', 'layers.1.weight'] }]);
    const wide = Array.from({ length: 14 }, (_, i) => `blocks.0.w${i}`);
    expect(panelBlocks(wide).map((p) => [p.title, p.names.length])).toEqual([['blocks.0 (1/3)', 6], ['blocks.0 (2/3)', 6], ['blocks.0 (3/3)', 2]]);
    expect(() => panelBlocks(wide, 0)).toThrow(/perPanel must be a positive integer/);
  });
});

describe('blockSpectraPanelsSvg', () => {
  const grid = Array.from({ length: 40 }, (_, i) => i / 10);
  const blocks = GPT_BLOCKS.map((block, k) => ({ block, grid, values: grid.map((t) => Math.exp(-((t - (k % 4)) ** 2) / 0.05)) }));

  it('draws 16 blocks in three panels, no colour twice within a panel', async () => {
    const svg = await blockSpectraPanelsSvg(blocks, panelBlocks(GPT_BLOCKS), { title: 'GPT spectra' });
    const drawn = lines(svg, 'block');
    expect(drawn.map((l) => l.name).sort()).toEqual([...GPT_BLOCKS].sort());
    for (const p of [0, 1, 2]) {
      const strokes = drawn.filter((l) => l.panel === p).map((l) => l.stroke);
      expect(new Set(strokes).size).toBe(strokes.length);
    }
    // With one panel of 16 lines a 10-colour palette would have to repeat: the panels are what prevents it.
    expect(new Set(drawn.map((l) => l.stroke)).size).toBeLessThan(drawn.length);
    for (const t of ['GPT spectra', 'blocks.0', 'blocks.1', 'other blocks', '1e-10']) expect(svg).toContain(t);
  });

  it('names a block missing from the panels, a panel naming an unknown block, and a bad grid', async () => {
    await expect(blockSpectraPanelsSvg(blocks.slice(0, 2), [{ title: 'p', names: ['wte'] }])).rejects.toThrow(/'blocks.0.attn.q' is in no panel/);
    await expect(blockSpectraPanelsSvg(blocks.slice(0, 1), [{ title: 'p', names: ['wte', 'x'] }])).rejects.toThrow(/block 'x', which has no spectrum/);
    await expect(blockSpectraPanelsSvg([{ block: 'a', grid: [1, 2], values: [1] }], [{ title: 'p', names: ['a'] }])).rejects.toThrow(/2 grid points but 1 values/);
  });
});

describe('smoothedPanelsSvg and ema', () => {
  it('ema matches pandas ewm(span, adjust=True), is the identity at span 1, and rejects NaN', () => {
    // pandas.Series([1, 2, 3]).ewm(span=3, adjust=True).mean() → 1, 1.666667, 2.428571
    const got = ema([1, 2, 3], 3);
    [1, 5 / 3, 4.25 / 1.75].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    expect(ema([4, 1, 7], 1)).toEqual([4, 1, 7]);
    expect(() => ema([1, Number.NaN], 2)).toThrow(/value 1 is NaN/);
    expect(() => ema([1], 0.5)).toThrow(/span must be/);
  });

  it('one panel per optimizer, the best run thick with a diamond, raw curves faint', async () => {
    const x = Array.from({ length: 30 }, (_, i) => i);
    const curve = (name: string, rate: number, best = false) => {
      const y = x.map((i) => 3 * Math.exp(-rate * i) * (1 + 0.1 * Math.sin(i)));
      return { name, x, y, smooth: ema(y, 3), best };
    };
    const svg = await smoothedPanelsSvg([
      { title: 'sgd', curves: [curve('lr 0.1', 0.02), curve('lr 0.3 ★ best', 0.05, true)] },
      { title: 'adam', curves: [curve('lr 1e-3 ★ best', 0.08, true)] },
    ]);
    const drawn = lines(svg, 'run');
    expect(drawn.filter((l) => l.width === '3').map((l) => [l.panel, l.name])).toEqual([[0, 'lr 0.3 ★ best'], [1, 'lr 1e-3 ★ best']]);
    expect(svg.match(/stroke-opacity="0.3"|opacity="0.3"/g)?.length).toBeGreaterThanOrEqual(3); // one faint raw line per run
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(2); // a diamond at the end of each best run
    for (const t of ['sgd', 'adam', 'training loss', 'step']) expect(svg).toContain(t);
  });
});

describe('heatmapSvg on a shared colour scale', () => {
  const fills = (svg: string) => Object.fromEntries([...svg.matchAll(/aria-label="col: (\w+); row: (\w+); JS: [^"]*"[^>]*fill="([^"]+)"/g)].map((m) => [`${m[2]}-${m[1]}`, m[3]]));
  const small = { labels: ['a', 'b'], values: [[0, 0.007], [0.007, 0]] };
  const large = { labels: ['a', 'b'], values: [[0, 0.6], [0.6, 0]] };

  it('a small distance is as dark as near-zero on a shared domain, but as bright as the maximum on its own', async () => {
    const own = [fills(await heatmapSvg(small, { valueLabel: 'JS' })), fills(await heatmapSvg(large, { valueLabel: 'JS' }))];
    expect(own[0]['a-b']).toBe(own[1]['a-b']); // each scaled to its own max: VGG's 0.007 looks like GPT's 0.6
    const shared = [fills(await heatmapSvg(small, { valueLabel: 'JS', domain: [0, 0.6] })), fills(await heatmapSvg(large, { valueLabel: 'JS', domain: [0, 0.6] }))];
    expect(shared[0]['a-b']).not.toBe(shared[1]['a-b']);
    expect(shared[0]['a-a']).toBe(shared[1]['a-a']); // 0 is the same colour in both
    await expect(heatmapSvg(small, { domain: [1, 1] })).rejects.toThrow(/domain \[1, 1\] must be finite and increasing/);
  });

  it('prints each value in its cell', async () => {
    const svg = await heatmapSvg(large, { domain: [0, 0.6] });
    expect(svg.match(/aria-roledescription="text mark"[^>]*>0.6</g)?.length).toBe(2);
  });
});
