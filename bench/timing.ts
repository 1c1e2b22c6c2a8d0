/** Timing helpers: medians of repeated runs after a warm-up. */

/** Times of `runs` calls, after at least `warmup` untimed calls lasting at least `warmMs` (JIT tier-up). */
export function timeIt(f: () => void, runs: number, warmup = 2, warmMs = 0): number[] {
  const start = performance.now();
  for (let i = 0; i < warmup || performance.now() - start < warmMs; i++) f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function timeItAsync(f: () => Promise<void>, runs: number, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times of several functions interleaved round by round (a, b, c, a, b, c, …) after
 * `warmup` rounds, so a slow stretch of a shared machine lands on all of them alike and
 * their ratios stay fair. Returns one list of `runs` times per function.
 */
export function timeInterleaved(fs: (() => void)[], runs: number, warmup = 2): number[][] {
  for (let i = 0; i < warmup; i++) for (const f of fs) f();
  const out = fs.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    fs.forEach((f, k) => {
      const t0 = performance.now();
      f();
      out[k].push(performance.now() - t0);
    });
  }
  return out;
}

/**
 * timeInterleaved for async functions (each awaited before the next starts).
 * With `prime`, each timed call follows an untimed call of the same function,
 * so it runs in its own steady state: the CPU backend's array pool keeps what
 * the last phase freed, and a mode whose shapes differ from its predecessor's
 * would otherwise pay for fresh allocations that a run of the same sweep
 * (what the spectra do) never sees.
 */
export async function timeInterleavedAsync(fs: (() => Promise<void>)[], runs: number, warmup = 2, prime = false): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const f of fs) await f();
  const out = fs.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < fs.length; k++) {
      if (prime) await fs[k]();
      const t0 = performance.now();
      await fs[k]();
      out[k].push(performance.now() - t0);
    }
  }
  return out;
}
