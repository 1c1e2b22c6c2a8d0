/**
 * The Lanczos process on a black-box symmetric operator.
 *
 * From a unit start vector q₁ it builds an orthonormal Krylov basis q₁..q_m and the
 * tridiagonal T = Qᵀ A Q (diagonal α, off-diagonal β). Eigenvalues of T are the Ritz
 * values; with the first components of T's eigenvectors they form the Gauss
 * quadrature rule of the spectral measure seen from q₁ (see slq.ts).
 *
 * Nothing here knows about networks: an operator is a matvec and a dimension.
 */
import { makeRng, gaussianVector, type Rng } from '../util/rng.js';
import { lockRitzVectors, selectiveSettings, type SelectiveOptions } from './selective.js';
import { hostStore, type Precision, type StoreFactory, type VectorStore } from './store.js';
import { dot, norm, scale } from './vec.js';

/**
 * A symmetric linear operator v ↦ A v on float64 vectors of length `dim`. May be async
 * (a GPU HVP read back to the host). It must not keep or mutate its argument; the
 * drivers copy what it returns.
 */
export type MatVec = (v: Float64Array) => Float64Array | Promise<Float64Array>;

/**
 * Reorthogonalization policy. 'full' keeps the basis orthonormal to rounding (m + 1
 * stored vectors); 'none' is the bare three-term recurrence, the paper's code (3);
 * 'selective' is full for P steps, then against R locked Ritz vectors (see
 * selective.ts; at most P + R + 1).
 */
export type Reorth = 'full' | 'none' | 'selective';

/** Options of {@link lanczos}. */
export interface LanczosOptions {
  /** Number of Lanczos steps m (size of T); 1 ≤ m ≤ dim. */
  steps: number;
  /** Default 'full': two Gram–Schmidt passes against the whole basis each step. */
  reorth?: Reorth;
  /** Start vector (normalized internally). Default: a Gaussian vector from `rng`. */
  start?: Float64Array;
  /** Random stream for the start vector and the symmetry probe. Default: makeRng(0). */
  rng?: Rng;
  /** Called after each step with the new α (and β, 0 on the last step). */
  onStep?: (info: { step: number; alpha: number; beta: number }) => void | Promise<void>;
  /** Name of the operator (e.g. a parameter block), quoted in error messages. */
  label?: string;
  /** Probe symmetry before starting (2 extra matvecs). Default true. */
  checkSymmetry?: boolean;
  /** Relative tolerance of the symmetry probe, see {@link checkSymmetric}. Default 1e-6. */
  symmetryTol?: number;
  /** β_j ≤ breakdownTol · ‖T‖ counts as breakdown (an invariant subspace was found). Default 1e-10. */
  breakdownTol?: number;
  /** Return the basis q₁..q_m (always stored for 'full'; with 'none' this costs m vectors; not with 'selective'). */
  keepBasis?: boolean;
  /** Prefix length and Ritz-vector count of the 'selective' mode. */
  selective?: SelectiveOptions;
  /** Where the Lanczos vectors live: a host precision, or a store factory (e.g. a GPU store). Default 'float64'. */
  storage?: Precision | StoreFactory;
}

/** Output of {@link lanczos}. T has diagonal `alpha` (length `steps`) and off-diagonal `beta` (length `steps − 1`). */
export interface LanczosResult {
  alpha: Float64Array;
  beta: Float64Array;
  /** Steps actually taken: the requested number, or fewer after breakdown. */
  steps: number;
  /** True when the recurrence stopped early because β vanished. */
  breakdown: boolean;
  /** ‖r_m‖ = β_m after the last step: the Ritz pair (θ, s) has residual ‖A y − θ y‖ = residual·|s_m| in exact arithmetic. */
  residual: number;
  /** q₁..q_steps when requested with `keepBasis`. */
  basis?: Float64Array[];
  /** The mode that ran. */
  reorth: Reorth;
  /** Element type of the stored vectors. */
  precision: Precision;
  /** Most dim-long vectors held in the store at once (see memory.ts for each mode's bound). */
  peakVectors: number;
  /** 'selective': residuals β_P|s_P,i| of the locked Ritz vectors, ascending (absent if it never locked). */
  lockedResiduals?: number[];
}

