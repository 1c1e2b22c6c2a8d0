/**
 * The final summary: one row per model (per hetero-mlp r, per quadratic case),
 * aggregated over seeds, as data and as a printed table. Every number used to
 * compare models carries an interval and says how it was obtained.
 */
import { type SpearmanInterval, bootstrapSpearman, seedInterval } from '../analysis/index.js';
import { markdownTable } from '../report/markdown.js';
import type { ModelResult, NeuralResult, OptimizerName, QuadraticResult } from './types.js';

/** [lo, hi]. */
export type Interval = [number, number];

/**
 * A value over seeds: the mean, its 95% interval and how it was obtained
 * (a Student-t interval across seeds with two or more; with one seed, the
 * probe bootstrap where there is one, else none), and each seed's value.
 */
export interface Aggregate {
  mean: number;
  interval: Interval | null;
  method: string | null;
  perSeed: number[];
}

/** True when two intervals do not overlap: only then may a report say one value is larger. */
export function separated(a: Interval | null, b: Interval | null): boolean {
  return !!a && !!b && (a[0] > b[1] || b[0] > a[1]);
}

export interface SummaryRow {
  model: string;
  preset: string;
  seeds: number[];
  /** JS⁰: mean Jensen–Shannon distance between block spectra at initialization. */
  js0: Aggregate | null;
  /** Best final training loss (or quadratic final gradient norm) per optimizer, over seeds. */
  sgdLoss: Aggregate | null;
  adamLoss: Aggregate | null;
  /** The best learning rate at each seed. */
  sgdLr: number[];
  adamLr: number[];
  /** SGD − Adam final loss (neural models); for quadratics, Adam's lead over GD in decades of gradient norm. */
  gap: Aggregate | null;
  gapKind: 'loss' | 'log10 grad-norm ratio';
  /** Other optimizers' best final loss minus Adam's (sgd-blockwise, adam-mini), when they ran. */
  gaps: Partial<Record<OptimizerName, Aggregate | null>>;
}

/** Mean over seeds with its t-interval; with one seed, `single` (e.g. the probe bootstrap) or no interval. */
function aggregate(values: (number | null)[], single?: { lo: number; hi: number; method: string } | null): Aggregate | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0 || xs.length < values.length) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length >= 2) {
    const t = seedInterval(xs);
    return { mean, interval: [t.lo, t.hi], method: t.method, perSeed: xs };
  }
  return single ? { mean, interval: [single.lo, single.hi], method: single.method, perSeed: xs } : { mean, interval: null, method: null, perSeed: xs };
}

const labelOf = (r: NeuralResult) => `${r.model}${r.hetero !== undefined ? ` r=${r.hetero}` : ''}`;

function neuralRow(rs: NeuralResult[]): SummaryRow {
  const t = (f: (r: NeuralResult) => number | null | undefined) => aggregate(rs.map((r) => f(r) ?? null));
  const optimizers = rs[0].training?.settings.optimizers ?? [];
  return {
    model: labelOf(rs[0]), preset: rs[0].preset, seeds: rs.map((r) => r.seed),
    // JS⁰ under the headline convention (derive.ts); one seed gets its probe-bootstrap interval.
    js0: aggregate(rs.map((r) => r.spectra?.analysis?.js0.estimate ?? null), rs.length === 1 ? rs[0].spectra?.analysis?.js0 : null),
    sgdLoss: t((r) => r.training?.best.sgd?.finalLoss), adamLoss: t((r) => r.training?.best.adam?.finalLoss),
    sgdLr: rs.map((r) => r.training?.best.sgd?.lr ?? NaN), adamLr: rs.map((r) => r.training?.best.adam?.lr ?? NaN),
    gap: t((r) => r.training?.gap), gapKind: 'loss',
    gaps: Object.fromEntries(optimizers.filter((o) => o !== 'sgd' && o !== 'adam').map((o) => [o, t((r) => r.training?.gaps[o])])),
  };
}

function quadraticRows(rs: QuadraticResult[]): SummaryRow[] {
  return rs[0].cases.map((c0, i) => {
    const cs = rs.map((r) => r.cases[i]);
    return {
      model: `quadratic case ${c0.caseId}`, preset: rs[0].preset, seeds: rs.map((r) => r.seed),
      js0: aggregate(cs.map((c) => c.js0)),
      sgdLoss: aggregate(cs.map((c) => c.best.gd.gradNorm)), adamLoss: aggregate(cs.map((c) => c.best.adam.gradNorm)),
      sgdLr: cs.map((c) => c.best.gd.lr), adamLr: cs.map((c) => c.best.adam.lr),
      gap: aggregate(cs.map((c) => c.adamLeadDecades)), gapKind: 'log10 grad-norm ratio' as const,
      gaps: {},
    };
  });
}

