/**
 * The report's figures as SVG strings: vega-lite specs compiled to vega and
 * rendered headless (`renderer: 'none'`, text measured by estimate, so no
 * canvas is needed). Each figure is a small spec builder over plain data.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a vega-lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
}

const frame = (o: FigureOptions, w = 520, h = 320) => ({
  ...(o.title ? { title: o.title } : {}),
  width: o.width ?? w,
  height: o.height ?? h,
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
});

/** Long block names (`blocks.3.attn.qkv.weight`) stay whole in legends. */
const LEGEND = { labelLimit: 400 };

/** One block's density on a grid (as produced by the spectrum toolkit). */
export interface BlockSpectrum {
  block: string;
  grid: number[];
  values: number[];
}

/**
 * (a) Block spectra: one line per block, log-density y-axis from `floor`
 * (default 1e-10, the paper's) upward; densities below the floor are drawn at it.
 */
export async function blockSpectraSvg(blocks: BlockSpectrum[], opts: FigureOptions & { floor?: number; xLabel?: string } = {}): Promise<string> {
  const floor = opts.floor ?? 1e-10;
  const values = blocks.flatMap((b) => {
    if (b.grid.length !== b.values.length) throw new Error(`blockSpectraSvg: block '${b.block}' has ${b.grid.length} grid points but ${b.values.length} values`);
    return b.grid.map((t, i) => ({ block: b.block, t, density: Math.max(b.values[i], floor) }));
  });
  return renderSvg({
    ...frame(opts),
    data: { values },
    mark: { type: 'line', strokeWidth: 1.2 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: opts.xLabel ?? 'eigenvalue' },
      y: { field: 'density', type: 'quantitative', title: 'density', scale: { type: 'log', domainMin: floor } },
      color: { field: 'block', type: 'nominal', title: 'block', sort: blocks.map((b) => b.block), legend: LEGEND },
    },
  });
}

/**
 * (b) A labelled heatmap of a square pairwise matrix (e.g. JS distances
 * between blocks), its value printed in each cell. `domain` fixes the
 * colour scale (values outside are clamped), so that several heatmaps
 * drawn on one domain read alike: the same colour is the same distance.
 * Without it the scale spans this matrix's own values.
 */
export async function heatmapSvg(
  m: { labels: string[]; values: number[][] },
  opts: FigureOptions & { valueLabel?: string; annotate?: boolean; domain?: [number, number] } = {},
): Promise<string> {
  const n = m.labels.length;
  if (m.values.length !== n || m.values.some((r) => r.length !== n)) throw new Error(`heatmapSvg: values must be ${n}×${n} to match the labels`);
  const all = m.values.flat();
  const [lo, hi] = opts.domain ?? [Math.min(...all), Math.max(...all)];
  if (opts.domain && !(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new Error(`heatmapSvg: domain [${lo}, ${hi}] must be finite and increasing`);
  const values = m.labels.flatMap((a, i) => m.labels.map((b, j) => ({ row: a, col: b, v: m.values[i][j] })));
  const cell = Math.max(24, Math.min(44, Math.floor(560 / Math.max(n, 1))));
  const enc = {
    x: { field: 'col', type: 'ordinal' as const, sort: m.labels, title: null },
    y: { field: 'row', type: 'ordinal' as const, sort: m.labels, title: null },
  };
  const annotate = opts.annotate ?? true;
  const mid = (lo + hi) / 2; // viridis is light above the middle of its domain: dark text there
  return renderSvg({
    ...frame(opts, cell * n, cell * n),
    data: { values },
    layer: [
      {
        mark: 'rect',
        encoding: {
          ...enc,
          color: {
            field: 'v', type: 'quantitative', title: opts.valueLabel ?? 'distance',
            scale: { scheme: 'viridis', ...(opts.domain ? { domain: [lo, hi], clamp: true } : {}) },
          },
        },
      },
      ...(annotate ? [{
        mark: { type: 'text' as const, fontSize: cell >= 34 ? 9 : 8 },
        encoding: {
          ...enc,
          text: { field: 'v', type: 'quantitative' as const, format: '.2~g' },
          color: { condition: { test: `datum.v > ${mid}`, value: 'black' }, value: 'white' },
        },
      }] : []),
    ],
  });
}

/** A named curve: y against x (iterations, steps). */
export interface Curve {
  name: string;
  x: number[];
  y: number[];
}

/** Curves on one plot; on a log y-axis, values ≤ 0 are drawn at `floor` (losses that reach f* exactly). */
export async function curvesSvg(curves: Curve[], opts: FigureOptions & { xLabel?: string; yLabel?: string; logY?: boolean; floor?: number } = {}): Promise<string> {
  const logY = opts.logY ?? true;
  const floor = opts.floor ?? 1e-16;
  const values = curves.flatMap((c) => {
    if (c.x.length !== c.y.length) throw new Error(`curvesSvg: curve '${c.name}' has ${c.x.length} x values but ${c.y.length} y values`);
    return c.x.map((x, i) => ({ run: c.name, x, y: logY ? Math.max(c.y[i], floor) : c.y[i] })).filter((p) => Number.isFinite(p.y));
  });
  return renderSvg({
    ...frame(opts),
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xLabel ?? 'step' },
      y: { field: 'y', type: 'quantitative', title: opts.yLabel ?? 'loss', scale: { type: logY ? 'log' : 'linear' } },
      color: { field: 'run', type: 'nominal', title: 'run', sort: curves.map((c) => c.name), legend: LEGEND },
    },
  });
}

