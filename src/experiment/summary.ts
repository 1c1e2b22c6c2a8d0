/** The final summary: one row per model (and per quadratic case), as data and as a printed table. */
import { markdownTable } from '../report/markdown.js';
import type { ModelResult } from './types.js';

export interface SummaryRow {
  model: string;
  preset: string;
  /** JS⁰: mean Jensen–Shannon distance between block spectra at initialization. */
  js0: number | null;
  /** Best SGD and best Adam final training loss, and their learning rates. */
  sgdLoss: number | null;
  sgdLr: number | null;
  adamLoss: number | null;
  adamLr: number | null;
  /** SGD − Adam final loss (neural models); for quadratics, Adam's lead in decades of gradient norm. */
  gap: number | null;
  gapKind: 'loss' | 'log10 grad-norm ratio';
}

export function summaryRows(results: ModelResult[]): SummaryRow[] {
  return results.flatMap((r): SummaryRow[] => {
    if (r.kind === 'quadratic') {
      return r.cases.map(({ caseId, js0, best: { gd, adam }, adamLeadDecades }) => ({
        model: `quadratic case ${caseId}`, preset: r.preset, js0,
        sgdLoss: gd.gradNorm, sgdLr: gd.lr, adamLoss: adam.gradNorm, adamLr: adam.lr,
        gap: adamLeadDecades, gapKind: 'log10 grad-norm ratio' as const,
      }));
    }
    const t = r.training;
    return [{
      model: r.model, preset: r.preset, js0: r.spectra.js0,
      sgdLoss: t.best.sgd?.finalLoss ?? null, sgdLr: t.best.sgd?.lr ?? null,
      adamLoss: t.best.adam?.finalLoss ?? null, adamLr: t.best.adam?.lr ?? null,
      gap: t.gap, gapKind: 'loss',
    }];
  });
}

const f = (x: number | null, digits = 4) => (x === null ? '—' : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(digits));

const lr = (x: number | null) => (x === null ? '—' : String(Number(x.toPrecision(3))));

/** A plain-text table (also valid Markdown). */
export function summaryTable(rows: SummaryRow[]): string {
  const head = ['model', 'preset', 'JS⁰', 'SGD final (lr)', 'Adam final (lr)', 'gap'];
  const body = rows.map((r) => [
    r.model, r.preset, f(r.js0),
    `${f(r.sgdLoss)} (${lr(r.sgdLr)})`, `${f(r.adamLoss)} (${lr(r.adamLr)})`,
    r.gapKind === 'loss' ? f(r.gap) : `${f(r.gap, 1)} decades`,
  ]);
  return markdownTable(head, body);
}
