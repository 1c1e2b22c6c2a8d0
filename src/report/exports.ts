/**
 * The files of one figure: the SVG itself, a PNG drawn from it, and the CSV
 * of its numbers, in whichever of these formats the caller asks for.
 */
import path from 'node:path';
import { toCsv, type DataTable } from './csv.js';
import { writeBytesAtomic, writeTextAtomic } from './files.js';
import { svgToPng, type PngOptions } from './png.js';

/** The file formats a figure can be written in. */
export const FIGURE_FORMATS = ['svg', 'png', 'csv'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

/**
 * All three by default: the SVG is the figure, the PNG is what slides and
 * chat take, the CSV is what one replots from; together they cost well under
 * a second per figure, next to minutes of computing the numbers.
 */
export const DEFAULT_FIGURE_FORMATS: readonly FigureFormat[] = FIGURE_FORMATS;

/**
 * Checks a list of formats (an array, or comma-separated text as `--formats`
 * gives it) and returns it without repeats, in the order given. An unknown
 * or empty list is an error naming the valid formats.
 */
export function parseFigureFormats(value: string | readonly string[]): FigureFormat[] {
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim()).filter(Boolean);
  const valid = FIGURE_FORMATS.join(', ');
  if (items.length === 0) throw new Error(`no figure format given; valid: ${valid}`);
  for (const f of items) {
    if (!(FIGURE_FORMATS as readonly string[]).includes(f)) throw new Error(`unknown figure format '${f}'; valid: ${valid}`);
  }
  return [...new Set(items as FigureFormat[])];
}

/** A figure to write: its SVG document and the table of the numbers it draws. */
export interface FigureData {
  svg: string;
  data: DataTable;
}

/** Writes `base`.svg / .png / .csv into `dir` for each format asked for; returns the file names written. */
export async function writeFigureFiles(dir: string, base: string, fig: FigureData, formats: readonly FigureFormat[], png: PngOptions = {}): Promise<string[]> {
  const names: string[] = [];
  for (const f of parseFigureFormats(formats)) {
    const name = `${base}.${f}`;
    const file = path.join(dir, name);
    if (f === 'svg') await writeTextAtomic(file, fig.svg);
    else if (f === 'png') await writeBytesAtomic(file, svgToPng(fig.svg, png));
    else await writeTextAtomic(file, toCsv(fig.data));
    names.push(name);
  }
  return names;
}