/** One row per model (and r, and quadratic case), in the order the models ran, with the seeds pooled. */
export function summaryRows(results: ModelResult[]): SummaryRow[] {
  const groups = new Map<string, ModelResult[]>();
  for (const r of results) {
    const key = r.kind === 'quadratic' ? 'quadratic' : labelOf(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].flatMap((g) =>
    g[0].kind === 'quadratic' ? quadraticRows(g as QuadraticResult[]) : [neuralRow(g as NeuralResult[])]);
}

/**
 * The neural rows that have both JS⁰ and a gap, one per distinct measurement: the
 * hetero-MLP at r = 1 is the plain MLP, and a pooled report holding both would
 * otherwise count the same seeds twice. Such rows become one point named "a = b".
 */
export function gapPoints(rows: SummaryRow[]): SummaryRow[] {
  const byValues = new Map<string, SummaryRow[]>();
  for (const r of rows.filter((x) => x.gapKind === 'loss' && x.js0 && x.gap)) {
    const key = JSON.stringify([r.seeds, r.js0!.perSeed, r.gap!.perSeed]);
    byValues.set(key, [...(byValues.get(key) ?? []), r]);
  }
  return [...byValues.values()].map((same) => ({ ...same[0], model: same.map((r) => r.model).join(' = ') }));
}

/**
 * Does the SGD–Adam gap grow with JS⁰? Spearman's ρ over the neural rows (one point
 * per model and r, seeds averaged) with a percentile bootstrap interval over points,
 * and over each point's seeds where it has several (B = 2000); rows with identical per-seed
 * values are one point; null with fewer than 4 points. The data support "the gap grows with
 * JS⁰" only when the whole interval lies above 0.
 */
export function gapCorrelation(rows: SummaryRow[]): (SpearmanInterval & { models: string[] }) | null {
  const pts = gapPoints(rows);
  if (pts.length < 4) return null;
  // Seeds pair up when both values were measured on the same seeds (a JS⁰ of one seed has its probe interval instead).
  const rho = bootstrapSpearman(pts.map((r) => ({
    x: r.js0!.mean, y: r.gap!.mean,
    ...(r.js0!.perSeed.length === r.gap!.perSeed.length && r.js0!.perSeed.length > 1 ? { perSeed: { x: r.js0!.perSeed, y: r.gap!.perSeed } } : {}),
  })), { B: 2000, seed: 0 });
  return { ...rho, models: pts.map((r) => r.model) };
}

const f = (x: number | null, digits = 4) => (x === null ? '—' : Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(digits));

/** "0.2121 [0.19, 0.23]", or the mean alone without an interval. */
export function withInterval(a: Aggregate | null, digits = 4): string {
  if (!a) return '—';
  return a.interval ? `${f(a.mean, digits)} [${f(a.interval[0], digits)}, ${f(a.interval[1], digits)}]` : f(a.mean, digits);
}

const lrs = (xs: number[]) => [...new Set(xs.map((x) => (Number.isNaN(x) ? '—' : String(Number(x.toPrecision(3))))))].join('/');

/** Plain-text tables (valid Markdown): neural models, then quadratic cases with their own units. */
export function summaryTable(rows: SummaryRow[]): string {
  const neural = rows.filter((r) => r.gapKind === 'loss');
  const quad = rows.filter((r) => r.gapKind !== 'loss');
  const parts: string[] = [];
  if (neural.length) {
    const extra = [...new Set(neural.flatMap((r) => Object.keys(r.gaps)))] as OptimizerName[];
    parts.push(markdownTable(
      ['model', 'preset', 'seeds', 'JS⁰ [95%]', 'SGD final (lr)', 'Adam final (lr)', 'SGD − Adam [95%]', ...extra.map((o) => `${o} − Adam [95%]`)],
      neural.map((r) => [
        r.model, r.preset, String(r.seeds.length), withInterval(r.js0),
        `${withInterval(r.sgdLoss)} (${lrs(r.sgdLr)})`, `${withInterval(r.adamLoss)} (${lrs(r.adamLr)})`, withInterval(r.gap),
        ...extra.map((o) => withInterval(r.gaps[o] ?? null)),
      ]),
    ));
  }
  if (quad.length) {
    parts.push(markdownTable(
      ['quadratic', 'seeds', 'JS⁰ (exact spectra)', 'GD final ‖∇f‖ (lr)', 'best Adam final ‖∇f‖ (lr)', "Adam's lead, decades [95%]"],
      quad.map((r) => [
        r.model, String(r.seeds.length), withInterval(r.js0, 3),
        `${withInterval(r.sgdLoss, 3)} (${lrs(r.sgdLr)})`, `${withInterval(r.adamLoss, 3)} (${lrs(r.adamLr)})`, withInterval(r.gap, 1),
      ]),
    ));
  }
  return parts.join('\n\n');
}
