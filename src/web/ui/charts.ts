/**
 * The page's figures as SVG strings: a heatmap of the pairwise JS matrix,
 * block densities on a log axis, and a bar chart of benchmark rates. Plain
 * SVG keeps the bundle small and redraws cheap while results stream in.
 */
import type { Curve } from '../protocol.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Eight qualitative colours (Tableau 10 minus grey and olive) for block curves. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
export const colorOf = (i: number) => PALETTE[i % PALETTE.length];

/** White → dark blue as t goes 0 → 1 (JS distances live in [0, √ln 2]). */
function blue(t: number): string {
  const u = Math.min(1, Math.max(0, t));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * u);
  return `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`;
}

/** The pairwise matrix as a heatmap, cells scaled to [0, √ln 2], each with its value on hover. */
export function heatmap(labels: string[], matrix: number[][]): string {
  const n = labels.length;
  const cell = Math.max(14, Math.min(40, Math.floor(420 / Math.max(n, 1))));
  const left = 8 + 7 * Math.max(...labels.map((l) => l.length), 1);
  const top = 10;
  const w = left + n * cell + 10;
  const h = top + n * cell + left;
  const max = Math.sqrt(Math.LN2);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-size="11" font-family="sans-serif">`];
  for (let i = 0; i < n; i++) {
    const y = top + i * cell;
    parts.push(`<text x="${left - 4}" y="${y + cell / 2 + 4}" text-anchor="end">${esc(labels[i])}</text>`);
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j];
      parts.push(`<rect x="${left + j * cell}" y="${y}" width="${cell}" height="${cell}" fill="${blue(v / max)}" stroke="#fff"><title>${esc(labels[i])} · ${esc(labels[j])}: ${v.toFixed(4)}</title></rect>`);
    }
    const x = left + i * cell + cell / 2;
    const yb = top + n * cell + 4;
    parts.push(`<text transform="translate(${x + 4},${yb}) rotate(-90)" text-anchor="end">${esc(labels[i])}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

const niceTicks = (lo: number, hi: number, count = 5) => Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));

/** Block densities, log₁₀ of the density against the raw eigenvalue axis (floored at 10⁻⁶ of the largest). */
export function densities(curves: Curve[]): string {
  const [W, H, L, B, T, R] = [640, 300, 50, 36, 10, 150];
  if (curves.length === 0) return '';
  const grid = curves[0].grid;
  const [x0, x1] = [grid[0], grid[grid.length - 1]];
  const peak = Math.max(...curves.flatMap((c) => c.values));
  const floor = Math.log10(Math.max(peak, 1e-300)) - 6;
  const ly = (v: number) => Math.max(floor, Math.log10(Math.max(v, 1e-300)));
  const y1 = floor + 6.2;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const sy = (y: number) => T + (1 - (y - floor) / (y1 - floor)) * (H - T - B);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-size="11" font-family="sans-serif">`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`];
  for (const x of niceTicks(x0, x1)) parts.push(`<text x="${sx(x)}" y="${H - B + 14}" text-anchor="middle">${x.toPrecision(3)}</text>`);
  for (const y of niceTicks(floor, y1, 4)) parts.push(`<text x="${L - 4}" y="${sy(y) + 4}" text-anchor="end">${y.toFixed(1)}</text>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">eigenvalue</text>`);
  parts.push(`<text transform="translate(12,${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">log₁₀ density</text>`);
  curves.forEach((c, i) => {
    const d = c.values.map((v, k) => `${k ? 'L' : 'M'}${sx(c.grid[k]).toFixed(1)},${sy(ly(v)).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${colorOf(i)}" stroke-width="1.2"/>`);
    parts.push(`<text x="${W - R + 8}" y="${T + 12 + 13 * i}" fill="${colorOf(i)}">${esc(c.block)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars, one per row, scaled to the largest value of the same unit. */
export function bars(rows: { label: string; value: number; unit: string }[]): string {
  const [W, rowH, L] = [640, 16, 300];
  const max = new Map<string, number>();
  for (const r of rows) max.set(r.unit, Math.max(max.get(r.unit) ?? 0, r.value));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${rowH * rows.length + 4}" font-size="11" font-family="sans-serif">`];
  rows.forEach((r, i) => {
    const y = i * rowH + 2;
    const w = ((W - L - 110) * r.value) / (max.get(r.unit) || 1);
    parts.push(`<text x="${L - 6}" y="${y + 11}" text-anchor="end">${esc(r.label)}</text>`,
      `<rect x="${L}" y="${y + 1}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 3}" fill="${r.unit === 'GB/s' ? '#f28e2b' : '#4e79a7'}"/>`,
      `<text x="${L + w + 4}" y="${y + 11}">${r.value.toPrecision(3)} ${r.unit}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