function where(label?: string): string {
  return label === undefined ? '' : ` [${label}]`;
}

/**
 * Applies the operator and validates its output: length `dim` and every entry finite.
 * `context` says which call this was, so a NaN deep inside a long run is traceable.
 */
export async function applyChecked(
  matvec: MatVec,
  v: Float64Array,
  dim: number,
  context: string,
): Promise<Float64Array> {
  const out = await applyOwned(matvec, Float64Array.from(v), dim, context); // a copy: the operator cannot corrupt our basis
  return Float64Array.from(out); // the operator may reuse its output buffer
}

/** Applies the operator to `v`, which the caller gives away, and validates the output (not copied: the store copies it). */
async function applyOwned(matvec: MatVec, v: Float64Array, dim: number, context: string): Promise<Float64Array> {
  const out = await matvec(v);
  if (!out || out.length !== dim) {
    throw new Error(`${context}: matvec returned length ${out?.length} but dim is ${dim}`);
  }
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(out[i])) {
      throw new Error(`${context}: matvec returned a non-finite value (${out[i]} at index ${i})`);
    }
  }
  return out;
}

/**
 * Cheap symmetry probe: for random u, v compares ⟨u, Av⟩ with ⟨v, Au⟩ (2 matvecs).
 * Returns the relative asymmetry |⟨u,Av⟩ − ⟨v,Au⟩| / (‖u‖‖Av‖ + ‖v‖‖Au‖), and throws
 * when it exceeds `tol`. A float64 symmetric operator gives ~1e-16; a float32 one
 * ~1e-7·√dim, so pass a looser tol (1e-3) for GPU HVPs. A random non-symmetric
 * operator gives roughly ‖A − Aᵀ‖_F / (‖A‖_F √dim).
 */
export async function checkSymmetric(
  matvec: MatVec,
  dim: number,
  rng: Rng,
  tol = 1e-6,
  label?: string,
): Promise<number> {
  const context = `checkSymmetric${where(label)}`;
  const u = gaussianVector(rng, dim);
  const v = gaussianVector(rng, dim);
  const au = await applyChecked(matvec, u, dim, context);
  const av = await applyChecked(matvec, v, dim, context);
  const uAv = dot(u, av);
  const vAu = dot(v, au);
  const denom = norm(u) * norm(av) + norm(v) * norm(au);
  const asym = denom === 0 ? 0 : Math.abs(uAv - vAu) / denom;
  if (!(asym <= tol)) {
    throw new Error(
      `${context}: operator is not symmetric: <u,Av> = ${uAv.toExponential(6)} but <v,Au> = ` +
        `${vAu.toExponential(6)} (relative asymmetry ${asym.toExponential(2)} > tol ${tol}). ` +
        `Lanczos needs a symmetric operator; for an HVP use a fixed batch and eval mode (no dropout).`,
    );
  }
  return asym;
}

/**
 * Runs `steps` Lanczos steps on `matvec`. Uses the A1 ordering of the recurrence
 * (subtract β q_{j−1} before computing α), the most stable one (Paige 1972).
 * Memory: 'full' stores all m basis vectors (m + 1 with the residual); 'none' three;
 * 'selective' at most P + R + 1 (see memory.ts). `peakVectors` in the result is the count.
 */