/** (c) Training-loss curves of several runs (SGD vs Adam), log y. */
export const lossCurvesSvg = (runs: Curve[], opts: FigureOptions & { yLabel?: string; logY?: boolean } = {}): Promise<string> =>
  curvesSvg(runs, { xLabel: 'step', yLabel: 'training loss', ...opts });

/** (d) Gradient norm against iteration for the quadratics, log y. */
export const gradNormSvg = (runs: Curve[], opts: FigureOptions = {}): Promise<string> =>
  curvesSvg(runs, { xLabel: 'iteration', yLabel: 'gradient norm', logY: true, ...opts });

/** One model in the heterogeneity-vs-gap scatter. */
export interface GapPoint {
  model: string;
  js0: number;
  /** SGD's final loss minus Adam's (positive: Adam ahead). */
  gap: number;
  /** 95% intervals, drawn as error bars where given. */
  js0Lo?: number; js0Hi?: number;
  gapLo?: number; gapHi?: number;
}

/** (e) JS⁰ against the SGD–Adam gap, one labelled point per model (the paper's Figure 7). */
export async function js0ScatterSvg(points: GapPoint[], opts: FigureOptions & { logX?: boolean; gapLabel?: string } = {}): Promise<string> {
  const x = { field: 'js0', type: 'quantitative' as const, title: 'JS⁰ (block heterogeneity at init)', scale: { type: opts.logX ? ('log' as const) : ('linear' as const), zero: false, padding: 24 } };
  const y = { field: 'gap', type: 'quantitative' as const, title: opts.gapLabel ?? 'SGD − Adam final loss', scale: { zero: false, padding: 16 } };
  return renderSvg({
    ...frame(opts, 480, 320),
    data: { values: points },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.js0Lo)' }],
        mark: { type: 'rule', color: '#888' },
        encoding: { x: { ...x, field: 'js0Lo' }, x2: { field: 'js0Hi' }, y },
      },
      {
        transform: [{ filter: 'isValid(datum.gapLo)' }],
        mark: { type: 'rule', color: '#888' },
        encoding: { x, y: { ...y, field: 'gapLo' }, y2: { field: 'gapHi' } },
      },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color: { field: 'model', type: 'nominal', legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11 }, encoding: { x, y, text: { field: 'model', type: 'nominal' } } },
    ],
  });
}

/** One point of a sweep: a value (with its 95% interval, where known) at a knob setting, per series. */
export interface SweepPoint { series: string; x: number; y: number; lo?: number; hi?: number }

/** (f) Values against a swept knob on a log axis (the hetero-MLP's r), a line per series, bars for intervals. */
export async function sweepSvg(points: SweepPoint[], opts: FigureOptions & { xLabel: string; yLabel: string }): Promise<string> {
  const x = { field: 'x', type: 'quantitative' as const, title: opts.xLabel, scale: { type: 'log' as const } };
  const y = { field: 'y', type: 'quantitative' as const, title: opts.yLabel, scale: { zero: false } };
  const color = { field: 'series', type: 'nominal' as const, title: null };
  return renderSvg({
    ...frame(opts, 480, 300),
    data: { values: points },
    layer: [
      { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', point: true }, encoding: { x, y, color } },
    ],
  });
}
