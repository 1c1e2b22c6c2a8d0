/**
 * Trained weights kept and loaded (--save-weights, --init-from), spectra
 * along training (--spectra-at) and the pretrained comparison (--pretrain):
 * the loss of saved-then-loaded weights is bit for bit the trained one's,
 * the CLI runs write schema-valid results, and bad weight files exit 2.
 */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cli as runCli, cliOk } from '../faults/cli-helpers.js';
import { resolveSettings } from '../../src/experiment/config.js';
import { resultsJsonSchema } from '../../src/experiment/schema.js';
import { measureSpectra } from '../../src/experiment/spectra.js';
import { makeTask } from '../../src/experiment/task.js';
import { trainOne } from '../../src/experiment/train.js';
import { spectraAt } from '../../src/experiment/trajectory.js';
import { loadWeightsFor, saveRunWeights, withWeights } from '../../src/experiment/weights.js';
import { loadSafetensors } from '../../src/io/index.js';
import '../../src/index.js'; // the default (CPU) backend

const cli = (args: string[]) => cliOk(args);
/** The CLI's exit code and stderr (a failure is what these cases expect). */
const cliFails = (args: string[]) => runCli(args, 240_000);

const validate = new Ajv({ strict: false }).compile(resultsJsonSchema);

describe('trained weights', () => {
  it('save then load reproduces the trained loss bit for bit, BatchNorm buffers included', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hg-w-'));
    const file = path.join(dir, 'cnn.safetensors');
    const task = makeTask('cnn', 'tiny', 3);
    const s = resolveSettings('cnn', 'tiny', {}).train;
    let trained: number | undefined;
    const r = await trainOne(task, s, 'sgd', 0.1, () => {}, undefined, {
      onTrained: async (params, buffers, res) => {
        expect(Object.keys(buffers).length).toBeGreaterThan(0);
        trained = await task.model.loss(params, task.heldOut(s.heldOut), 'eval', buffers).itemAsync();
        await saveRunWeights(file, params, buffers, { model: 'cnn', preset: 'tiny', seed: 3, optimizer: 'sgd', lr: 0.1, steps: s.steps, finalLoss: res.finalLoss });
      },
    });
    expect(trained).toBe(r.heldOutLoss); // the hook saw the parameters the run evaluated

    const fresh = makeTask('cnn', 'tiny', 3).model;
    const w = await loadWeightsFor(file, fresh);
    expect(w.buffers).toBeDefined();
    const loaded = withWeights(fresh, w.params, w.buffers);
    const hb = task.heldOut(s.heldOut);
    expect(await loaded.loss(loaded.params, hb, 'eval').itemAsync()).toBe(trained);
    // The buffers matter: with the initial running statistics the loss is another number.
    expect(await fresh.loss(w.params, hb, 'eval').itemAsync()).not.toBe(trained);

    const { metadata } = await loadSafetensors(file);
    expect(metadata).toMatchObject({ model: 'cnn', preset: 'tiny', seed: '3', optimizer: 'sgd', lr: '0.1', steps: String(s.steps), finalLoss: String(r.finalLoss) });
    expect(metadata.heterograd).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a file of another model is refused, naming what does not fit', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hg-w-'));
    const file = path.join(dir, 'mlp.safetensors');
    const mlp = makeTask('mlp', 'tiny', 0).model;
    await saveRunWeights(file, mlp.params, {}, { model: 'mlp', preset: 'tiny', seed: 0, optimizer: 'sgd', lr: 0.1, steps: 0, finalLoss: null });
    await expect(loadWeightsFor(file, makeTask('vit', 'tiny', 0).model)).rejects.toThrow(/does not fit model 'vit'.*missing/s);
  });

  it('spectra at the initial parameters are the spectra at initialization (same batch, settings and probes)', async () => {
    const task = makeTask('mlp', 'tiny', 1);
    const s = resolveSettings('mlp', 'tiny', {}).spectra;
    const init = await measureSpectra(task, s, 1, 'eval', undefined, () => {}, async () => {});
    const again = await spectraAt(task, s, 1, 'eval', task.model.params);
    expect(again.js0).toBe(init.js0);
    expect(again.slq).toEqual(init.slq);
  });
});

