/**
 * The figures and report.html of an experiment. The page reads top to
 * bottom: the reading and summary tables (failures flagged first), one
 * section of figures per model (block spectra as small multiples on the raw
 * axis and normalized by λ_max, the full spectrum, the JS heatmap on a
 * colour scale shared by all models, loss curves per optimizer), the
 * quadratics, JS⁰ against the gap, every run's held-out numbers, any
 * per-convention sensitivity, the failures, every setting, and provenance.
 * Each figure is also written as SVG, PNG and CSV of its numbers, or the
 * subset asked for, named `figure-NN-…` with NN its number on the page.
 */
import path from 'node:path';
import {
  DEFAULT_FIGURE_FORMATS, parseFigureFormats, reportHtml, writeFigureFiles, writeTextAtomic, type FigureFormat, type ReportSection,
} from '../report/index.js';
import type { NeuralResult } from './types.js';
import { reading } from './reading.js';
import { type Figure, heteroSweepFigures, modelLabel, neuralFigures, quadraticFigures, scatterFigure, sharedJsMax } from './report-figures.js';
import {
  conventionsTable, failureNotes, failuresSection, lrChoiceTable, provenanceSection, runsTable, settingsSection, summaryTables, type ReportDoc,
} from './report-sections.js';

export type { ReportDoc } from './report-sections.js';
import { trajectoryFigures } from './trajectory-figures.js';

export interface ReportOptions {
  /** The files written per figure (default svg, png, csv); report.html always embeds the SVGs. */
  formats?: readonly FigureFormat[];
}

const slug = (s: string) => s.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

/** The page's sections in order, figures included (drawn here, written by the caller). */
async function sections(doc: ReportDoc): Promise<ReportSection[]> {
  const failures = doc.failures ?? [];
  const out: ReportSection[] = [{
    id: 'summary', heading: 'Summary',
    text: reading(doc.summary, doc.correlation),
    notes: failureNotes(failures, doc.models.length + failures.length),
    tables: summaryTables(doc.summary),
  }];
  // With several seeds, the figures show the first seed of each model; the tables have them all.
  const neural = doc.models.filter((r): r is NeuralResult => r.kind === 'neural')
    .filter((r, _, all) => !all.some((x) => x !== r && modelLabel(x) === modelLabel(r) && x.seed < r.seed));
  const jsMax = sharedJsMax(neural);
  for (const r of neural) {
    const figures = [...(await neuralFigures(r, jsMax)), ...(await trajectoryFigures(r))]; // trajectory: --spectra-at and --pretrain
    const seeds = doc.models.filter((x) => x.kind === 'neural' && modelLabel(x) === modelLabel(r)).length;
    out.push({
      id: `model-${slug(modelLabel(r))}`, heading: `${modelLabel(r)} (${r.preset})`,
      text: `${r.params.toLocaleString('en-US')} parameters, data: ${r.data}; ${r.seconds.toFixed(1)} s. ` +
        `Figures show seed ${r.seed}${seeds > 1 ? ` of ${seeds}; the tables pool all seeds` : ''}.` +
        (r.spectra ? '' : ' Spectra were not measured (--only train).') + (r.training ? '' : ' Training did not run (--only spectra).'),
      figures,
    });
  }
  const quad = doc.models.filter((r) => r.kind === 'quadratic').sort((a, b) => a.seed - b.seed)[0];
  if (quad?.kind === 'quadratic') {
    out.push({
      id: 'quadratics', heading: 'Quadratic problems',
      text: `Block-diagonal quadratics with known spectra (seed ${quad.seed}): GD against Adam where the blocks are, or are not, heterogeneous.`,
      figures: await quadraticFigures(quad),
    });
  }
  const scatter = await scatterFigure(doc.summary, doc.correlation);
  if (scatter) out.push({ id: 'gap', heading: 'Heterogeneity against the gap', figures: [scatter] });
  const sweep = await heteroSweepFigures(doc.summary);
  if (sweep.length) out.push({ id: 'hetero-sweep', heading: 'Heterogeneity dialled by hand (hetero-mlp)', figures: sweep });
  const runs = runsTable(doc.models);
  const lrChoice = lrChoiceTable(doc.models);
  if (runs) out.push({ id: 'runs', heading: 'Training runs and held-out results', tables: [runs, ...(lrChoice ? [lrChoice] : [])] });
  const conv = conventionsTable(doc.models);
  if (conv) out.push({ id: 'conventions', heading: 'Sensitivity to the spectral convention', tables: [conv] });
  const fail = failuresSection(failures);
  if (fail) out.push(fail);
  out.push(settingsSection(doc), provenanceSection(doc));
  return out;
}

/**
 * Writes each figure in the formats asked for, and report.html; returns one
 * entry per figure with the names of its files. Bad formats are an error
 * naming the valid ones, before anything is drawn.
 */
export async function writeReport(dir: string, doc: ReportDoc, opts: ReportOptions = {}): Promise<{ title: string; files: string[] }[]> {
  const formats = parseFigureFormats(opts.formats ?? DEFAULT_FIGURE_FORMATS);
  const secs = await sections(doc);
  const figures = secs.flatMap((s) => s.figures ?? []).map((f) => {
    if (!('data' in f)) throw new Error(`writeReport: figure '${f.title}' has no data table to write`);
    return f as Figure;
  });
  const written: { title: string; files: string[] }[] = [];
  for (const [i, f] of figures.entries()) {
    const base = `figure-${String(i + 1).padStart(2, '0')}-${slug(f.title)}`;
    written.push({ title: f.title, files: await writeFigureFiles(dir, base, f, formats) });
  }
  const html = reportHtml({
    title: 'heterograd: block heterogeneity of the Hessian and SGD vs Adam',
    text: '',
    figures: [],
    sections: secs,
    footer: `${doc.command} — ${doc.backend.device} — ${doc.createdAt}`,
  });
  await writeTextAtomic(path.join(dir, 'report.html'), html);
  return written;
}
