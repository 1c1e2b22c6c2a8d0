// How the elementwise Wasm kernels (binary.ts, where.ts) walk a broadcast.
// The output is `outer` blocks of `rows` rows of n; along a row each operand
// either steps (1) or repeats one element (0), and between rows and between
// blocks it moves by its own strides (in elements; 0 reuses a row or a block).
// One kernel call runs a block. Axes are merged as the JS walk merges them
// (collapseAxes), so this covers what most broadcasts reduce to:
//   one row         operands of the output's length or of one element
//   two axes        [k, N·d] ∘ [N·d] (a row reused), [k·N, d] ∘ [d] (a bias),
//                   [k·N, d] ∘ [k·N, 1] (a scalar per row)
//   three axes      one call per outer index: a tangent stack [m, N, d] against
//                   a point's [N, 1] (layernorm's rule), or back
// and returns null for the rest, which the JS loops run.
import { type Shape, broadcastStrides } from '../../../tensor/shapes.js';
import { collapseAxes } from '../elementwise.js';

export interface RowPlan {
  outer: number;
  rows: number;
  n: number;
  /** Per operand: whether it steps along a row (else it repeats one element). */
  steps: boolean[];
  /** Per operand: the stride between rows, and between blocks. */
  row: number[];
  block: number[];
}

/** The plan for operands of `lengths` and `shapes` broadcast to outShape (len elements), or null. */
export function planRows(lengths: number[], shapes: Shape[], outShape: Shape, len: number): RowPlan | null {
  const zeros = lengths.map(() => 0);
  if (lengths.every((l) => l === len || l === 1)) return { outer: 1, rows: 1, n: len, steps: lengths.map((l) => l === len), row: zeros, block: zeros };
  const m = collapseAxes(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
  const r = m.shape.length;
  if (r !== 2 && r !== 3) return null;
  const along = m.strides.map((s) => s[r - 1]);
  if (!along.every((d) => d === 0 || d === 1)) return null;
  return {
    outer: r === 3 ? m.shape[0] : 1, rows: m.shape[r - 2], n: m.shape[r - 1],
    steps: along.map((d) => d === 1), row: m.strides.map((s) => s[r - 2]), block: r === 3 ? m.strides.map((s) => s[0]) : zeros,
  };
}
