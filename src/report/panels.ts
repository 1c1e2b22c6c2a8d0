/**
 * Small-multiple figures: many lines split over panels, so that no panel
 * holds more lines than a categorical palette tells apart. Each panel has
 * its own colour scale and legend (colours restart per panel and never
 * repeat within one); axes are shared, so panels compare at a glance.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, type BlockSpectrum, type Curve, type FigureOptions } from './figures.js';

/** Lines per panel: the paper draws about four; six still read apart in tableau10. */
export const MAX_PER_PANEL = 6;

/** A categorical palette of 10 colours: with ≤ MAX_PER_PANEL lines a panel never reuses one. */
const PALETTE = 'tableau10';

/** A panel: its title and the names (blocks, runs) drawn in it, in order. */
export interface Panel {
  title: string;
  names: string[];
}

const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * Groups block names for small multiples. Blocks of one layer (names sharing
 * a prefix that ends in a layer number, `blocks.3.attn.q` → `blocks.3`) share
 * a panel; blocks outside any layer, or alone in theirs (embeddings, heads,
 * an MLP's `layers.0.weight`), are pooled in order. A group larger than
 * `perPanel` is split; with `perPanel` or fewer blocks in all, one panel.
 */
export function panelBlocks(names: string[], perPanel = MAX_PER_PANEL): Panel[] {
  if (!(Number.isInteger(perPanel) && perPanel >= 1)) throw new Error(`panelBlocks: perPanel must be a positive integer, got ${perPanel}`);
  if (names.length <= perPanel) return names.length ? [{ title: 'all blocks', names }] : [];
  const layerOf = (n: string) => /^(.*?\.\d+)\./.exec(n)?.[1];
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const key = layerOf(n) ?? '';
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const panels: Panel[] = [];
  const pooled: string[] = [];
  for (const [key, members] of groups) {
    if (key === '' || members.length === 1) pooled.push(...members);
    else {
      const parts = chunks(members, perPanel);
      parts.forEach((p, i) => panels.push({ title: parts.length > 1 ? `${key} (${i + 1}/${parts.length})` : key, names: p }));
    }
  }
  const rest = chunks(pooled, perPanel).map((p, i, all) => ({ title: `other blocks${all.length > 1 ? ` (${i + 1}/${all.length})` : ''}`, names: p }));
  // Pooled blocks first when they begin the model (embeddings), else last; order within stays the model's.
  return layerOf(names[0]) === undefined ? [...rest, ...panels] : [...panels, ...rest];
}

export interface PanelOptions extends FigureOptions {
  /** Panels per row (default 2). */
  columns?: number;
}

/** The whole figure's frame: title, panel grid, shared x/y, one colour scale and legend per panel. */
const grid = (o: PanelOptions, panels: object[]) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  ...(o.title ? { title: { text: o.title, anchor: 'start' as const } } : {}),
  columns: o.columns ?? 2,
  concat: panels,
  resolve: { scale: { color: 'independent' as const, x: 'shared' as const, y: 'shared' as const }, legend: { color: 'independent' as const } },
});

const legend = { title: null, labelLimit: 260, orient: 'right' as const };

/**
 * Block spectra as small multiples: one panel per group of blocks (see
 * {@link panelBlocks}), log-density y-axis from `floor` (default 1e-10).
 */
