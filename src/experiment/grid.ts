/**
 * Learning-rate grids without edge effects. When the best learning rate of a
 * grid sits at one of its ends, the optimum may lie beyond it, and "SGD beats
 * Adam" may only mean Adam's grid stopped too early. So the grid is extended
 * in that direction by its own ratio (the geometric step between neighbours),
 * one point at a time, until the best is inside or `maxExtensions` points were
 * added in that direction; every point added is recorded.
 */

/** One tried learning rate; `loss` null when the run diverged. */
export interface GridPoint { lr: number; loss: number | null }

export interface GridSearch {
  tried: GridPoint[];
  /** The learning rates added beyond the original grid, in the order they ran. */
  extended: { lr: number; direction: 'up' | 'down' }[];
  /** Best point (lowest loss), or null when every run diverged. */
  best: GridPoint | null;
  /** True when the best is still at an end of everything tried (the bound was reached). */
  atEdge: boolean;
}

/** The grid's own ratio: the geometric mean step between sorted neighbours (3 for a one-point grid). */
export function gridRatio(grid: readonly number[]): number {
  const s = [...grid].sort((a, b) => a - b);
  if (s.length < 2) return 3;
  return (s[s.length - 1] / s[0]) ** (1 / (s.length - 1));
}

function bestOf(tried: GridPoint[]): GridPoint | null {
  let best: GridPoint | null = null;
  for (const p of tried) if (p.loss !== null && (best === null || p.loss < best.loss!)) best = p;
  return best;
}

/** Where the best sits among the tried learning rates: 'up' at the top end, 'down' at the bottom, null inside. */
function edge(tried: GridPoint[], best: GridPoint): 'up' | 'down' | null {
  if (tried.length < 2) return null;
  const lrs = tried.map((p) => p.lr);
  if (best.lr === Math.max(...lrs)) return 'up';
  if (best.lr === Math.min(...lrs)) return 'down';
  return null;
}

/**
 * Runs every learning rate of `grid`, then extends it while the best sits at an
 * end (at most `maxExtensions` points per direction). `run` returns the final
 * loss, or null for a diverged run; it may answer from a checkpoint.
 */
export async function searchGrid(
  grid: readonly number[], run: (lr: number) => Promise<number | null>, maxExtensions: number,
): Promise<GridSearch> {
  if (grid.length === 0) throw new Error('searchGrid: empty learning-rate grid');
  const ratio = gridRatio(grid);
  const tried: GridPoint[] = [];
  for (const lr of grid) tried.push({ lr, loss: await run(lr) });
  const extended: GridSearch['extended'] = [];
  const added = { up: 0, down: 0 };
  for (;;) {
    const best = bestOf(tried);
    const dir = best ? edge(tried, best) : null;
    if (!best || !dir) return { tried, extended, best, atEdge: false };
    if (added[dir] >= maxExtensions) return { tried, extended, best, atEdge: true };
    const lrs = tried.map((p) => p.lr);
    const lr = dir === 'up' ? Math.max(...lrs) * ratio : Math.min(...lrs) / ratio;
    const rounded = Number(lr.toPrecision(6)); // 0.3·3.0000000000000004 reads as 0.9 in results.json
    added[dir]++;
    extended.push({ lr: rounded, direction: dir });
    tried.push({ lr: rounded, loss: await run(rounded) });
  }
}
