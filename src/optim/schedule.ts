/** Learning-rate schedules: functions of the 0-based step number. */

export type Schedule = (step: number) => number;

/** The same rate at every step. */
export function constant(lr: number): Schedule {
  return () => lr;
}

/**
 * Step decay: lr·γ^k after k milestones have passed (PyTorch's MultiStepLR),
 * e.g. the vision setting `stepDecay(0.1, { milestones: [30, 60, 90] })`;
 * `every: n` means milestones n, 2n, 3n, ….
 */
export function stepDecay(lr: number, opts: { gamma?: number; milestones?: number[]; every?: number }): Schedule {
  const gamma = opts.gamma ?? 0.1;
  const { milestones, every } = opts;
  if ((milestones === undefined) === (every === undefined)) throw new Error('stepDecay: give exactly one of milestones or every');
  if (every !== undefined && !(every >= 1)) throw new Error(`stepDecay: every ${every} must be ≥ 1`);
  return (step) => {
    const k = every !== undefined ? Math.floor(step / every) : milestones!.filter((m) => step >= m).length;
    return lr * gamma ** k;
  };
}

/**
 * Linear warmup then cosine decay (the nanoGPT schedule): lr·(step+1)/warmup for
 * step < warmup, then minLr + ½(lr − minLr)(1 + cos(π·r)) with
 * r = (step − warmup)/(total − warmup), and minLr from step `total` on.
 */
export function warmupCosine(lr: number, opts: { warmup: number; total: number; minLr?: number }): Schedule {
  const { warmup, total } = opts;
  const minLr = opts.minLr ?? 0;
  if (!(warmup >= 0 && total > warmup)) throw new Error(`warmupCosine: need 0 ≤ warmup (${warmup}) < total (${total})`);
  return (step) => {
    if (step < warmup) return (lr * (step + 1)) / warmup;
    const r = Math.min(1, (step - warmup) / (total - warmup));
    return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * r));
  };
}
