/**
 * The report's figures, built from results.json's numbers: per neural model
 * its block spectra (raw axis, then each block divided by its λ_max), the
 * full spectrum, the JS heatmap and the loss curves; per quadratic case its
 * gradient norms; across models, JS⁰ against the gap. Every figure carries
 * a caption saying what is drawn and how, and the table of its numbers.
 */
import { blockDensities, slqMeasure, type SpectralMeasure } from '../analysis/index.js';
import {
  blockSpectraPanelsSvg, blockSpectraSvg, defaultSpan, ema, gradNormSvg, heatmapSvg, js0ScatterSvg, matrixTable, panelBlocks,
  seriesTable, smoothedPanelsSvg, spectraTable, sweepSvg, type BlockSpectrum, type DataTable, type ReportFigure, type SmoothedCurve,
  type SweepPoint,
} from '../report/index.js';
import { plotDensities } from './spectra.js';
import { type SummaryRow, gapPoints } from './summary.js';
import type { NeuralResult, QuadraticResult, SpectraResult } from './types.js';

/** A report figure with a caption and the numbers it draws (its CSV). */
export type Figure = ReportFigure & { caption: string; data: DataTable };

/** The bound of the normalized JS distance (natural log): √ln 2. */
export const JS_BOUND = Math.sqrt(Math.log(2));

export const modelLabel = (r: NeuralResult): string => `${r.model}${r.hetero !== undefined ? ` r=${r.hetero}` : ''}`;

const list = (xs: string[]) => xs.join(', ');

/**
 * Block densities on the normalized axis: each block's SLQ nodes divided by
 * its largest node averaged over probes (`kthLargest: 1`), all on one
 * common grid. A block whose largest node is ≤ 0 (nothing to divide by) is
 * left out and named in `skipped`.
 */
export function normalizedDensities(sp: SpectraResult): { blocks: BlockSpectrum[]; scale: Record<string, number>; skipped: string[] } {
  const measures: Record<string, SpectralMeasure> = {};
  const skipped: string[] = [];
  for (const [name, res] of Object.entries(sp.slq)) {
    try {
      measures[name] = slqMeasure(res, { kthLargest: 1 });
    } catch (e) {
      skipped.push(`${name} (${(e as Error).message})`);
    }
  }
  const dens = Object.keys(measures).length ? blockDensities(measures, { sigma2: sp.settings.sigma2, gridPoints: 2000 }) : {};
  return {
    blocks: Object.entries(dens).map(([block, d]) => ({ block, grid: d.grid, values: d.values })),
    scale: Object.fromEntries(Object.entries(measures).map(([k, m]) => [k, m.scale ?? 1])),
    skipped,
  };
}

async function spectraFigures(r: NeuralResult, sp: SpectraResult, who: string): Promise<Figure[]> {
  const s = sp.settings;
  const slq = `SLQ with m = ${s.steps} Lanczos steps and ${s.probes} Gaussian probes per block, BatchNorm '${s.bn}', on a fixed batch of ${s.batch}`;
  const dens = plotDensities(sp);
  const panels = panelBlocks(dens.blocks.map((b) => b.block));
  const grouping = panels.length > 1 ? ` Blocks are grouped by layer (${panels.length} panels, colours restart in each).` : '';
  const figs: Figure[] = [{
    title: `${who}: block Hessian spectra at initialization`,
    svg: await blockSpectraPanelsSvg(dens.blocks, panels, { title: `${who} (${r.preset}, seed ${r.seed}): SLQ density of each block's H_bb, raw eigenvalues` }),
    caption: `${slq}; Gaussian broadening σ² = ${s.sigma2} on the raw eigenvalue axis, log density from 1e-10.${grouping} This is the axis JS⁰ is computed on.`,
    data: spectraTable(dens.blocks),
  }];
  const norm = normalizedDensities(sp);
  if (norm.blocks.length) {
    const normPanels = panelBlocks(norm.blocks.map((b) => b.block));
    const scales = norm.blocks.map((b) => `${b.block} ${Number(norm.scale[b.block].toPrecision(3))}`);
    figs.push({
      title: `${who}: block Hessian spectra at initialization, normalized by λ_max`,
      svg: await blockSpectraPanelsSvg(norm.blocks, normPanels, {
        title: `${who} (${r.preset}, seed ${r.seed}): SLQ density of each block's H_bb / λ_max`, xLabel: 'eigenvalue / λ_max',
      }),
      caption: `The same SLQ nodes, each block's divided by its largest node averaged over probes (λ_max: ${list(scales)}), σ² = ${s.sigma2} ` +
        `on the normalized axis: shapes compared without scale, as in the paper's figures (which divide by the 10th largest).` +
        (norm.skipped.length ? ` Left out (no positive λ_max): ${list(norm.skipped)}.` : ''),
      data: { columns: ['block', 'eigenvalue / λ_max', 'density'], rows: spectraTable(norm.blocks).rows },
    });
  }
  if (dens.full) {
    figs.push({
      title: `${who}: full Hessian spectrum at initialization`,
      svg: await blockSpectraSvg([dens.full], { title: `${who} (${r.preset}, seed ${r.seed}): SLQ density of the full Hessian`, xLabel: 'eigenvalue' }),
      caption: `SLQ of the whole Hessian, m = ${s.fullSteps} steps, ${s.fullProbes} probes, σ² = ${s.sigma2}, raw axis.`,
      data: spectraTable([dens.full]),
    });
  }
  return figs;
}

