/**
 * Where a several-seed run's learning rates come from (`--tune-lrs`), and that
 * a run's "best" is chosen only among the learning rates it searched: a
 * resumed checkpoint holding runs of a wider grid must not lend them.
 */
import { describe, it } from 'vitest';
import { TINY, cli, readResults, tmp } from './cli-helpers.js';

const TRAIN = [...TINY, '--only', 'train', '--train-steps', '3', '--grid-extensions', '0'];
const GRIDS = ['--sgd-lrs', '0.3,0.1,0.03', '--adam-lrs', '1e-2,1e-3,1e-4'];

describe('--tune-lrs', () => {
  it.concurrent('first: seed 1 runs only seed 0\'s best learning rates, and records where they came from', async ({ expect }) => {
    const out = tmp('tune-first');
    const r = await cli([...TRAIN, ...GRIDS, '--seeds', '0,1', '--tune-lrs', 'first', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { doc, valid, errors } = readResults(out);
    expect(valid, errors).toBe(true);
    const [s0, s1] = doc.models;
    expect(s0.training.runs).toHaveLength(6);
    expect(s0.training.lrsFrom).toBeUndefined();
    const chosen = { sgd: s0.training.best.sgd.lr, adam: s0.training.best.adam.lr };
    expect(s1.training.lrsFrom).toEqual({ seed: 0, lrs: chosen });
    expect(s1.training.runs.map((x: any) => [x.optimizer, x.lr])).toEqual([['sgd', chosen.sgd], ['adam', chosen.adam]]);
    expect(s1.settings.tuneLrs).toBe('first');
  });

  it.concurrent('each (the default): every seed searches its own grid', async ({ expect }) => {
    const out = tmp('tune-each');
    const r = await cli([...TRAIN, ...GRIDS, '--seeds', '0,1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { doc } = readResults(out);
    for (const m of doc.models) {
      expect(m.training.runs).toHaveLength(6);
      expect(m.training.lrsFrom).toBeUndefined();
    }
  });

  it.concurrent('a bad value exits 2 naming the valid ones', async ({ expect }) => {
    const r = await cli([...TRAIN, '--tune-lrs', 'second', '--out', tmp('tune-bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/each, first/);
  });

  it.concurrent('a resume with a narrower grid chooses its best among that grid only', async ({ expect }) => {
    const out = tmp('tune-narrow');
    expect((await cli([...TRAIN, ...GRIDS, '--out', out])).code).toBe(0);
    const wide = readResults(out).doc.models[0].training;
    // Resume with one SGD rate that is not the wide search's best, and Adam's grid unchanged.
    const other = [0.3, 0.1, 0.03].find((lr) => lr !== wide.best.sgd.lr)!;
    const r = await cli([...TRAIN, '--sgd-lrs', String(other), '--adam-lrs', '1e-2,1e-3,1e-4', '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    const narrow = readResults(out).doc.models[0].training;
    expect(narrow.best.sgd.lr).toBe(other);
    expect(narrow.runs.filter((x: any) => x.optimizer === 'sgd').map((x: any) => x.lr)).toEqual([other]);
    expect(narrow.gap).toBeCloseTo(narrow.best.sgd.finalLoss - narrow.best.adam.finalLoss, 12);
  });
});
