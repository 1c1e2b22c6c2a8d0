/**
 * How accurate is an SLQ estimate, seen from the stored results alone.
 *
 * - Spread over probes: per block, how far each probe's measure lies from the block's
 *   pooled measure (JS and W1 under a convention). Large spread means probe noise.
 * - Truncation: the m-point Gauss rule (θ_i, τ_i) of a probe determines its Lanczos
 *   matrix T_m (Lanczos on diag(θ) from √τ rebuilds it: the rule matches the probe's
 *   measure in its first 2m − 1 moments, which fix T_m), and the first k < m rows of
 *   T_m are exactly what k Lanczos steps on the original operator would have produced.
 *   So the k-step rule comes from stored results, with no new matvecs, and comparing JS⁰
 *   at m/2 and m steps indicates a-posteriori how far JS⁰ still moves with m.
 */
import { transformBlocks, scoreUnder, probeMeasures, type AxisConvention, type BlockSamples } from './conventions.js';
import { pairwiseMatrix, w1Distance } from './distances.js';
import type { SlqProbe, SlqResult } from './slq.js';
import { tridiagEig } from './tridiag.js';

/** The Gauss rule of the first `k` Lanczos steps of a probe, rebuilt from its stored m-step rule (k ≤ m). */
export function truncatedProbe(probe: SlqProbe, k: number): SlqProbe {
  const m = probe.nodes.length;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`truncatedProbe: k must be a positive integer, got ${k}`);
  if (k > m) throw new Error(`truncatedProbe: probe ${probe.index} has only ${m} nodes; cannot rebuild ${k} steps`);
  if (k === m) return { ...probe, nodes: [...probe.nodes], weights: [...probe.weights] };
  const theta = probe.nodes;
  const total = probe.weights.reduce((a, b) => a + b, 0);
  const basis: Float64Array[] = [Float64Array.from(probe.weights, (w) => Math.sqrt(Math.max(0, w) / total))];
  const alpha: number[] = [];
  const beta: number[] = [];
  const scale = Math.max(...theta.map(Math.abs));
  for (let j = 0; j < k; j++) {
    const q = basis[j];
    const w = Float64Array.from(q, (x, i) => x * theta[i]);
    let a = 0;
    for (let i = 0; i < m; i++) a += q[i] * w[i];
    alpha.push(a);
    if (j === k - 1) break;
    // Full reorthogonalization, twice: the basis is tiny (m ≤ a few hundred) and this keeps ghosts out.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let d = 0;
        for (let i = 0; i < m; i++) d += b[i] * w[i];
        for (let i = 0; i < m; i++) w[i] -= d * b[i];
      }
    }
    const nb = Math.hypot(...w);
    if (!(nb > 1e-12 * scale)) break; // the rule has fewer than k distinct atoms carrying weight: it is already exact
    beta.push(nb);
    basis.push(w.map((x) => x / nb));
  }
  const eig = tridiagEig(alpha, beta);
  return { ...probe, nodes: Array.from(eig.values), weights: Array.from(eig.firstComponents, (c) => c * c), steps: alpha.length };
}

/** An SLQ result as if every probe had stopped after `k` Lanczos steps (probes with fewer nodes kept whole). */
export function truncatedResult(result: SlqResult, k: number): SlqResult {
  return { ...result, steps: Math.min(k, result.steps), probes: result.probes.map((p) => truncatedProbe(p, Math.min(k, p.nodes.length))) };
}

/** JS⁰ and W1⁰ at the stored m and at fewer steps, under one convention. */
export interface SlqAccuracy {
  convention: AxisConvention;
  /** Largest Lanczos step count stored over the blocks. */
  steps: number;
  /** Steps of the truncated rules (default ⌊m/2⌋). */
  truncatedTo: number;
  js0: { full: number; truncated: number; diff: number };
  w10: { full: number; truncated: number; diff: number };
}

/**
 * A-posteriori truncation check: JS⁰ and W1⁰ from the stored rules (m steps) and from the
 * same probes cut to `truncatedTo` steps (default ⌊m/2⌋). A |diff| small beside the
 * bootstrap half-width says more steps would likely not move the score much; a large one
 * says m is too small. (A heuristic, not a bound: the error at m is typically smaller than
 * the change from m/2 to m when the estimate converges.)
 */
export function slqAccuracy(results: Record<string, SlqResult>, c: AxisConvention, opts: { truncatedTo?: number } = {}): SlqAccuracy {
  const names = Object.keys(results);
  if (names.length < 2) throw new Error(`slqAccuracy: needs at least 2 blocks, got ${names.length}`);
  const m = Math.max(...names.map((n) => results[n].steps));
  const k = opts.truncatedTo ?? Math.floor(m / 2);
  if (!(Number.isInteger(k) && k >= 1 && k <= m)) throw new Error(`slqAccuracy: truncatedTo must be an integer in [1, ${m}], got ${k}`);
  const full = scoreUnder(c, Object.fromEntries(names.map((n) => [n, probeMeasures(results[n])])), { metrics: ['js', 'w1'] });
  const cut = scoreUnder(c, Object.fromEntries(names.map((n) => [n, probeMeasures(truncatedResult(results[n], k))])), { metrics: ['js', 'w1'] });
  return {
    convention: c,
    steps: m,
    truncatedTo: k,
    js0: { full: full.js0, truncated: cut.js0, diff: full.js0 - cut.js0 },
    w10: { full: full.w10, truncated: cut.w10, diff: full.w10 - cut.w10 },
  };
}

/** Per block: how far its probes lie from the block's pooled measure. */
export interface ProbeSpread {
  probes: number;
  /** JS distance of each probe's density to the pooled density (convention's σ²): mean and max over probes. */
  js: { mean: number; max: number };
  /** W1 of each probe's measure to the pooled measure, in the convention's axis units. */
  w1: { mean: number; max: number };
}

/** {@link ProbeSpread} of every block under convention `c` (the axis as for scoring: pooled quantities use all blocks). */
export function probeSpread(c: AxisConvention, blocks: BlockSamples): Record<string, ProbeSpread> {
  const t = transformBlocks(c, blocks);
  const stats = (xs: number[]) => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) });
  return Object.fromEntries(Object.entries(t.probes).map(([n, list]) => {
    const js = pairwiseMatrix([t.pooled[n], ...list], 'js', { sigma2: t.sigma2 }).matrix[0].slice(1);
    const w1 = list.map((p) => w1Distance(p, t.pooled[n]));
    return [n, { probes: list.length, js: stats(js), w1: stats(w1) }];
  }));
}
