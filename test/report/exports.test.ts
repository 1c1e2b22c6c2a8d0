import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  curvesSvg, matrixTable, parseFigureFormats, rasterizeSvg, seriesTable, spectraTable, svgToPng, toCsv, writeFigureFiles,
} from '../../src/report/index.js';
import { parseCsv, pngSize, svgSize } from '../helpers/formats.js';

/** Pixels darker than light grey: text, lines, marks. */
function darkPixels(rgba: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 3 * 128) n++;
  return n;
}

describe('PNG export', () => {
  it('is a PNG of scale × the SVG size', async () => {
    const svg = await curvesSvg([{ name: 'adam', x: [0, 1, 2], y: [1, 0.5, 0.25] }], { title: 'loss' });
    const size = svgSize(svg);
    expect(pngSize(svgToPng(svg))).toEqual({ width: 2 * size.width, height: 2 * size.height });
    expect(pngSize(svgToPng(svg, { scale: 1 }))).toEqual(size);
    expect(() => svgToPng(svg, { scale: 0 })).toThrow(/scale 0/);
    expect(() => svgToPng('<html></html>')).toThrow(/not an SVG/);
  });

  it('draws text with the bundled font (resvg silently drops text it has no font for)', () => {
    const text = (s: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="4" y="28" font-family="sans-serif" font-size="20" font-weight="bold">${s}</text></svg>`;
    const drawn = darkPixels(rasterizeSvg(text('JS⁰ − σ'), { scale: 1 }).pixels);
    expect(drawn).toBeGreaterThan(50);
    expect(darkPixels(rasterizeSvg(text(''), { scale: 1 }).pixels)).toBe(0);
  });
});

describe('CSV export', () => {
  it('writes exact numbers and quotes cells that need it', () => {
    const csv = toCsv({ columns: ['run', 'x', 'y'], rows: [['sgd, lr "0.1"', 0, 0.1 + 0.2], ['adam', 1, NaN]] });
    const rows = parseCsv(csv);
    expect(rows).toEqual([['run', 'x', 'y'], ['sgd, lr "0.1"', '0', '0.30000000000000004'], ['adam', '1', 'NaN']]);
    expect(Number(rows[1][2])).toBe(0.1 + 0.2);
    expect(() => toCsv({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/row 0 has 1 cells for 2 columns/);
  });

  it('lays out series, spectra and matrices', () => {
    expect(seriesTable([{ name: 'a', x: [0, 1], y: [5, 6] }, { name: 'b', x: [0], y: [7] }], ['run', 'step', 'loss']).rows)
      .toEqual([['a', 0, 5], ['a', 1, 6], ['b', 0, 7]]);
    expect(() => seriesTable([{ name: 'a', x: [0, 1], y: [5] }], ['r', 'x', 'y'])).toThrow(/'a' has 2 x values but 1 y values/);
    expect(spectraTable([{ block: 'q', grid: [-1, 1], values: [0, 1e-30] }])).toEqual({ columns: ['block', 'eigenvalue', 'density'], rows: [['q', -1, 0], ['q', 1, 1e-30]] });
    const m = matrixTable({ labels: ['q', 'k'], values: [[0, 0.3], [0.3, 0]] }, 'block');
    expect(parseCsv(toCsv(m))).toEqual([['block', 'q', 'k'], ['q', '0', '0.3'], ['k', '0.3', '0']]);
    expect(() => matrixTable({ labels: ['q', 'k'], values: [[0, 1]] })).toThrow(/2×2/);
  });
});

describe('figure formats', () => {
  it('accepts svg, png and csv, as a list or comma-separated, without repeats', () => {
    expect(parseFigureFormats('png, csv,png')).toEqual(['png', 'csv']);
    expect(parseFigureFormats(['svg'])).toEqual(['svg']);
    expect(() => parseFigureFormats('svg,jpg')).toThrow("unknown figure format 'jpg'; valid: svg, png, csv");
    expect(() => parseFigureFormats('')).toThrow('no figure format given; valid: svg, png, csv');
  });

  it('writes one file per format asked for', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hg-fig-'));
    const svg = await curvesSvg([{ name: 'gd', x: [0, 1], y: [2, 1] }]);
    const data = seriesTable([{ name: 'gd', x: [0, 1], y: [2, 1] }], ['run', 'iteration', 'gradient norm']);
    expect(await writeFigureFiles(dir, 'fig', { svg, data }, ['csv', 'png'])).toEqual(['fig.csv', 'fig.png']);
    expect((await readdir(dir)).sort()).toEqual(['fig.csv', 'fig.png']);
    expect(parseCsv(await readFile(path.join(dir, 'fig.csv'), 'utf8'))[2]).toEqual(['gd', '1', '1']);
    await expect(writeFigureFiles(dir, 'fig', { svg, data }, ['gif' as never])).rejects.toThrow(/valid: svg, png, csv/);
  });
});
