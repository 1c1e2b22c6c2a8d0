/**
 * Runs the experiment for the requested models, then writes results.json,
 * the figures and report.html, and prints a summary table. A model that
 * fails is reported and the others go on; what finished is always written.
 */
import { mkdir } from 'node:fs/promises';
import { writeJsonAtomic } from '../report/files.js';
import { createProgress } from '../report/progress.js';
import { chooseBackend } from './backend.js';
import { writeReport } from './outputs.js';
import { runModel } from './run.js';
import { summaryRows, summaryTable } from './summary.js';
import { RESULTS_SCHEMA, versions } from './schema.js';
import type { ExperimentOptions, ModelResult } from './types.js';

export async function runExperiment(o: ExperimentOptions): Promise<number> {
  const t0 = performance.now();
  const progress = createProgress({ stream: process.stderr });
  const backend = await chooseBackend(o.backend, (line) => progress.log(line));
  await mkdir(o.out, { recursive: true });
  const results: ModelResult[] = [];
  const failures: { model: string; error: string }[] = [];
  for (const name of o.model) {
    try {
      results.push(await runModel(name, o, progress));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      failures.push({ model: name, error: msg });
      progress.log(`${name}: FAILED — ${msg}`);
    }
  }
  progress.stop();
  const doc = {
    schema: RESULTS_SCHEMA,
    createdAt: new Date().toISOString(),
    command: `npm run experiment -- ${process.argv.slice(2).join(' ')}`,
    options: o,
    versions: versions(),
    backend,
    seconds: (performance.now() - t0) / 1000,
    models: results,
    failures,
    summary: summaryRows(results),
  };
  await writeJsonAtomic(`${o.out}/results.json`, doc);
  const files = await writeReport(o.out, doc);
  console.log(summaryTable(doc.summary));
  console.log(`\nwrote ${o.out}/results.json, ${files.length} figures and ${o.out}/report.html (${doc.seconds.toFixed(0)} s)`);
  return failures.length ? 1 : 0;
}
