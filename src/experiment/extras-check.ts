/**
 * Checks of `--save-weights`, `--init-from`, `--spectra-at`, `--spectra-lr`
 * and `--pretrain` against each other and the other options, before any
 * work: a bad combination, a missing weights file or one that does not fit
 * the model is a ConfigError (exit 2) naming the problem.
 */
import { dispose } from '../tensor/index.js';
import { ConfigError, OPTIMIZERS } from './config.js';
import { makePretrainTasks } from './pretrain.js';
import { makeTask } from './task.js';
import type { ExperimentOptions, NeuralModel } from './types.js';
import { loadWeightsFor } from './weights.js';

export async function checkExtras(o: ExperimentOptions): Promise<void> {
  const neural = o.model.filter((m) => m !== 'quadratic') as NeuralModel[];
  const only = o.overrides.only ?? 'all';
  if (o.spectraAt) {
    if (o.spectraAt.length === 0) throw new ConfigError('--spectra-at: expected a list of fractions, e.g. 0,0.25,0.5,1');
    for (const f of o.spectraAt) if (!(f >= 0 && f <= 1)) throw new ConfigError(`--spectra-at: ${f} is not a fraction of the run's steps; expected values from 0 to 1`);
    if (new Set(o.spectraAt).size !== o.spectraAt.length) throw new ConfigError(`--spectra-at: ${o.spectraAt.join(',')} repeats a fraction`);
    if (neural.length === 0) throw new ConfigError('--spectra-at measures spectra of a neural model along training; --model quadratic has none');
    if (only === 'spectra' && !o.spectraLr) {
      throw new ConfigError('--spectra-at follows the best learning rate of each grid, which --only spectra skips; give --spectra-lr sgd=…,adam=…');
    }
  }
  if (o.spectraLr) {
    if (!o.spectraAt) throw new ConfigError('--spectra-lr chooses the runs --spectra-at follows; add --spectra-at');
    for (const [k, v] of Object.entries(o.spectraLr)) {
      if (!(OPTIMIZERS as readonly string[]).includes(k)) throw new ConfigError(`--spectra-lr: unknown optimizer '${k}'; valid: ${OPTIMIZERS.join(', ')}`);
      if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ConfigError(`--spectra-lr: ${k}=${v} is not a learning rate; expected a number > 0`);
    }
    if (Object.keys(o.spectraLr).includes('sgd-blockwise')) throw new ConfigError('--spectra-lr: sgd-blockwise cannot be followed (its rates come from the init spectra); use sgd, adam or adam-mini');
  }
  if (o.pretrain !== undefined) {
    if (!(Number.isInteger(o.pretrain) && o.pretrain >= 1)) throw new ConfigError(`--pretrain: ${o.pretrain} is not a step count; expected an integer ≥ 1`);
    if (o.model.some((m) => m !== 'gpt')) throw new ConfigError(`--pretrain applies to --model gpt only (got ${o.model.join(',')})`);
    if (o.initFrom) throw new ConfigError('--pretrain and --init-from: give one of them (both set the starting weights)');
    if ((o.overrides.optimizers ?? []).includes('sgd-blockwise')) throw new ConfigError('--pretrain: sgd-blockwise is not run on the pretrained model; drop it from --optimizers');
    try {
      makePretrainTasks(o.preset, o.seeds[0], o.data);
    } catch (e) {
      throw new ConfigError(`--pretrain: ${(e as Error).message}`);
    }
  }
  if (o.initFrom) {
    if (neural.length !== o.model.length) throw new ConfigError('--init-from does not apply to --model quadratic (its problems have no weights)');
    for (const name of new Set(neural)) {
      const task = makeTask(name, o.preset, o.seeds[0], o.data ? { data: o.data } : {});
      try {
        const w = await loadWeightsFor(o.initFrom, task.model);
        dispose([...Object.values(w.params), ...Object.values(w.buffers ?? {})]);
      } catch (e) {
        throw new ConfigError(`--init-from: ${(e as Error).message}`);
      }
    }
  }
}
