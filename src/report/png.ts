/**
 * PNG copies of the SVG figures, drawn by resvg (a Rust SVG renderer whose
 * npm package ships its native binary, so nothing is downloaded at install).
 *
 * Text needs a font, and resvg draws no text at all when it finds none — a
 * figure with no labels, without an error. So the fonts are not the
 * machine's: DejaVu Sans (regular and bold; vega's titles are bold) comes
 * from the `dejavu-fonts-ttf` package and stands for vega's `sans-serif`,
 * which makes the PNGs the same on every machine, with or without fontconfig.
 * DejaVu also has the glyphs the figures use beyond ASCII (⁰, σ, −, –).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Resvg, type RenderedImage } from '@resvg/resvg-js';

const FAMILY = 'DejaVu Sans';
const FACES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'];

let fontFiles: string[] | undefined;

/** The bundled font files, checked once (a broken install is an error naming the missing file). */
function fonts(): string[] {
  if (!fontFiles) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const files = FACES.map((f) => path.join(dir, f));
    const missing = files.find((f) => !existsSync(f));
    if (missing) throw new Error(`png: font file ${missing} is missing (reinstall the dejavu-fonts-ttf package)`);
    fontFiles = files;
  }
  return fontFiles;
}

export interface PngOptions {
  /** Pixels per SVG unit (default 2: sharp on high-density screens and in print). */
  scale?: number;
}

/** Draws an SVG document; the image is `scale` × the SVG's width and height, on white. */
export function rasterizeSvg(svg: string, opts: PngOptions = {}): RenderedImage {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new Error(`png: scale ${scale} must be in (0, 16]`);
  if (!/^\s*<svg[\s>]/.test(svg)) throw new Error('png: input is not an SVG document (it must start with <svg)');
  const font = { loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FAMILY, sansSerifFamily: FAMILY };
  return new Resvg(svg, { font, fitTo: { mode: 'zoom', value: scale }, background: 'white', logLevel: 'error' }).render();
}

/** The SVG document as PNG file bytes (see {@link rasterizeSvg}). */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  return rasterizeSvg(svg, opts).asPng();
}