export async function blockSpectraPanelsSvg(
  blocks: BlockSpectrum[], panels: Panel[], opts: PanelOptions & { floor?: number; xLabel?: string } = {},
): Promise<string> {
  const floor = opts.floor ?? 1e-10;
  const byName = new Map(blocks.map((b) => [b.block, b]));
  const drawn = new Set(panels.flatMap((p) => p.names));
  const missing = [...drawn].find((n) => !byName.has(n));
  if (missing) throw new Error(`blockSpectraPanelsSvg: panel names block '${missing}', which has no spectrum`);
  const left = blocks.find((b) => !drawn.has(b.block));
  if (left) throw new Error(`blockSpectraPanelsSvg: block '${left.block}' is in no panel`);
  const specs = panels.map((p) => {
    if (p.names.length > 10) throw new Error(`blockSpectraPanelsSvg: panel '${p.title}' has ${p.names.length} blocks; the palette tells 10 apart`);
    const values = p.names.flatMap((n) => {
      const b = byName.get(n)!;
      if (b.grid.length !== b.values.length) throw new Error(`blockSpectraPanelsSvg: block '${n}' has ${b.grid.length} grid points but ${b.values.length} values`);
      return b.grid.map((t, i) => ({ block: n, t, density: Math.max(b.values[i], floor) }));
    });
    return {
      title: p.title,
      width: opts.width ?? 300,
      height: opts.height ?? 170,
      data: { values },
      mark: { type: 'line' as const, strokeWidth: 1.3 },
      encoding: {
        x: { field: 't', type: 'quantitative' as const, title: opts.xLabel ?? 'eigenvalue' },
        y: { field: 'density', type: 'quantitative' as const, title: 'density', scale: { type: 'log' as const, domainMin: floor } },
        color: { field: 'block', type: 'nominal' as const, sort: p.names, scale: { scheme: PALETTE }, legend },
      },
    };
  });
  return renderSvg(grid(opts, specs) as TopLevelSpec);
}

/** One run in a panel of loss curves: the raw curve, its smoothed form, and whether it is the panel's best run. */
export interface SmoothedCurve extends Curve {
  smooth: number[];
  best?: boolean;
}

/**
 * Curves grouped in panels (e.g. one per optimizer): each run's raw curve
 * faint, its smoothed curve solid, the best run drawn thick with a point at
 * its end. Log y-axis shared by all panels; values ≤ 0 or non-finite dropped.
 */
export async function smoothedPanelsSvg(
  groups: { title: string; curves: SmoothedCurve[] }[], opts: PanelOptions & { xLabel?: string; yLabel?: string } = {},
): Promise<string> {
  const specs = groups.map((g) => {
    if (g.curves.length > 10) throw new Error(`smoothedPanelsSvg: panel '${g.title}' has ${g.curves.length} curves; the palette tells 10 apart`);
    const values = g.curves.flatMap((c) => {
      if (c.x.length !== c.y.length || c.x.length !== c.smooth.length) {
        throw new Error(`smoothedPanelsSvg: curve '${c.name}' has ${c.x.length} x, ${c.y.length} y and ${c.smooth.length} smoothed values`);
      }
      return c.x.map((x, i) => ({ run: c.name, x, raw: c.y[i], smooth: c.smooth[i], best: c.best === true, last: i === c.x.length - 1 }));
    }).filter((p) => p.raw > 0 && Number.isFinite(p.raw) && p.smooth > 0 && Number.isFinite(p.smooth));
    const x = { field: 'x', type: 'quantitative' as const, title: opts.xLabel ?? 'step' };
    const y = (field: string) => ({ field, type: 'quantitative' as const, title: opts.yLabel ?? 'training loss', scale: { type: 'log' as const } });
    // The legend's swatch is the solid smoothed line, not the faint raw one the first layer draws.
    const color = {
      field: 'run', type: 'nominal' as const, sort: g.curves.map((c) => c.name), scale: { scheme: PALETTE },
      legend: { ...legend, symbolOpacity: 1, symbolStrokeWidth: 2.5 },
    };
    return {
      title: g.title,
      width: opts.width ?? 300,
      height: opts.height ?? 200,
      data: { values },
      layer: [
        { mark: { type: 'line' as const, strokeWidth: 1, opacity: 0.3 }, encoding: { x, y: y('raw'), color, detail: { field: 'run' } } },
        { transform: [{ filter: '!datum.best' }], mark: { type: 'line' as const, strokeWidth: 1.4 }, encoding: { x, y: y('smooth'), color } },
        { transform: [{ filter: 'datum.best' }], mark: { type: 'line' as const, strokeWidth: 3 }, encoding: { x, y: y('smooth'), color } },
        {
          transform: [{ filter: 'datum.best && datum.last' }],
          mark: { type: 'point' as const, filled: true, size: 60, shape: 'diamond' },
          encoding: { x, y: y('smooth'), color },
        },
      ],
    };
  });
  return renderSvg(grid(opts, specs) as TopLevelSpec);
}
