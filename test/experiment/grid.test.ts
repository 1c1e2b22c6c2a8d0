import { describe, expect, it } from 'vitest';
import { gridRatio, searchGrid } from '../../src/experiment/grid.js';

/** A loss with its minimum at lr = opt on a log scale (a parabola in log10 lr). */
const valley = (opt: number) => async (lr: number) => Math.log10(lr / opt) ** 2;

describe('learning-rate grid search without edge effects', () => {
  it("uses the grid's own ratio", () => {
    expect(gridRatio([3e-4, 1e-3, 3e-3])).toBeCloseTo(Math.sqrt(10), 12);
    expect(gridRatio([0.1])).toBe(3);
  });

  it('extends upward when the optimum lies past the top of the grid, and stops once it is inside', async () => {
    const s = await searchGrid([3e-4, 1e-3, 3e-3], valley(2e-2), 4);
    // 3e-3 → 9.5e-3 → 3e-2 (best, still the top) → 9.5e-2 (worse): the best is inside now.
    expect(s.extended.map((e) => e.direction)).toEqual(['up', 'up', 'up']);
    expect(s.extended[0].lr).toBeCloseTo(3e-3 * Math.sqrt(10), 6);
    expect(s.best!.lr).toBeCloseTo(3e-2, 6);
    expect(s.atEdge).toBe(false);
    expect(s.tried).toHaveLength(6);
  });

  it('extends downward too, and reports an optimum it could not reach within the bound', async () => {
    const s = await searchGrid([0.3, 0.1, 0.03], valley(1e-5), 2);
    expect(s.extended.map((e) => e.direction)).toEqual(['down', 'down']);
    expect(s.atEdge).toBe(true);
    expect(s.best!.lr).toBe(Math.min(...s.tried.map((p) => p.lr)));
  });

  it('adds nothing when the best is inside, and treats diverged runs as not best', async () => {
    const inside = await searchGrid([0.01, 0.1, 1], valley(0.1), 3);
    expect(inside.extended).toEqual([]);
    // The top learning rate diverges (null): the best is the middle one, no extension upward.
    const run = async (lr: number) => (lr >= 1 ? null : Math.log10(lr / 10) ** 2);
    const s = await searchGrid([0.01, 0.1, 1], run, 3);
    expect(s.best!.lr).toBe(0.1);
    expect(s.extended).toEqual([]);
  });

  it('never extends with a bound of 0 and is null when everything diverged', async () => {
    const s = await searchGrid([1e-3, 3e-3], valley(1), 0);
    expect(s.extended).toEqual([]);
    expect(s.atEdge).toBe(true);
    expect((await searchGrid([1, 2], async () => null, 3)).best).toBeNull();
  });
});
