/**
 * The figures and report.html of an experiment: per model, block spectra
 * (log density), the JS heatmap and SGD-vs-Adam loss curves; per quadratic
 * case, gradient norm against iteration; with several models, JS⁰ against
 * the SGD–Adam gap (the paper's Figure 7).
 */
import path from 'node:path';
import {
  blockSpectraSvg, gradNormSvg, heatmapSvg, js0ScatterSvg, lossCurvesSvg, reportHtml, writeTextAtomic,
  type ReportFigure,
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

const curveOf = (name: string, ys: number[]) => ({ name, x: ys.map((_, i) => i), y: ys });

async function neuralFigures(r: NeuralResult): Promise<ReportFigure[]> {
  const figs: ReportFigure[] = [];
  const dens = plotDensities(r.spectra);
  figs.push({
    title: `${r.model}: block Hessian spectra at initialization`,
    svg: await blockSpectraSvg(dens.blocks, { title: `${r.model} (${r.preset}): SLQ density of each block's H_bb`, xLabel: 'eigenvalue' }),
    caption: `SLQ with m = ${r.spectra.settings.steps} Lanczos steps, ${r.spectra.settings.probes} Gaussian probes, σ² = ${r.spectra.settings.sigma2}, on a fixed batch of ${r.spectra.settings.batch}.`,
  });
  if (dens.full) {
    figs.push({
      title: `${r.model}: full Hessian spectrum at initialization`,
      svg: await blockSpectraSvg([dens.full], { title: `${r.model} (${r.preset}): SLQ density of the full Hessian`, xLabel: 'eigenvalue' }),
      caption: `m = ${r.spectra.settings.fullSteps}, ${r.spectra.settings.fullProbes} probes.`,
    });
  }
  if (r.spectra.js) {
    figs.push({
      title: `${r.model}: Jensen–Shannon distance between block spectra`,
      svg: await heatmapSvg({ labels: r.spectra.js.labels, values: r.spectra.js.matrix }, { title: `${r.model}: JS distance (JS⁰ = ${r.spectra.js0!.toFixed(3)})`, valueLabel: 'JS' }),
    });
  }
  figs.push({
    title: `${r.model}: SGD vs Adam`,
    svg: await lossCurvesSvg(r.training.runs.map((x) => curveOf(`${x.optimizer} lr ${x.lr}${x.diverged ? ' (diverged)' : ''}`, x.losses)), { title: `${r.model}: training loss` }),
  });
  return figs;
}

/** Write the SVGs and report.html; returns the SVG file names. */
export async function writeReport(dir: string, doc: Doc): Promise<string[]> {
  const figures: ReportFigure[] = [];
  for (const r of doc.models) {
    if (r.kind === 'neural') {
      figures.push(...(await neuralFigures(r)));
    } else {
      for (const c of r.cases) {
        figures.push({
          title: `quadratic case ${c.caseId}: gradient norm`,
          svg: await gradNormSvg(c.runs.map((x) => ({ name: `${x.method} (lr ${Number(x.lr.toPrecision(3))})`, x: x.iterations, y: x.gradNorm })), { title: `case ${c.caseId}: block eigenvalues ${c.blockEigenvalues.map((b) => `{${b.length > 4 ? `${b.length} values` : b.join(', ')}}`).join(' ')}` }),
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
    });
  }
  const names: string[] = [];
  for (const [i, f] of figures.entries()) {
    const name = `figure-${String(i + 1).padStart(2, '0')}-${f.title.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}.svg`;
    await writeTextAtomic(path.join(dir, name), f.svg);
    names.push(name);
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
  return names;
}