/** The largest JS distance among the heatmaps the report draws: the top of their one shared colour scale. */
export function sharedJsMax(models: NeuralResult[]): number {
  const all = models.flatMap((r) => r.spectra?.js?.matrix.flat() ?? []).filter(Number.isFinite);
  return all.length ? Math.max(...all) : 0;
}

async function jsFigure(r: NeuralResult, sp: SpectraResult, who: string, jsMax: number): Promise<Figure | null> {
  if (!sp.js) return null;
  // A report whose matrices are all 0 still needs an increasing domain; √ln 2 is the distance's bound.
  const top = jsMax > 0 ? jsMax : JS_BOUND;
  const m = { labels: sp.js.labels, values: sp.js.matrix };
  return {
    title: `${who}: Jensen–Shannon distance between block spectra`,
    svg: await heatmapSvg(m, { title: `${who}: JS distance (JS⁰ = ${sp.js0!.toFixed(3)})`, valueLabel: 'JS', domain: [0, top] }),
    caption: `Pairwise JS distance between the raw-axis block densities (bounded by √ln 2 ≈ ${JS_BOUND.toFixed(3)}); JS⁰ is the mean over pairs. ` +
      `Every heatmap in this report shares one colour scale, 0 to ${Number(top.toPrecision(3))} (the largest distance among them), so equal colours are equal distances.`,
    data: matrixTable(m, 'block'),
  };
}

async function lossFigure(r: NeuralResult, who: string): Promise<Figure | null> {
  const t = r.training;
  if (!t) return null;
  const span = defaultSpan(Math.max(...t.runs.map((x) => x.losses.length)));
  const groups = t.settings.optimizers.map((opt) => {
    const runs = t.runs.filter((x) => x.optimizer === opt).sort((a, b) => a.lr - b.lr);
    const best = t.best[opt];
    return {
      title: opt + (best ? ` (best lr ${best.lr})` : ' (every run diverged)'),
      curves: runs.map((x): SmoothedCurve => {
        const bad = x.losses.findIndex((v) => !Number.isFinite(v));
        const finite = bad < 0 ? x.losses : x.losses.slice(0, bad); // a diverged run is drawn up to its last finite loss
        const isBest = best?.lr === x.lr && !x.diverged;
        return {
          name: `lr ${x.lr}${isBest ? ' ★ best' : ''}${x.diverged ? ` (diverged at step ${x.diverged.step})` : ''}`,
          x: finite.map((_, i) => i), y: finite, smooth: ema(finite, span), best: isBest,
        };
      }),
    };
  }).filter((g) => g.curves.length);
  const curves = t.runs.map((x) => ({ name: `${x.optimizer} lr ${x.lr}${x.diverged ? ' (diverged)' : ''}`, x: x.losses.map((_, i) => i), y: x.losses }));
  return {
    title: `${who}: ${t.settings.optimizers.join(' vs ')}`,
    svg: await smoothedPanelsSvg(groups, { title: `${who} (seed ${r.seed}): training loss, one panel per optimizer` }),
    caption: `Training loss at every step, ${t.settings.steps} steps of batch ${t.settings.batch}, schedule ${t.settings.schedule}. ` +
      `Faint: the raw loss; solid: its exponential moving average, span ${span} step${span === 1 ? '' : 's'} (pandas ewm(span=${span}, adjust=True)). ` +
      `Thick with a diamond: each optimizer's best run (${t.settings.bestBy}). The CSV holds the raw losses.`,
    data: seriesTable(curves, ['run', 'step', 'loss']),
  };
}

/** Every figure of one neural model's run, in page order. */
export async function neuralFigures(r: NeuralResult, jsMax: number): Promise<Figure[]> {
  const who = modelLabel(r);
  const figs: Figure[] = [];
  if (r.spectra) {
    figs.push(...(await spectraFigures(r, r.spectra, who)));
    const js = await jsFigure(r, r.spectra, who, jsMax);
    if (js) figs.push(js);
  }
  const loss = await lossFigure(r, who);
  if (loss) figs.push(loss);
  return figs;
}

const eigs = (b: number[]) => `{${b.length > 4 ? `${b.length} values` : b.join(', ')}}`;

