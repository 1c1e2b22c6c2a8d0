/**
 * The paper's quadratic problems f(w) = ½wᵀHw − hᵀw with block-diagonal
 * H = diag(H_1, …, H_B), H_b = Q_b Λ_b Q_bᵀ, Q_b a seeded Haar-random orthogonal
 * matrix (QR of a Gaussian matrix, R's diagonal made positive). Overall κ = 5000.
 *
 *   Case 3 (heterogeneous): Λ = {1, 2, 3}, {99, 100, 101}, {4998, 4999, 5000}.
 *   Case 4 (homogeneous):   the same numbers regrouped {1, 99, 4998}, {2, 100, 4999}, {3, 101, 5000}.
 *   Cases 1 and 2: 4 blocks of 25 (block sizes unconfirmed in the paper). The paper draws block
 *   eigenvalues from measured Transformer (1) and CNN (2) block spectra; heterograd uses synthetic
 *   stand-ins instead (seeded):
 *     Case 1: log10 λ_{b,i} ~ Uniform(b, b+1) for block b = 0..3 (each block owns one decade);
 *     Case 2: log10 λ_{b,i} ~ Uniform(0, 4) for every block (every block spans all decades);
 *   then all 100 values are mapped by one affine map in log space so min → 1 and max → 5000
 *   (the "shift and scale to κ = 5000", done on log λ so the positive spectrum keeps its shape).
 * h ~ N(0, I) and the start w₀ ~ N(0, I) are seeded too.
 */
import * as hg from '../tensor/index.js';
import { makeRng, subSeed, type Rng } from '../util/rng.js';
import type { BlockSpec } from './model.js';

export type CaseId = 1 | 2 | 3 | 4;

export interface QuadBlock {
  name: string;
  /** Λ_b, ascending. */
  eigenvalues: number[];
  /** H_b, n×n row-major. */
  H: Float64Array;
}

export interface Quadratic {
  caseId: CaseId;
  blocks: QuadBlock[];
  /** Offsets of the blocks in the flat vector w. */
  offsets: number[];
  dim: number;
  h: Float64Array;
  w0: Float64Array;
  /** The optimum value f* = −½ hᵀH⁻¹h. */
  fStar: number;
}

const CASE3 = [[1, 2, 3], [99, 100, 101], [4998, 4999, 5000]];
const CASE4 = [[1, 99, 4998], [2, 100, 4999], [3, 101, 5000]];
export const KAPPA = 5000;

/** The block eigenvalues of a case (Cases 1 and 2 are seeded draws; see the file header). */
export function caseEigenvalues(caseId: CaseId, seed = 0): number[][] {
  if (caseId === 3) return CASE3.map((b) => [...b]);
  if (caseId === 4) return CASE4.map((b) => [...b]);
  if (caseId !== 1 && caseId !== 2) throw new Error(`quadratic: unknown case ${caseId as number} (cases are 1, 2, 3, 4)`);
  const rng = makeRng(subSeed(seed, 0x9a11, caseId));
  const logs = [0, 1, 2, 3].map((b) => Array.from({ length: 25 }, () => (caseId === 1 ? b : 0) + (caseId === 1 ? 1 : 4) * rng.uniform()));
  const flat = logs.flat();
  const lo = Math.min(...flat);
  const hi = Math.max(...flat);
  const scale = Math.log10(KAPPA) / (hi - lo);
  return logs.map((b) => b.map((l) => 10 ** ((l - lo) * scale)).sort((x, y) => x - y));
}

/** A Haar-random n×n orthogonal matrix (row-major): Gram–Schmidt QR of a Gaussian matrix, orthogonalized twice. */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const cols = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => rng.normal()));
  for (let j = 0; j < n; j++) {
    const c = cols[j];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += cols[k][i] * c[i];
        for (let i = 0; i < n; i++) c[i] -= d * cols[k][i];
      }
    }
    const norm = Math.hypot(...c); // R_jj > 0 by construction, which makes Q Haar-distributed
    for (let i = 0; i < n; i++) c[i] /= norm;
  }
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j] = cols[j][i];
  return q;
}

/** Q diag(λ) Qᵀ, or with `inverse` Q diag(1/λ) Qᵀ. */
function conjugate(q: Float64Array, lam: number[], inverse = false): Float64Array {
  const n = lam.length;
  const out = new Float64Array(n * n);
  const d = lam.map((l) => (inverse ? 1 / l : l));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * d[k] * q[j * n + k];
      out[i * n + j] = s;
    }
  }
  return out;
}

