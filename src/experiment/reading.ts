/**
 * The one-paragraph reading of a result, written from the numbers: it states
 * what was measured and whether the paper's pattern showed, never assumes it.
 */
import type { SummaryRow } from './summary.js';

const TRANSFORMERS = new Set(['vit', 'gpt', 'bert']);

export function reading(rows: SummaryRow[]): string {
  const neural = rows.filter((r) => r.gapKind === 'loss' && r.js0 !== null);
  const quad = rows.filter((r) => r.gapKind !== 'loss');
  const parts: string[] = [];
  for (const r of neural) {
    const gap = r.gap === null ? 'no gap could be computed (a run diverged)' : r.gap > 0
      ? `Adam ended ${r.gap.toFixed(3)} lower in training loss than SGD`
      : `SGD ended ${(-r.gap).toFixed(3)} lower in training loss than Adam`;
    parts.push(`${r.model}: JS⁰ = ${r.js0!.toFixed(3)} at initialization; ${gap}.`);
  }
  const tf = neural.filter((r) => TRANSFORMERS.has(r.model));
  const other = neural.filter((r) => !TRANSFORMERS.has(r.model));
  if (tf.length && other.length) {
    const maxOther = Math.max(...other.map((r) => r.js0!));
    const minTf = Math.min(...tf.map((r) => r.js0!));
    parts.push(minTf > maxOther
      ? `Every Transformer here is more block-heterogeneous than every non-Transformer (lowest Transformer JS⁰ ${minTf.toFixed(3)} vs highest other ${maxOther.toFixed(3)}), as the paper reports.`
      : `Here the Transformers are not uniformly more block-heterogeneous than the other models (lowest Transformer JS⁰ ${minTf.toFixed(3)}, highest other ${maxOther.toFixed(3)}), unlike the paper's finding.`);
  }
  if (quad.length) {
    const lead = (c: number) => quad.find((r) => r.model.endsWith(`case ${c}`))?.gap ?? null;
    const [l1, l2, l3, l4] = [lead(1), lead(2), lead(3), lead(4)];
    if (l3 !== null && l4 !== null) {
      parts.push(`On the quadratics, Adam's lead over GD in final gradient norm is ${l3.toFixed(1)} decades on heterogeneous Case 3 and ${l4.toFixed(1)} on homogeneous Case 4` +
        (l1 !== null && l2 !== null ? ` (Case 1: ${l1.toFixed(1)}, Case 2: ${l2.toFixed(1)})` : '') +
        (l3 > l4 ? ', larger on the heterogeneous case as the theory predicts.' : ', not larger on the heterogeneous case.'));
    }
  }
  return parts.join(' ');
}
