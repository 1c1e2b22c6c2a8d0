/**
 * A small seeded generator for data pipelines and synthetic problems
 * (splitmix32 seeding + mulberry32 stream). Every draw a run makes derives from
 * (seed, purpose, index), so batches and windows can be recomputed for any step:
 * that is what makes a run resumable without saving generator state.
 */

/** A seeded random stream. */
export interface Rng {
  /** Uniform double in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seed for sub-stream `parts` of `seed` (e.g. `subSeed(seed, epoch)`), independent of other streams. */
export function subSeed(seed: number, ...parts: number[]): number {
  let s = mix32(seed >>> 0 ^ mix32(Math.floor(seed / 4294967296) >>> 0));
  for (const p of parts) s = mix32(s ^ mix32((p >>> 0) + 0x632be5ab));
  return s;
}

export function makeRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`rng: seed must be a safe integer, got ${seed}`);
  let a = subSeed(seed);
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  // 53 random bits from two draws.
  const uniform = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
  const int = (n: number): number => Math.floor(uniform() * n);
  return { uniform, normal, int };
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
