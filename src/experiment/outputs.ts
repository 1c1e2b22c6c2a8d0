/**
 * The figures and report.html of an experiment: per model, block spectra
 * (log density), the JS heatmap and SGD-vs-Adam loss curves; per quadratic
 * case, gradient norm against iteration; with several models, JS⁰ against
 * the SGD–Adam gap (the paper's Figure 7). Each figure is written as SVG,
 * PNG and CSV of its numbers, or the subset asked for.
 */
import path from 'node:path';
import {
  blockSpectraSvg, DEFAULT_FIGURE_FORMATS, gradNormSvg, heatmapSvg, js0ScatterSvg, lossCurvesSvg, matrixTable, parseFigureFormats,
  reportHtml, seriesTable, spectraTable, writeFigureFiles, writeTextAtomic, type DataTable, type FigureFormat, type ReportFigure,
} from '../report/index.js';
import type { ModelResult, NeuralResult } from './types.js';
import { plotDensities } from './spectra.js';
import type { SummaryRow } from './summary.js';
import { reading } from './reading.js';

interface Doc {
  command: string;
  createdAt: string;
  backend: { name: string; device: string };
  models: ModelResult[];
  summary: SummaryRow[];
}

/** A report figure and the numbers it draws (its CSV). */
type Figure = ReportFigure & { data: DataTable };

const curveOf = (name: string, ys: number[]) => ({ name, x: ys.map((_, i) => i), y: ys });

async function neuralFigures(r: NeuralResult): Promise<Figure[]> {
  const figs: Figure[] = [];
  const dens = plotDensities(r.spectra);
  figs.push({
    title: `${r.model}: block Hessian spectra at initialization`,
    svg: await blockSpectraSvg(dens.blocks, { title: `${r.model} (${r.preset}): SLQ density of each block's H_bb`, xLabel: 'eigenvalue' }),
    caption: `SLQ with m = ${r.spectra.settings.steps} Lanczos steps, ${r.spectra.settings.probes} Gaussian probes, σ² = ${r.spectra.settings.sigma2}, on a fixed batch of ${r.spectra.settings.batch}.`,
    data: spectraTable(dens.blocks),
  });
  if (dens.full) {
    figs.push({
      title: `${r.model}: full Hessian spectrum at initialization`,
      svg: await blockSpectraSvg([dens.full], { title: `${r.model} (${r.preset}): SLQ density of the full Hessian`, xLabel: 'eigenvalue' }),
      caption: `m = ${r.spectra.settings.fullSteps}, ${r.spectra.settings.fullProbes} probes.`,
      data: spectraTable([dens.full]),
    });
  }
  if (r.spectra.js) {
    figs.push({
      title: `${r.model}: Jensen–Shannon distance between block spectra`,
      svg: await heatmapSvg({ labels: r.spectra.js.labels, values: r.spectra.js.matrix }, { title: `${r.model}: JS distance (JS⁰ = ${r.spectra.js0!.toFixed(3)})`, valueLabel: 'JS' }),
      data: matrixTable({ labels: r.spectra.js.labels, values: r.spectra.js.matrix }, 'block'),
    });
  }
  const curves = r.training.runs.map((x) => curveOf(`${x.optimizer} lr ${x.lr}${x.diverged ? ' (diverged)' : ''}`, x.losses));
  figs.push({
    title: `${r.model}: SGD vs Adam`,
    svg: await lossCurvesSvg(curves, { title: `${r.model}: training loss` }),
    data: seriesTable(curves, ['run', 'step', 'loss']),
  });
  return figs;
}

export interface ReportOptions {
  /** The files written per figure (default svg, png, csv); report.html always embeds the SVGs. */
  formats?: readonly FigureFormat[];
}

/**
 * Writes each figure in the formats asked for, and report.html; returns one
 * entry per figure with the names of its files. Bad formats are an error
 * naming the valid ones, before anything is drawn.
 */
export async function writeReport(dir: string, doc: Doc, opts: ReportOptions = {}): Promise<{ title: string; files: string[] }[]> {
  const formats = parseFigureFormats(opts.formats ?? DEFAULT_FIGURE_FORMATS);
  const figures: Figure[] = [];
  for (const r of doc.models) {
    if (r.kind === 'neural') {
      figures.push(...(await neuralFigures(r)));
    } else {
      for (const c of r.cases) {
        const curves = c.runs.map((x) => ({ name: `${x.method} (lr ${Number(x.lr.toPrecision(3))})`, x: x.iterations, y: x.gradNorm }));
        figures.push({
          title: `quadratic case ${c.caseId}: gradient norm`,
          svg: await gradNormSvg(curves, { title: `case ${c.caseId}: block eigenvalues ${c.blockEigenvalues.map((b) => `{${b.length > 4 ? `${b.length} values` : b.join(', ')}}`).join(' ')}` }),
          data: seriesTable(curves, ['run', 'iteration', 'gradient norm']),
        });
      }
    }
  }
  const points = doc.summary.filter((s) => s.js0 !== null && s.gap !== null && s.gapKind === 'loss');
  if (points.length >= 2) {
    figures.push({
      title: 'JS⁰ against the SGD–Adam gap',
      svg: await js0ScatterSvg(points.map((p) => ({ model: p.model, js0: p.js0!, gap: p.gap! }))),
      caption: 'One point per model, as in the paper\'s Figure 7.',
      data: { columns: ['model', 'js0', 'gap'], rows: points.map((p) => [p.model, p.js0!, p.gap!]) },
    });
  }
  const written: { title: string; files: string[] }[] = [];
  for (const [i, f] of figures.entries()) {
    const base = `figure-${String(i + 1).padStart(2, '0')}-${f.title.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`;
    written.push({ title: f.title, files: await writeFigureFiles(dir, base, f, formats) });
  }
  const html = reportHtml({
    title: 'heterograd: block heterogeneity of the Hessian and SGD vs Adam',
    text: reading(doc.summary),
    table: {
      columns: ['model', 'preset', 'JS⁰', 'SGD final', 'SGD lr', 'Adam final', 'Adam lr', 'gap'],
      rows: doc.summary.map((s) => [s.model, s.preset, s.js0, s.sgdLoss, s.sgdLr, s.adamLoss, s.adamLr, s.gap]),
      caption: 'Neural models: final training loss (mean of the last 10% of steps) and SGD − Adam. Quadratics: final gradient norm of GD and of the best Adam, and Adam\'s lead in decades.',
    },
    figures,
    footer: `${doc.command} — ${doc.backend.device} — ${doc.createdAt}`,
  });
  await writeTextAtomic(path.join(dir, 'report.html'), html);
  return written;
}
