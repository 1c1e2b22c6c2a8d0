import { describe, expect, it } from 'vitest';
import { blockSpectraSvg, gradNormSvg, heatmapSvg, js0ScatterSvg, lossCurvesSvg, reportHtml } from '../../src/report/index.js';

const isSvg = (s: string): void => {
  expect(s.startsWith('<svg')).toBe(true);
  expect(s.trimEnd().endsWith('</svg>')).toBe(true);
  expect(s).toMatch(/<path|<rect|<line/);
};

describe('figures', () => {
  it('(a) block spectra: one labelled line per block, log density from 1e-10', async () => {
    const grid = Array.from({ length: 50 }, (_, i) => i / 10);
    const gauss = (mu: number) => grid.map((t) => Math.exp(-((t - mu) ** 2) / 0.02));
    const svg = await blockSpectraSvg([
      { block: 'blocks.0.attn.q', grid, values: gauss(1) },
      { block: 'blocks.0.mlp.fc', grid, values: gauss(3) },
    ], { title: 'Blockwise spectra at init' });
    isSvg(svg);
    for (const label of ['blocks.0.attn.q', 'blocks.0.mlp.fc', 'Blockwise spectra at init', 'density', '1e-10']) expect(svg).toContain(label);
    await expect(blockSpectraSvg([{ block: 'x', grid: [1, 2], values: [1] }])).rejects.toThrow(/2 grid points but 1 values/);
  });

  it('(b) heatmap of a pairwise matrix with its labels', async () => {
    const labels = ['embed', 'q', 'k', 'v'];
    const values = labels.map((_, i) => labels.map((__, j) => Math.abs(i - j) / 3));
    const svg = await heatmapSvg({ labels, values }, { title: 'JS distance between blocks' });
    isSvg(svg);
    for (const l of [...labels, 'JS distance between blocks', 'distance']) expect(svg).toContain(l);
    await expect(heatmapSvg({ labels, values: values.slice(1) })).rejects.toThrow(/4×4/);
  });

  it('(c) loss curves of several runs on a log axis', async () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const svg = await lossCurvesSvg([
      { name: 'SGD lr 0.1', x, y: x.map((i) => 2.3 * Math.exp(-i / 80)) },
      { name: 'Adam lr 1e-3', x, y: x.map((i) => 2.3 * Math.exp(-i / 20)) },
    ], { title: 'ViT tiny' });
    isSvg(svg);
    for (const l of ['SGD lr 0.1', 'Adam lr 1e-3', 'ViT tiny', 'training loss', 'step']) expect(svg).toContain(l);
  });

  it('(d) gradient norm vs iteration, zero values drawn at the floor', async () => {
    const x = [0, 1, 2, 3];
    const svg = await gradNormSvg([{ name: 'GD', x, y: [10, 5, 2, 1] }, { name: 'Adam', x, y: [10, 1e-3, 1e-9, 0] }], { title: 'Case 3' });
    isSvg(svg);
    for (const l of ['GD', 'Adam', 'Case 3', 'gradient norm', 'iteration']) expect(svg).toContain(l);
    expect(svg).not.toContain('NaN');
  });

  it('(e) JS⁰ against the SGD–Adam gap with model labels', async () => {
    const svg = await js0ScatterSvg([
      { model: 'ResNet', js0: 0.02, gap: 0.01 },
      { model: 'ViT', js0: 0.4, gap: 0.6 },
      { model: 'GPT-nano', js0: 0.3, gap: 0.45 },
    ], { title: 'Heterogeneity predicts the gap' });
    isSvg(svg);
    for (const l of ['ResNet', 'ViT', 'GPT-nano', 'Heterogeneity predicts the gap', 'JS⁰']) expect(svg).toContain(l);
  });
});

describe('report.html', () => {
  it('embeds the SVGs inline with the title, table and escaped prose', async () => {
    const svg = await gradNormSvg([{ name: 'GD', x: [0, 1], y: [1, 0.5] }]);
    const html = reportHtml({
      title: 'heterograd <report>',
      text: 'First paragraph: SGD & Adam.\n\nSecond one.',
      table: { columns: ['model', 'JS⁰', 'gap'], rows: [['ViT', 0.41234567, 0.6], ['ResNet', 0.02, null]] },
      figures: [{ title: 'Quadratic Case 3', svg, caption: 'gradient norm' }],
      footer: 'seed 0',
    });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(svg.trim());
    expect(html).toContain('<title>heterograd &lt;report&gt;</title>');
    expect(html).toContain('<p>First paragraph: SGD &amp; Adam.</p>');
    expect(html).toContain('<p>Second one.</p>');
    expect(html).toContain('<td class="num">0.4123</td>');
    expect(html).toContain('<td>—</td>');
    expect(html).toContain('Quadratic Case 3');
    expect(() => reportHtml({ title: 't', text: '', figures: [{ title: 'bad', svg: '<div/>' }] })).toThrow(/not an SVG/);
    expect(() => reportHtml({ title: 't', text: '', figures: [], table: { columns: ['a'], rows: [[1, 2]] } })).toThrow(/2 cells for 1 columns/);
  });
});