/** One gradient-norm figure per quadratic case. */
export async function quadraticFigures(r: QuadraticResult): Promise<Figure[]> {
  const figs: Figure[] = [];
  for (const c of r.cases) {
    const curves = c.runs.map((x) => ({ name: `${x.method} (lr ${Number(x.lr.toPrecision(3))})`, x: x.iterations, y: x.gradNorm }));
    figs.push({
      title: `quadratic case ${c.caseId}: gradient norm`,
      svg: await gradNormSvg(curves, { title: `case ${c.caseId}: block eigenvalues ${c.blockEigenvalues.map(eigs).join(' ')}` }),
      caption: `‖∇f‖ against iteration (log axis) for each method at the best learning rate of its grid (seed ${c.seed}, ${c.steps} iterations, ` +
        `κ = ${Number(c.kappa.toPrecision(3))}, JS⁰ = ${c.js0.toFixed(3)} from exact eigenvalues). Adam's lead in the summary: ${c.leadStatistic}.`,
      data: seriesTable(curves, ['run', 'iteration', 'gradient norm']),
    });
  }
  return figs;
}

/** JS⁰ against the SGD–Adam gap with one point per neural model, or null with fewer than two. */
export async function scatterFigure(summary: SummaryRow[], correlation?: { estimate: number; lo: number; hi: number; n: number } | null): Promise<Figure | null> {
  const points = gapPoints(summary).map((p) => ({
    model: p.model, js0: p.js0!.mean, gap: p.gap!.mean,
    ...(p.js0!.interval ? { js0Lo: p.js0!.interval[0], js0Hi: p.js0!.interval[1] } : {}),
    ...(p.gap!.interval ? { gapLo: p.gap!.interval[0], gapHi: p.gap!.interval[1] } : {}),
  }));
  if (points.length < 2) return null;
  return {
    title: 'JS⁰ against the SGD–Adam gap',
    svg: await js0ScatterSvg(points),
    caption: 'One point per model (mean over seeds), as in the paper\'s Figure 7; bars are 95% intervals (across seeds, or for JS⁰ of one seed over probes). ' +
      (correlation
        ? `Spearman's ρ = ${correlation.estimate.toFixed(2)}, 95% bootstrap interval over the ${correlation.n} points [${correlation.lo.toFixed(2)}, ${correlation.hi.toFixed(2)}]: ` +
          (correlation.lo > 0 ? 'the gap grows with JS⁰.' : correlation.hi < 0 ? 'the gap falls as JS⁰ grows.' : 'the data do not show that the gap grows with JS⁰.')
        : 'Fewer than 4 models: no rank correlation.'),
    data: {
      columns: ['model', 'js0', 'js0_lo', 'js0_hi', 'gap', 'gap_lo', 'gap_hi'],
      rows: points.map((p) => [p.model, p.js0, p.js0Lo ?? '', p.js0Hi ?? '', p.gap, p.gapLo ?? '', p.gapHi ?? '']),
    },
  };
}

/**
 * The hetero-MLP sweep (issue: heterogeneity dialled by hand): JS⁰ under the
 * headline convention against r, and each optimizer's gap to Adam against r,
 * with their 95% intervals; null without at least two values of r.
 */
export async function heteroSweepFigures(summary: SummaryRow[]): Promise<Figure[]> {
  const rows = summary.filter((s) => s.gapKind === 'loss' && /^hetero-mlp r=/.test(s.model))
    .map((s) => ({ r: Number(s.model.slice('hetero-mlp r='.length)), s })).sort((a, b) => a.r - b.r);
  if (rows.length < 2) return [];
  const point = (series: string, r: number, a: SummaryRow['js0']): SweepPoint[] =>
    a ? [{ series, x: r, y: a.mean, ...(a.interval ? { lo: a.interval[0], hi: a.interval[1] } : {}) }] : [];
  const js = rows.flatMap(({ r, s }) => point('JS⁰', r, s.js0));
  const gaps = rows.flatMap(({ r, s }) => [
    ...point('SGD − Adam', r, s.gap),
    ...Object.entries(s.gaps).flatMap(([o, a]) => point(`${o} − Adam`, r, a ?? null)),
  ]);
  const table = (pts: SweepPoint[]) => ({ columns: ['series', 'r', 'value', 'lo', 'hi'], rows: pts.map((p) => [p.series, p.x, p.y, p.lo ?? '', p.hi ?? '']) });
  const seeds = rows[0].s.seeds.length;
  return [
    {
      title: 'hetero-mlp: JS⁰ against r',
      svg: await sweepSvg(js, { title: 'heterogeneity dialled by hand', xLabel: 'r (layer curvature scales spread over [1/√r, √r])', yLabel: 'JS⁰ (headline convention)' }),
      caption: `JS⁰ at initialization for each r, mean over ${seeds} seed(s); bars are 95% intervals.`,
      data: table(js),
    },
    {
      title: 'hetero-mlp: final-loss gap to Adam against r',
      svg: await sweepSvg(gaps, { title: 'what a single learning rate costs', xLabel: 'r', yLabel: 'best final loss minus Adam\'s' }),
      caption: 'Each optimizer\'s best final training loss minus Adam\'s (positive: Adam ahead), mean over seeds with 95% intervals. ' +
        'Blockwise-lr SGD takes one rate per block from λ_max(H_bb) at initialization; Adam-mini one second moment per tensor.',
      data: table(gaps),
    },
  ];
}
