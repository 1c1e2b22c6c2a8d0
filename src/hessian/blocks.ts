/**
 * Blocks of the Hessian and their products: a block is a parameter tensor or
 * a range of its rows, and H_bb·v_b for several blocks comes from one
 * forward-over-reverse sweep with one tangent per block (block-diagonal
 * products: each direction is dropped wherever its block cannot reach).
 */
import { hvpMulti } from '../autodiff/index.js';
import { type Tensor, dispose as disposeOne, fromArray, slice, tidy } from '../tensor/index.js';
/** One block of the Hessian: a parameter tensor, or a range of its rows (Q, K, V of a fused qkv weight). */
export interface BlockSpec {
  name: string;
  param: string;
  rows?: [number, number];
}

export type LossFn = (params: Record<string, Tensor>) => Tensor;

/** Number of coordinates in a block. */
export function blockDim(params: Record<string, Tensor>, b: BlockSpec): number {
  const t = params[b.param];
  if (!t) throw new Error(`block ${b.name}: no parameter named '${b.param}' (have: ${Object.keys(params).join(', ')})`);
  if (!b.rows) return t.size;
  const [r0, r1] = b.rows;
  if (!(r0 >= 0 && r0 < r1 && r1 <= t.shape[0])) throw new Error(`block ${b.name}: rows [${r0}, ${r1}) out of range for '${b.param}' with ${t.shape[0]} rows`);
  return (t.size / t.shape[0]) * (r1 - r0);
}

/** The block's coordinates v (Float64, blockDim long) as a tangent of the block's whole parameter (zeros outside its rows). */
export function tangentOf(params: Record<string, Tensor>, b: BlockSpec, v: Float64Array): Tensor {
  const t = params[b.param];
  const full = new Float64Array(t.size);
  const offset = b.rows ? (t.size / t.shape[0]) * b.rows[0] : 0;
  full.set(v, offset);
  return fromArray(t.dtype === 'float64' ? full : Float32Array.from(full), t.shape, t.dtype);
}

/** H_bb·v_b for several blocks in one sweep: one tangent per request, gradients only for their parameters. */
export async function blockHvps(
  loss: LossFn, params: Record<string, Tensor>, requests: { block: BlockSpec; v: Float64Array }[],
): Promise<Float64Array[]> {
  const names = Object.keys(params);
  const wanted = new Set(requests.map((r) => r.block.param));
  const results = tidy(() => {
    const tangents = requests.map((r) => ({ [r.block.param]: tangentOf(params, r.block, r.v) }));
    const hvs = hvpMulti(loss, params, tangents, { wrt: names.map((n) => wanted.has(n)), blockDiagonal: true });
    return requests.map((r, j) => {
      const h = hvs[j][r.block.param];
      if (!r.block.rows) return h;
      return slice(h, [r.block.rows[0]], [r.block.rows[1]]);
    });
  });
  const out: Float64Array[] = [];
  for (const r of results) {
    out.push(Float64Array.from(await r.data()));
    disposeOne(r);
  }
  return out;
}

