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
import { writeJsonAtomic } from '../report/files.js';
import { createProgress } from '../report/progress.js';
import { chooseBackend } from './backend.js';
import { ConfigError } from './config.js';
import { checkExtras } from './extras-check.js';
import { writeReport } from './outputs.js';
import { lockRunDir, removeWriteDebris } from './rundir.js';
import { runModel } from './run.js';
import { summaryRows, summaryTable } from './summary.js';
import { RESULTS_SCHEMA, versions } from './schema.js';
import { makeTask } from './task.js';
import type { ExperimentOptions, ModelName, ModelResult, NeuralModel } from './types.js';

/** Every (model, r) the options ask for: the hetero-mlp once per r of `--hetero`. */
function jobs(o: ExperimentOptions): { name: ModelName; hetero?: number }[] {
  return o.model.flatMap((name) => (name === 'hetero-mlp' && o.hetero ? o.hetero.map((r) => ({ name, hetero: r })) : [{ name }]));
}

/** Checks the options that concern more than one flag, and loads every model's data once: a bad file fails here, before any work. */
function validate(o: ExperimentOptions): void {
  if (o.data && o.model.includes('quadratic')) {
    throw new ConfigError(`--data does not apply to --model quadratic (its problems are synthetic); run quadratic without --data`);
  }
  if (o.hetero && !o.model.includes('hetero-mlp')) throw new ConfigError('--hetero sets r of the hetero-mlp; add hetero-mlp to --model');
  const needsSpectra = (o.overrides.optimizers ?? []).includes('sgd-blockwise');
  if (needsSpectra && o.overrides.only === 'train') {
    throw new ConfigError('--optimizers sgd-blockwise takes its learning rates from the block spectra, which --only train skips');
  }
  for (const name of new Set(o.model)) {
    if (name === 'quadratic') continue;
    try {
      makeTask(name as NeuralModel, o.preset, o.seeds[0], o.data ? { data: o.data } : {});
    } catch (e) {
      throw new ConfigError(`--model ${name}${o.data ? ` --data ${o.data}` : ''}: ${(e as Error).message}`);
    }
  }
}

export async function runExperiment(o: ExperimentOptions, command: string): Promise<number> {
  const t0 = performance.now();
  const progress = createProgress({ stream: process.stderr });
  const backend = await chooseBackend(o.backend, (line) => progress.log(line));
  validate(o);
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
    for (const job of jobs(o)) {
      for (const seed of o.seeds) {
        try {
          results.push(await runModel(job.name, seed, { ...o, backend }, progress, job.hetero));
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
    const doc = {
      schema: RESULTS_SCHEMA,
      createdAt: new Date().toISOString(),
      command,
      options: o,
      versions: versions(),
      backend,
      seconds: (performance.now() - t0) / 1000,
      models: results,
      failures,
      summary: summaryRows(results),
    };
    if (results.length === 0) {
      await writeJsonAtomic(path.join(o.out, 'failures.json'), doc);
      process.stderr.write(`nothing succeeded; wrote ${o.out}/failures.json and left any earlier results.json and report.html as they were\n`);
      return 1;
    }
    await writeJsonAtomic(path.join(o.out, 'results.json'), doc);
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
