/**
 * results.json as a document: what a run computed (models, failures), the
 * numbers derived from it (each model's spectra analysis, the summary), and
 * the provenance. Deriving is separate from computing, so a finished run can
 * be re-derived under another convention without recomputing anything
 * (`npm run report -- DIR --axis …`).
 */
import { analyzeSpectra, type AnalysisSettings } from './derive.js';
import { gapCorrelation, summaryRows, type SummaryRow } from './summary.js';
import type { ExperimentOptions, ModelResult } from './types.js';

export interface ResultsDoc {
  schema: string;
  createdAt: string;
  command: string;
  options: ExperimentOptions;
  versions: Record<string, string>;
  backend: { name: string; device: string };
  seconds: number;
  models: ModelResult[];
  failures: { model: string; seed: number; error: string }[];
  summary: SummaryRow[];
  /** Spearman's ρ between JS⁰ and the SGD–Adam gap over the models, with its bootstrap interval (≥ 4 models). */
  correlation?: ReturnType<typeof gapCorrelation>;
  /** Runs whose models were pooled into this document (`npm run report -- DIR --add OTHER`). */
  merged?: { dir: string; command: string; createdAt: string }[];
  /** Set when the derived numbers were redone after the run (`npm run report`). */
  rederived?: { command: string; at: string };
}

/** Recomputes every derived number of `models` in place under `analysis`: each model's analysis, the summary, and the JS⁰–gap correlation. */
export function derive(models: ModelResult[], analysis: AnalysisSettings): Pick<ResultsDoc, 'summary' | 'correlation'> {
  for (const r of models) {
    if (r.kind === 'neural' && r.spectra) r.spectra.analysis = analyzeSpectra(r.spectra.slq, analysis);
  }
  const summary = summaryRows(models);
  return { summary, correlation: gapCorrelation(summary) };
}
