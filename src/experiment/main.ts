/**
 * Runs the experiment for the requested models and seeds, then writes
 * results.json, the figures and report.html, and prints a summary table.
 *
 * The run directory is locked for the run's duration; data is loaded and
 * checked for every model before any work starts; a model that fails is
 * reported and the others go on; and a run in which nothing succeeded never
 * replaces the results of an earlier, good run (its failures go to
 * failures.json instead).
 */
import path from 'node:path';
import type { Batch } from '../models/model.js';
import { disposeTree } from '../optim/index.js';
import { writeJsonAtomic } from '../report/files.js';
import { createProgress } from '../report/progress.js';
import { chooseBackend } from './backend.js';
import { ConfigError, resolveSettings } from './config.js';
import { checkExtras } from './extras-check.js';
import { lockRunDir, removeWriteDebris } from './rundir.js';
import { runModel } from './run.js';
import { bestLrs } from './train.js';
import { derive, type ResultsDoc } from './document.js';
import { summaryTable } from './summary.js';
import { RESULTS_SCHEMA, versions } from './schema.js';
import { makeTask } from './task.js';
import type { ExperimentOptions, LrsFrom, ModelName, ModelResult, NeuralModel, Task } from './types.js';

/** Every (model, r) the options ask for: the hetero-mlp once per r of `--hetero`. */
function jobs(o: ExperimentOptions): { name: ModelName; hetero?: number }[] {
  return o.model.flatMap((name) => (name === 'hetero-mlp' && o.hetero ? o.hetero.map((r) => ({ name, hetero: r })) : [{ name }]));
}

/** Checks the options that concern more than one flag: no data or model is needed, so this runs first of all. */
function checkFlags(o: ExperimentOptions): void {
  if (o.data && o.model.includes('quadratic')) {
    throw new ConfigError(`--data does not apply to --model quadratic (its problems are synthetic); run quadratic without --data`);
  }
  if (o.hetero && !o.model.includes('hetero-mlp')) throw new ConfigError('--hetero sets r of the hetero-mlp; add hetero-mlp to --model');
  const needsSpectra = (o.overrides.optimizers ?? []).includes('sgd-blockwise');
  if (needsSpectra && o.overrides.only === 'train') {
    throw new ConfigError('--optimizers sgd-blockwise takes its learning rates from the block spectra, which --only train skips');
  }
}

/**
 * Loads every model's data once and draws one batch of each size the run will
 * ask for (the Hessian batch, a training batch, the held-out batch): a bad
 * file, or one too small for these batches, fails here, before any work.
 */
function checkData(o: ExperimentOptions): void {
  for (const name of new Set(o.model)) {
    if (name === 'quadratic') continue;
    const where = `--model ${name}${o.data ? ` --data ${o.data}` : ''}`;
    const s = resolveSettings(name, o.preset, o.overrides);
    let task: Task;
    try {
      task = makeTask(name as NeuralModel, o.preset, o.seeds[0], o.data ? { data: o.data } : {});
    } catch (e) {
      throw new ConfigError(`${where}: ${(e as Error).message}`);
    }
    const draws: { what: string; draw: () => Batch }[] = [];
    if (s.only !== 'train') draws.push({ what: `the Hessian batch of ${s.spectra.batch} (--spectra-batch)`, draw: () => task.batch(s.spectra.batch, 0) });
    if (s.only !== 'spectra') {
      draws.push({ what: `a training batch of ${s.train.batch} (--train-batch)`, draw: () => task.batch(s.train.batch, 0) });
      draws.push({ what: `the held-out batch of ${s.train.heldOut}`, draw: () => task.heldOut(s.train.heldOut) });
    }
    for (const { what, draw } of draws) {
      try {
        disposeTree(draw());
      } catch (e) {
        throw new ConfigError(`${where}: the data cannot supply ${what}: ${(e as Error).message}`);
      }
    }
  }
}

export async function runExperiment(o: ExperimentOptions, command: string): Promise<number> {
  const t0 = performance.now();
  const progress = createProgress({ stream: process.stderr });
  checkFlags(o);
  const backend = await chooseBackend(o.backend, (line) => progress.log(line));
  checkData(o);
  await checkExtras(o); // --init-from, --spectra-at, --pretrain (extras-check.ts)
  const release = await lockRunDir(o.out, command, (l) => progress.log(l));
  const onSignal = (sig: NodeJS.Signals) => {
    progress.stop();
    process.stderr.write(`\n${sig}: stopped. Finished SLQ probes and training runs are checkpointed in ${path.join(o.out, 'checkpoints')}; ` +
      `run the same command with --resume to go on.\n`);
    void release().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const f of await removeWriteDebris(o.out)) progress.log(`removed ${f}, left by an interrupted write`);
    const results: ModelResult[] = [];
    const failures: { model: string; seed: number; error: string }[] = [];
    const tuneFirst = o.overrides.tuneLrs === 'first';
    for (const job of jobs(o)) {
      // --tune-lrs first: the first seed that trains searches the grids; the later seeds take its best learning rates.
      let lrsFrom: LrsFrom | undefined;
      for (const seed of o.seeds) {
        try {
          const r = await runModel(job.name, seed, { ...o, backend, ...(lrsFrom ? { lrsFrom } : {}) }, progress, job.hetero);
          results.push(r);
          if (tuneFirst && !lrsFrom && r.kind === 'neural' && r.training) lrsFrom = { seed, lrs: bestLrs(r.training) };
        } catch (e) {
          if (e instanceof ConfigError) throw e; // a refused checkpoint concerns the whole run
          const msg = e instanceof Error ? e.message : String(e);
          const who = `${job.name}${job.hetero !== undefined ? ` r=${job.hetero}` : ''}`;
          failures.push({ model: who, seed, error: msg });
          progress.log(`${who} seed ${seed}: FAILED — ${msg}`);
        }
      }
    }
    progress.stop();
    const doc: ResultsDoc = {
      schema: RESULTS_SCHEMA,
      createdAt: new Date().toISOString(),
      command,
      options: o,
      versions: versions(),
      backend,
      seconds: (performance.now() - t0) / 1000,
      models: results,
      failures,
      ...derive(results, o.analysis),
    };
    if (results.length === 0) {
      await writeJsonAtomic(path.join(o.out, 'failures.json'), doc);
      process.stderr.write(`nothing succeeded; wrote ${o.out}/failures.json and left any earlier results.json and report.html as they were\n`);
      return 1;
    }
    await writeJsonAtomic(path.join(o.out, 'results.json'), doc);
    // The figures' renderer (vega) takes a second to load: only a run that has something to draw pays for it.
    const { writeReport } = await import('./outputs.js');
    const files = await writeReport(o.out, doc, { formats: o.formats });
    console.log(summaryTable(doc.summary));
    console.log(`\nwrote ${o.out}/results.json, ${files.length} figures and ${o.out}/report.html (${doc.seconds.toFixed(0)} s)`);
    return failures.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await release();
  }
}
