/**
 * The one-paragraph reading of a result, written from the numbers: it states
 * what was measured and whether the paper's pattern showed, never assumes it.
 * A comparison ("more heterogeneous", "Adam ahead") is stated only when the
 * 95% intervals separate; without intervals (one seed) it says so.
 */
import { type Aggregate, type SummaryRow, separated, withInterval } from './summary.js';

const TRANSFORMERS = new Set(['vit', 'gpt', 'bert']);

/** Is `a` above `b` in a way the intervals support? */
const clearlyAbove = (a: Aggregate, b: Aggregate) => separated(a.interval, b.interval) && a.mean > b.mean;

/** Is the interval entirely above (or below) zero? */
function sign(a: Aggregate): 1 | -1 | 0 {
  if (!a.interval) return 0;
  return a.interval[0] > 0 ? 1 : a.interval[1] < 0 ? -1 : 0;
}

export function reading(rows: SummaryRow[], correlation?: { estimate: number; lo: number; hi: number; n: number } | null): string {
  const neural = rows.filter((r) => r.gapKind === 'loss' && r.js0 !== null);
  const quad = rows.filter((r) => r.gapKind !== 'loss');
  const parts: string[] = [];
  const anyInterval = neural.some((r) => r.js0!.interval);
  if (neural.length && !anyInterval) {
    parts.push('These numbers come from one seed each, so they carry no interval across seeds and no comparison below is backed by one; run with --seeds 0,1,2 for intervals.');
  }
  for (const r of neural) {
    let gap = 'no gap could be computed (a run diverged or did not run)';
    if (r.gap) {
      const s = sign(r.gap);
      gap = s > 0 ? `Adam ended lower in training loss than SGD by ${withInterval(r.gap, 3)}`
        : s < 0 ? `SGD ended lower in training loss than Adam, SGD − Adam = ${withInterval(r.gap, 3)}`
          : `SGD − Adam = ${withInterval(r.gap, 3)}, ${r.gap.interval ? 'an interval that includes 0' : 'without an interval'}`;
    }
    parts.push(`${r.model}: JS⁰ = ${withInterval(r.js0, 3)} at initialization; ${gap}.`);
  }
  const tf = neural.filter((r) => TRANSFORMERS.has(r.model));
  const other = neural.filter((r) => !TRANSFORMERS.has(r.model));
  if (tf.length && other.length) {
    const pairs = tf.flatMap((t) => other.map((o) => [t, o] as const));
    const above = pairs.filter(([t, o]) => clearlyAbove(t.js0!, o.js0!)).length;
    const below = pairs.filter(([t, o]) => clearlyAbove(o.js0!, t.js0!)).length;
    parts.push(above === pairs.length
      ? 'Every Transformer here is more block-heterogeneous than every other model, with separated 95% intervals, as the paper reports.'
      : `Of ${pairs.length} Transformer–other pairs, the Transformer's JS⁰ is clearly higher (separated intervals) in ${above}, clearly lower in ${below}, and the intervals overlap in ${pairs.length - above - below}${above < pairs.length ? '; the paper reports Transformers as more heterogeneous throughout' : ''}.`);
  }
  if (correlation) {
    const verdict = correlation.lo > 0 ? 'so across these models the gap grows with JS⁰' : correlation.hi < 0 ? 'so across these models the gap falls as JS⁰ grows'
      : 'an interval that includes 0: these data do not show that the gap grows with JS⁰';
    parts.push(`Over the ${correlation.n} models, Spearman's ρ between JS⁰ and the SGD − Adam gap is ${correlation.estimate.toFixed(2)} ` +
      `(95% bootstrap interval [${correlation.lo.toFixed(2)}, ${correlation.hi.toFixed(2)}]), ${verdict}.`);
  }
  if (quad.length) {
    const lead = (c: number) => quad.find((r) => r.model.endsWith(`case ${c}`))?.gap ?? null;
    const [l1, l2, l3, l4] = [lead(1), lead(2), lead(3), lead(4)];
    if (l3 && l4) {
      const verdict = clearlyAbove(l3, l4) ? ', larger on the heterogeneous case (separated intervals), as the theory predicts.'
        : l3.mean > l4.mean ? `, larger on the heterogeneous case${l3.interval ? ' but with overlapping intervals' : ' (one seed, no interval)'}.`
          : ', not larger on the heterogeneous case.';
      parts.push(`On the quadratics, Adam's lead over GD (median log10 gradient norm over the last 10% of iterations) is ${withInterval(l3, 1)} decades on heterogeneous Case 3 and ${withInterval(l4, 1)} on homogeneous Case 4` +
        (l1 && l2 ? ` (Case 1: ${withInterval(l1, 1)}, Case 2: ${withInterval(l2, 1)})` : '') + verdict);
    }
  }
  return parts.join(' ');
}