export async function lanczos(matvec: MatVec, dim: number, opts: LanczosOptions): Promise<LanczosResult> {
  const label = where(opts.label);
  const { steps } = opts;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`lanczos${label}: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`lanczos${label}: steps must be a positive integer, got ${steps}`);
  }
  if (steps > dim) {
    throw new Error(
      `lanczos${label}: steps (${steps}) exceeds dim (${dim}); a ${dim}-dimensional operator has at most ${dim} Lanczos vectors`,
    );
  }
  const reorth = opts.reorth ?? 'full';
  if (reorth !== 'full' && reorth !== 'none' && reorth !== 'selective') {
    throw new Error(`lanczos${label}: reorth must be 'full', 'none' or 'selective', got '${reorth as string}'`);
  }
  if (reorth === 'selective' && opts.keepBasis) throw new Error(`lanczos${label}: keepBasis needs reorth 'full' or 'none' ('selective' drops the basis)`);
  const { prefix, ritz } = selectiveSettings(opts.selective);
  const rng = opts.rng ?? makeRng(0);
  const breakdownTol = opts.breakdownTol ?? 1e-10;
  if (opts.checkSymmetry ?? true) await checkSymmetric(matvec, dim, rng, opts.symmetryTol ?? 1e-6, opts.label);

  let q0: Float64Array;
  if (opts.start !== undefined) {
    if (opts.start.length !== dim) {
      throw new Error(`lanczos${label}: start vector has length ${opts.start.length} but dim is ${dim}`);
    }
    q0 = Float64Array.from(opts.start);
  } else {
    q0 = gaussianVector(rng, dim);
  }
  const q0norm = norm(q0);
  if (!(q0norm > 0) || !Number.isFinite(q0norm)) {
    throw new Error(`lanczos${label}: start vector must be finite and nonzero (norm ${q0norm})`);
  }
  scale(1 / q0norm, q0);

  const storage = opts.storage ?? 'float64';
  const store: VectorStore = (typeof storage === 'function' ? storage : hostStore(storage))(dim);
  if (store.dim !== dim) throw new Error(`lanczos${label}: the vector store has dim ${store.dim} but the operator has ${dim}`);
  let q = store.fromHost(q0);
  // The stored basis: every vector for 'full' (or keepBasis), the first P for 'selective'.
  let keep = reorth === 'full' || reorth === 'selective' || opts.keepBasis === true;
  let basis: unknown[] = [];
  let locked: unknown[] = [];
  let lockedResiduals: number[] | undefined;
  const alpha: number[] = [];
  const beta: number[] = [];
  let qPrev: unknown = null;
  let betaPrev = 0;
  let normT = 0; // Gershgorin bound on ‖T‖, the scale that breakdown is judged against
  let breakdown = false;
  let residual = 0;

  for (let j = 0; j < steps; j++) {
    if (keep) basis.push(q);
    const context = `lanczos${label}: Lanczos step ${j + 1} of ${steps}`;
    const w = store.fromHost(await applyOwned(matvec, await store.toHost(q), dim, context));
    if (qPrev !== null) await store.axpy(-betaPrev, qPrev, w);
    const a = await store.dot(q, w);
    await store.axpy(-a, q, w);
    // Twice is enough (Kahan–Parlett): one pass leaves errors of size eps·κ, the second removes them.
    // 'full' and 'selective' before locking: the stored basis; 'selective' after: the locked Ritz vectors.
    const against = reorth === 'none' ? [] : keep ? basis : locked;
    if (against.length > 0) {
      await store.projectOut(against, w);
      await store.projectOut(against, w);
    }
    const b = await store.norm(w);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      throw new Error(`${context}: non-finite recurrence coefficient (alpha ${a}, beta ${b})`);
    }
    alpha.push(a);
    normT = Math.max(normT, Math.abs(a) + betaPrev + b);
    const last = j === steps - 1;
    const stop = !last && b <= breakdownTol * normT;
    await opts.onStep?.({ step: j + 1, alpha: a, beta: last || stop ? 0 : b });
    residual = b;
    if (last || stop) {
      breakdown = stop;
      store.free(w);
      break;
    }
    beta.push(b);
    await store.scale(1 / b, w);
    if (reorth === 'selective' && keep && j + 1 === prefix) {
      // Lock the best-converged Ritz vectors of T_P, then keep only q_{P−1} and q_P of the basis.
      const lock = await lockRitzVectors(store, basis, alpha, beta.slice(0, j), b, ritz);
      locked = lock.vectors;
      lockedResiduals = lock.residuals;
      for (const v of basis) if (v !== q && v !== qPrev) store.free(v);
      basis = [];
      keep = false;
    }
    if (qPrev !== null && !keep) store.free(qPrev);
    qPrev = q;
    q = w;
    betaPrev = b;
  }

  const result: LanczosResult = {
    alpha: Float64Array.from(alpha),
    beta: Float64Array.from(beta),
    steps: alpha.length,
    breakdown,
    residual,
    reorth,
    precision: store.precision,
    peakVectors: store.peak,
  };
  if (lockedResiduals !== undefined) result.lockedResiduals = lockedResiduals;
  if (opts.keepBasis) result.basis = await Promise.all(basis.map((v) => store.toHost(v)));
  return result;
}