/** Builds a case: H_b = Q_b Λ_b Q_bᵀ with seeded Q_b, seeded h and w₀. */
export function quadraticCase(caseId: CaseId, seed = 0): Quadratic {
  const eigs = caseEigenvalues(caseId, seed);
  const offsets: number[] = [];
  let dim = 0;
  for (const lam of eigs) {
    offsets.push(dim);
    dim += lam.length;
  }
  const rng = makeRng(subSeed(seed, 0x4e5, caseId));
  const h = Float64Array.from({ length: dim }, () => rng.normal());
  const w0 = Float64Array.from({ length: dim }, () => rng.normal());
  let fStar = 0;
  const blocks = eigs.map((lam, b) => {
    const q = randomOrthogonal(lam.length, makeRng(subSeed(seed, 0x0a7, caseId, b)));
    const hb = h.subarray(offsets[b], offsets[b] + lam.length);
    fStar -= 0.5 * dot(hb, matvec(conjugate(q, lam, true), hb));
    return { name: `block${b}`, eigenvalues: lam, H: conjugate(q, lam) };
  });
  return { caseId, blocks, offsets, dim, h, w0, fStar };
}

function matvec(a: Float64Array, x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    out[i] = s;
  }
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Block b's part of a flat vector (a view). */
const part = (q: Quadratic, v: Float64Array, b: number): Float64Array =>
  v.subarray(q.offsets[b], q.offsets[b] + q.blocks[b].eigenvalues.length);

/** ∇f(w) = Hw − h, blockwise, into `out`. */
export function quadGrad(q: Quadratic, w: Float64Array, out: Float64Array = new Float64Array(q.dim)): Float64Array {
  q.blocks.forEach((blk, b) => {
    const o = matvec(blk.H, part(q, w, b), part(q, out, b));
    const hb = part(q, q.h, b);
    for (let i = 0; i < o.length; i++) o[i] -= hb[i];
  });
  return out;
}

/** f(w) = ½wᵀHw − hᵀw. */
export function quadLoss(q: Quadratic, w: Float64Array): number {
  let f = 0;
  q.blocks.forEach((blk, b) => {
    const wb = part(q, w, b);
    f += 0.5 * dot(wb, matvec(blk.H, wb)) - dot(part(q, q.h, b), wb);
  });
  return f;
}

/** The parameter record (one float64 vector per block, named like the blocks) for `w` (default w₀). */
export function quadParams(q: Quadratic, w: Float64Array = q.w0): Record<string, hg.Tensor> {
  return Object.fromEntries(q.blocks.map((blk, b) => [blk.name, hg.tensor(Float64Array.from(part(q, w, b)), [blk.eigenvalues.length], 'float64')]));
}

/** One Hessian block per parameter, for the spectrum toolkit. */
export const quadBlocks = (q: Quadratic): BlockSpec[] => q.blocks.map((b) => ({ name: b.name, param: b.name }));

/**
 * f as an hg function of the parameter record, so HVPs see H_bb = H_b exactly.
 * The constants are kept; call `dispose` when done.
 */
export function quadLossFn(q: Quadratic): { loss: (params: Record<string, hg.Tensor>) => hg.Tensor; dispose(): void } {
  const consts = hg.keep(q.blocks.map((blk, b) => {
    const n = blk.eigenvalues.length;
    return { H: hg.tensor(Float64Array.from(blk.H), [n, n], 'float64'), h: hg.tensor(Float64Array.from(part(q, q.h, b)), [n], 'float64') };
  }));
  const loss = (params: Record<string, hg.Tensor>): hg.Tensor => {
    let f: hg.Tensor | null = null;
    q.blocks.forEach((blk, b) => {
      const w = params[blk.name];
      if (!w) throw new Error(`quadratic: no parameter '${blk.name}'`);
      const n = blk.eigenvalues.length;
      const Hw = hg.reshape(hg.matmul(consts[b].H, hg.reshape(w, [n, 1])), [n]); // (n,)
      const fb = hg.sub(hg.mul(hg.sum(hg.mul(w, Hw)), 0.5), hg.sum(hg.mul(consts[b].h, w)));
      f = f ? hg.add(f, fb) : fb;
    });
    return f!;
  };
  return { loss, dispose: () => consts.forEach((c) => hg.dispose([c.H, c.h])) };
}
