/**
 * Where Lanczos keeps its vectors.
 *
 * The Lanczos drivers never touch vector entries: they ask a store for dot products,
 * norms, axpys and Gram–Schmidt passes on opaque handles, and move vectors to and
 * from the host only around the matvec. So a store can keep its vectors anywhere:
 * the two here keep them on the host in float64 or float32; a GPU store would keep
 * them in device buffers, enqueue the mutations and read back only the scalars
 * (the scalar-returning methods may return promises for that reason). Scalars (α, β,
 * dot products) are float64 in every store.
 *
 * A store counts the vectors it holds (`live`) and the most it ever held (`peak`),
 * so memory bounds can be tested rather than asserted.
 */
import { axpy, dot, norm, projectOut, scale } from './vec.js';

/** Element type of stored vectors. */
export type Precision = 'float64' | 'float32';

/**
 * A store of equal-length vectors addressed by handles of type H. Handles are only
 * valid in the store that made them, until `free`.
 */
export interface VectorStore<H = unknown> {
  readonly precision: Precision;
  /** Length of every vector. */
  readonly dim: number;
  /** Vectors currently held. */
  readonly live: number;
  /** Largest `live` so far. */
  readonly peak: number;
  /** A new stored copy of host vector `v` (length dim), rounded to the store's precision. */
  fromHost(v: Float64Array): H;
  /** A fresh float64 host copy of `h` (the caller may keep or mutate it). */
  toHost(h: H): Float64Array | Promise<Float64Array>;
  /** Releases `h`; it must not be used again. */
  free(h: H): void;
  /** ⟨a, b⟩, accumulated in float64. */
  dot(a: H, b: H): number | Promise<number>;
  /** ‖a‖₂. */
  norm(a: H): number | Promise<number>;
  /** y ← y + c·x */
  axpy(c: number, x: H, y: H): void | Promise<void>;
  /** x ← c·x */
  scale(c: number, x: H): void | Promise<void>;
  /** v ← v − Σ_b ⟨b, v⟩ b over the orthonormal `basis`: one Gram–Schmidt pass (a GPU store may do it as two GEMVs). */
  projectOut(basis: readonly H[], v: H): void | Promise<void>;
  /** A new vector Σ_i coeffs[i]·vs[i] (Ritz vectors from a basis). */
  combine(coeffs: ArrayLike<number>, vs: readonly H[]): H | Promise<H>;
}

/** Makes a fresh store for vectors of length `dim` (one per Lanczos run, so `peak` is per run). */
export type StoreFactory = (dim: number) => VectorStore;

/** Counting of live and peak vectors, shared by the host stores. */
abstract class CountingStore<H> {
  live = 0;
  peak = 0;
  constructor(readonly dim: number) {}

  protected track(h: H): H {
    this.live++;
    this.peak = Math.max(this.peak, this.live);
    return h;
  }

  free(_h: H): void {
    if (this.live === 0) throw new Error('VectorStore.free: no vector is live (freed twice?)');
    this.live--;
  }

  protected checkLength(v: ArrayLike<number>, what: string): void {
    if (v.length !== this.dim) throw new Error(`VectorStore.${what}: vector has length ${v.length} but the store's dim is ${this.dim}`);
  }
}

/**
 * Host float64 vectors. Every operation is the corresponding vec.ts loop, so
 * Lanczos through this store does exactly the arithmetic of plain Float64Arrays.
 */
export class Float64Store extends CountingStore<Float64Array> implements VectorStore<Float64Array> {
  readonly precision = 'float64';
  fromHost(v: Float64Array): Float64Array {
    this.checkLength(v, 'fromHost');
    return this.track(Float64Array.from(v));
  }
  toHost(h: Float64Array): Float64Array {
    return Float64Array.from(h);
  }
  dot(a: Float64Array, b: Float64Array): number {
    return dot(a, b);
  }
  norm(a: Float64Array): number {
    return norm(a);
  }
  axpy(c: number, x: Float64Array, y: Float64Array): void {
    axpy(c, x, y);
  }
  scale(c: number, x: Float64Array): void {
    scale(c, x);
  }
  projectOut(basis: readonly Float64Array[], v: Float64Array): void {
    projectOut(basis as Float64Array[], v);
  }
  combine(coeffs: ArrayLike<number>, vs: readonly Float64Array[]): Float64Array {
    const y = new Float64Array(this.dim);
    for (let i = 0; i < vs.length; i++) axpy(coeffs[i], vs[i], y);
    return this.track(y);
  }
}

/**
 * Host float32 vectors (half the memory): entries are rounded to float32 when
 * stored, and each operation computes in float64 before rounding its result.
 */
export class Float32Store extends CountingStore<Float32Array> implements VectorStore<Float32Array> {
  readonly precision = 'float32';
  fromHost(v: Float64Array): Float32Array {
    this.checkLength(v, 'fromHost');
    return this.track(Float32Array.from(v));
  }
  toHost(h: Float32Array): Float64Array {
    return Float64Array.from(h);
  }
  dot(a: Float32Array, b: Float32Array): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
  norm(a: Float32Array): number {
    // float32 entries squared cannot overflow a float64 sum, so no rescaling is needed.
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * a[i];
    return Math.sqrt(s);
  }
  axpy(c: number, x: Float32Array, y: Float32Array): void {
    for (let i = 0; i < y.length; i++) y[i] += c * x[i];
  }
  scale(c: number, x: Float32Array): void {
    for (let i = 0; i < x.length; i++) x[i] *= c;
  }
  projectOut(basis: readonly Float32Array[], v: Float32Array): void {
    for (const b of basis) this.axpy(-this.dot(b, v), b, v);
  }
  combine(coeffs: ArrayLike<number>, vs: readonly Float32Array[]): Float32Array {
    // Accumulate in float64 and round once, so a long combination loses no more than one rounding.
    const y = new Float64Array(this.dim);
    for (let i = 0; i < vs.length; i++) {
      const c = coeffs[i];
      const x = vs[i];
      for (let k = 0; k < y.length; k++) y[k] += c * x[k];
    }
    return this.track(Float32Array.from(y));
  }
}

/** The host store of the given precision. */
export function hostStore(precision: Precision): StoreFactory {
  if (precision === 'float64') return (dim) => new Float64Store(dim);
  if (precision === 'float32') return (dim) => new Float32Store(dim);
  throw new Error(`hostStore: precision must be 'float64' or 'float32', got '${precision as string}'`);
}
