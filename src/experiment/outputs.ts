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
import { type SummaryRow, withInterval } from './summary.js';
import { reading } from './reading.js';
import { trajectoryFigures } from './trajectory-figures.js';

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
  const who = `${r.model}${r.hetero !== undefined ? ` r=${r.hetero}` : ''}`;
  const sp = r.spectra;
  if (sp) {
    const dens = plotDensities(sp);
    figs.push({
      title: `${who}: block Hessian spectra at initialization`,
      svg: await blockSpectraSvg(dens.blocks, { title: `${who} (${r.preset}, seed ${r.seed}): SLQ density of each block's H_bb`, xLabel: 'eigenvalue' }),
      caption: `SLQ with m = ${sp.settings.steps} Lanczos steps, ${sp.settings.probes} Gaussian probes, σ² = ${sp.settings.sigma2}, BatchNorm '${sp.settings.bn}', on a fixed batch of ${sp.settings.batch}.`,
      data: spectraTable(dens.blocks),
    });
    if (dens.full) {
      figs.push({
        title: `${who}: full Hessian spectrum at initialization`,
        svg: await blockSpectraSvg([dens.full], { title: `${who} (${r.preset}, seed ${r.seed}): SLQ density of the full Hessian`, xLabel: 'eigenvalue' }),
        caption: `m = ${sp.settings.fullSteps}, ${sp.settings.fullProbes} probes.`,
        data: spectraTable([dens.full]),
      });
    }
    if (sp.js) {
      figs.push({
        title: `${who}: Jensen–Shannon distance between block spectra`,
        svg: await heatmapSvg({ labels: sp.js.labels, values: sp.js.matrix }, { title: `${who}: JS distance (JS⁰ = ${sp.js0!.toFixed(3)})`, valueLabel: 'JS' }),
        data: matrixTable({ labels: sp.js.labels, values: sp.js.matrix }, 'block'),
      });
    }
  }
  if (r.training) {
    const curves = r.training.runs.map((x) => curveOf(`${x.optimizer} lr ${x.lr}${x.diverged ? ' (diverged)' : ''}`, x.losses));
    figs.push({
      title: `${who}: ${r.training.settings.optimizers.join(' vs ')}`,
      svg: await lossCurvesSvg(curves, { title: `${who} (seed ${r.seed}): training loss` }),
      data: seriesTable(curves, ['run', 'step', 'loss']),
    });
  }
  figs.push(...(await trajectoryFigures(r))); // --spectra-at and --pretrain (trajectory-figures.ts)
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
      // With several seeds, the figures show the first seed of each model; the summary has them all.
      if (!doc.models.some((x) => x !== r && x.kind === 'neural' && x.model === r.model && x.hetero === r.hetero && x.seed < r.seed)) {
        figures.push(...(await neuralFigures(r)));
      }
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
  const points = doc.summary.filter((s) => s.js0 !== null && s.gap !== null && s.gapKind === 'loss').map((p) => ({
    model: p.model, js0: p.js0!.mean, gap: p.gap!.mean,
    ...(p.js0!.interval ? { js0Lo: p.js0!.interval[0], js0Hi: p.js0!.interval[1] } : {}),
    ...(p.gap!.interval ? { gapLo: p.gap!.interval[0], gapHi: p.gap!.interval[1] } : {}),
  }));
  if (points.length >= 2) {
    figures.push({
      title: 'JS⁰ against the SGD–Adam gap',
      svg: await js0ScatterSvg(points),
      caption: 'One point per model (mean over seeds), as in the paper\'s Figure 7; bars are 95% intervals where there are any.',
      data: {
        columns: ['model', 'js0', 'js0_lo', 'js0_hi', 'gap', 'gap_lo', 'gap_hi'],
        rows: points.map((p) => [p.model, p.js0, p.js0Lo ?? '', p.js0Hi ?? '', p.gap, p.gapLo ?? '', p.gapHi ?? '']),
      },
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
      columns: ['model', 'preset', 'seeds', 'JS⁰ [95%]', 'SGD final [95%]', 'SGD lr', 'Adam final [95%]', 'Adam lr', 'gap [95%]'],
      rows: doc.summary.map((s) => [
        s.model, s.preset, s.seeds.length, withInterval(s.js0), withInterval(s.sgdLoss), s.sgdLr.join('/'), withInterval(s.adamLoss), s.adamLr.join('/'),
        withInterval(s.gap, s.gapKind === 'loss' ? 4 : 1),
      ]),
      caption: 'Neural models: final training loss (mean of the last 10% of steps) and SGD − Adam, mean over seeds with a 95% Student-t interval across seeds. Quadratics: final gradient norm of GD and of the best Adam, and Adam\'s lead in decades.',
    },
    figures,
    footer: `${doc.command} — ${doc.backend.device} — ${doc.createdAt}`,
  });
  await writeTextAtomic(path.join(dir, 'report.html'), html);
  return written;
}