describe('npm run experiment with weights, trajectories and pretraining', () => {
  it('--spectra-at and --pretrain on tiny gpt write schema-valid results and their figures', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'hg-traj-'));
    await cli(['--model', 'gpt', '--preset', 'tiny', '--backend', 'cpu', '--out', out, '--spectra-at', '0,0.5,1', '--pretrain', '12', '--save-weights', '--formats', 'svg']);
    const doc = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const gpt = doc.models[0];
    expect(gpt.trajectory.map((t: { optimizer: string }) => t.optimizer)).toEqual(['sgd', 'adam']);
    for (const t of gpt.trajectory) {
      expect(t.lr).toBe(gpt.training.best[t.optimizer].lr);
      expect(t.finalLoss).toBe(gpt.training.best[t.optimizer].finalLoss); // the followed run is the grid's run
      expect(t.at.map((a: { step: number }) => a.step)).toEqual([0, 4, 8]);
      expect(t.at[0].js0).toBe(gpt.spectra.js0);
      expect(t.at[2].js0).not.toBe(t.at[0].js0);
    }
    const p = gpt.pretrained;
    expect(p.steps).toBe(12);
    expect(p.js0Init).toBe(gpt.spectra.js0);
    expect(p.js0Pretrained).toBeGreaterThan(0);
    expect(p.js0Pretrained).not.toBe(p.js0Init);
    expect(p.gapInit).toBe(gpt.training.gap);
    expect(p.fineTuningGap).toBe(p.training.gap);
    expect(gpt.data).toContain('State of the Union');
    const files = await readdir(out);
    expect(files.some((f) => f.includes('js-along-training'))).toBe(true);
    expect(files.some((f) => f.includes('initialization-and-pretrained'))).toBe(true);
    expect((await readdir(path.join(out, 'weights'))).sort()).toEqual([
      'gpt-pretrain-seed0-adamw-lr0.001.safetensors', 'gpt-pretrained-seed0-adam-lr0.001.safetensors', 'gpt-pretrained-seed0-sgd-lr0.1.safetensors',
      'gpt-seed0-adam-lr0.001.safetensors', 'gpt-seed0-sgd-lr0.1.safetensors',
    ]);
  }, 300_000);

  it('--init-from starts from saved weights, is part of the checkpoint fingerprint, and a bad file exits 2', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'hg-init-'));
    const base = ['--model', 'mlp', '--preset', 'tiny', '--backend', 'cpu'];
    await cli([...base, '--out', out, '--save-weights', '--sgd-lrs', '0.1,0.03', '--grid-extensions', '0']);
    const first = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    const [a, b] = ['lr0.1', 'lr0.03'].map((l) => path.join(out, 'weights', `mlp-seed0-sgd-${l}.safetensors`));

    const out2 = path.join(out, 'from-a');
    await cli([...base, '--out', out2, '--init-from', a]);
    const doc = JSON.parse(await readFile(path.join(out2, 'results.json'), 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.models[0].initFrom.file).toBe(a);
    expect(doc.models[0].spectra.js0).not.toBe(first.models[0].spectra.js0); // trained weights, another Hessian
    // Starting from the weights the SGD run ended at, its first loss is near its last one, far below the first run's start.
    expect(doc.models[0].training.runs[0].losses[0]).toBeLessThan(first.models[0].training.runs[0].losses[0]);

    const other = await cliFails([...base, '--out', out2, '--init-from', b, '--resume']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('initFrom');

    const wrong = await cliFails(['--model', 'vit', '--preset', 'tiny', '--backend', 'cpu', '--out', path.join(out, 'vit'), '--init-from', a]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--init-from: .* does not fit model 'vit'/);
    const missing = await cliFails([...base, '--out', path.join(out, 'x'), '--init-from', path.join(out, 'nope.safetensors')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('weights file not found');
  }, 400_000);
});
