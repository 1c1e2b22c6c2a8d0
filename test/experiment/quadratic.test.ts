import { describe, expect, it } from 'vitest';
import type { CaseId } from '../../src/models/quadratic.js';
import { runQuadratic } from '../../src/experiment/quadratic.js';

describe('runQuadratic: GD vs Adam', () => {
  /** Orders of magnitude by which tuned Adam's final f − f* beats GD's (floored at 1e-15). */
  const lead = (c: CaseId, seed: number, method = 'adam'): number => {
    const r = runQuadratic(c, { steps: 300, seed });
    const final = (m: string) => Math.log10(Math.max(Math.abs(r.runs.find((x) => x.method === m)!.loss.at(-1)!), 1e-15));
    return final('gd') - final(method);
  };

  it.each([0, 1, 2])('Adam leads GD by far more on heterogeneous Case 3 than on homogeneous Case 4 (seed %i)', (seed) => {
    const [l3, l4] = [lead(3, seed), lead(4, seed)];
    expect(l3).toBeGreaterThan(l4 + 3);
    expect(l3).toBeGreaterThan(5);
  });

  it('and on Case 1 than on Case 2', () => {
    expect(lead(1, 0)).toBeGreaterThan(lead(2, 0) + 3);
  });

  it('the theory\'s frozen-preconditioner Adam (β1 = 0, β2 = 1) is no better than GD on the homogeneous cases', () => {
    expect(lead(2, 0, 'adam-frozen')).toBeLessThan(0.5);
    expect(lead(4, 0, 'adam-frozen')).toBeLessThan(0.5);
    expect(lead(3, 1, 'adam-frozen')).toBeGreaterThan(10);
  });

  it('returns a JSON-serializable result with curves from iteration 0 to the last', () => {
    const r = runQuadratic(4, { steps: 200, seed: 0, every: 10 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.kappa).toBeCloseTo(5000, 9);
    expect(r.blockKappas).toEqual([4998, 4999 / 2, 5000 / 3]);
    const gd = r.runs[0];
    expect(gd.method).toBe('gd');
    expect(gd.iterations[0]).toBe(0);
    expect(gd.iterations.at(-1)).toBe(200);
    expect(gd.iterations.length).toBe(21);
    expect(gd.trials.length).toBe(6);
    expect(gd.lr).toBeLessThan(2 / 5000);
  });
});
