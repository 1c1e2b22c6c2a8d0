/**
 * The numbers behind each figure as CSV (header first, RFC 4180 quoting
 * where a cell holds a comma, quote or line break; LF line ends). Numbers are written in
 * JavaScript's shortest round-trip form, so parsing a cell gives back the
 * exact double; NaN and ±Infinity are written as `NaN`, `Infinity`,
 * `-Infinity`, which pandas and R read as such.
 */
import type { BlockSpectrum, Curve } from './figures.js';

/** A table: a header row and rows of the same length. */
export interface DataTable {
  columns: string[];
  rows: (string | number)[][];
}

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV text (one header line, one line per row, a final newline). */
export function toCsv(t: DataTable): string {
  t.rows.forEach((r, i) => {
    if (r.length !== t.columns.length) throw new Error(`toCsv: row ${i} has ${r.length} cells for ${t.columns.length} columns`);
  });
  return [t.columns, ...t.rows].map((r) => `${r.map(cell).join(',')}\n`).join('');
}

/**
 * Named series in long form, one row per point: `[name, x, y]` under the
 * given column titles. Long form keeps series of different lengths or
 * grids (a run that diverged early) in one table.
 */
export function seriesTable(series: Curve[], columns: [name: string, x: string, y: string]): DataTable {
  const rows = series.flatMap((c) => {
    if (c.x.length !== c.y.length) throw new Error(`seriesTable: series '${c.name}' has ${c.x.length} x values but ${c.y.length} y values`);
    return c.x.map((x, i) => [c.name, x, c.y[i]]);
  });
  return { columns, rows };
}

/** Block densities in long form: block, eigenvalue, density (the raw values, not the plot's floor). */
export const spectraTable = (blocks: BlockSpectrum[]): DataTable =>
  seriesTable(blocks.map((b) => ({ name: b.block, x: b.grid, y: b.values })), ['block', 'eigenvalue', 'density']);

/** A square labelled matrix in wide form: the first column names the row, then one column per label. */
export function matrixTable(m: { labels: string[]; values: number[][] }, corner = ''): DataTable {
  const n = m.labels.length;
  if (m.values.length !== n || m.values.some((r) => r.length !== n)) throw new Error(`matrixTable: values must be ${n}×${n} to match the labels`);
  return { columns: [corner, ...m.labels], rows: m.labels.map((l, i) => [l, ...m.values[i]]) };
}
