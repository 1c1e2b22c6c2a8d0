/**
 * Seeded pseudo-random numbers: the one generator heterograd uses everywhere
 * (spectra, initialization, data). Every draw a run makes derives from (seed,
 * purpose, index), so batches and windows can be recomputed for any step:
 * that is what makes a run resumable without saving generator state.
 *
 * xoshiro128** (Blackman & Vigna) on 32-bit integers: Math.imul keeps every step
 * in exact integer arithmetic, so a seed gives the same stream on every JS engine.
 * The 128-bit state is filled from the seed by splitmix32, which turns nearby
 * seeds (0, 1, 2, ...) into unrelated states.
 */

/** A seeded random stream. */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** +1 or -1 with probability 1/2 each. */
  sign(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** One splitmix32 step: a strong 32-bit mixer, used to seed and to derive sub-seeds. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Folds a seed (any safe integer, negative allowed) into 32 bits without losing its high half. */
function fold(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`rng: seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return mix32(lo ^ mix32(hi));
}

/**
 * Seed of sub-stream `index` of `seed` (e.g. the i-th SLQ probe): independent of
 * how many numbers other streams drew, which is what makes runs resumable.
 */
export function deriveSeed(seed: number, index: number): number {
  return mix32(fold(seed) ^ mix32(fold(index) + 0x632be5ab));
}

/** Creates an xoshiro128** stream from a seed (any safe integer). */
export function makeRng(seed: number): Rng {
  let x = fold(seed);
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = x = mix32(x);
  // xoshiro's only bad state is all zeros; mix32 makes it practically impossible, but be exact.
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;

  let spare = NaN; // Box–Muller makes normals in pairs; keep the second one.

  const uint32 = (): number => {
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  };
  const uniform = (): number => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / 9007199254740992;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const u1 = 1 - uniform(); // in (0, 1]: log stays finite
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  const sign = (): number => ((uint32() & 1) === 0 ? 1 : -1);
  const int = (n: number): number => Math.floor(uniform() * n);
  return { uint32, uniform, normal, sign, int };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Vector of `n` independent N(0, 1) draws. */
export function gaussianVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

/** Vector of `n` independent ±1 draws. */
export function rademacherVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.sign();
  return v;
}

/** A seed for sub-stream `parts` of `seed` (e.g. `subSeed(seed, purpose, epoch)`), independent of other streams. */
export function subSeed(seed: number, ...parts: number[]): number {
  let s = deriveSeed(seed, 0);
  for (const p of parts) s = deriveSeed(s, p);
  return s;
}

/** A seeded permutation of 0..n−1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const rng = makeRng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
