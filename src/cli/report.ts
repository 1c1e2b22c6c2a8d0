/**
 * `npm run report -- DIR [--axis log-abs|raw-relative|…] [--bootstrap-b N] [--formats svg,png,csv] [--add DIR2,DIR3]`
 *
 * Re-derives a finished run's numbers from its stored SLQ nodes and training
 * curves — the headline JS⁰ under another axis convention, its interval, the
 * summary — and rewrites DIR/results.json (marked `rederived`) and the
 * report. Nothing is recomputed; every convention's JS⁰ is in results.json
 * either way. `--add` pools other runs' models into DIR's document (recorded
 * in `merged`), so one summary and one JS⁰-against-gap figure can span runs
 * made separately (e.g. the five models and a hetero-mlp sweep). Bad
 * arguments exit with code 2.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FIGURE_FORMATS, parseFigureFormats, writeJsonAtomic } from '../report/index.js';
import { AXIS_KINDS, DEFAULT_ANALYSIS, axisOf } from '../experiment/derive.js';
import { derive, type ResultsDoc } from '../experiment/document.js';
import { writeReport } from '../experiment/outputs.js';
import { RESULTS_SCHEMA } from '../experiment/schema.js';
import { summaryTable } from '../experiment/summary.js';

const program = new Command()
  .name('npm run report --')
  .description('Re-derive a finished run (conventions, intervals, summary) and rewrite its report.')
  .argument('<dir>', 'the run directory holding results.json')
  .addOption(new Option('--axis <convention>', `headline axis convention: ${AXIS_KINDS.join(', ')}`).choices(AXIS_KINDS))
  .option('--bootstrap-b <n>', 'bootstrap replicates over probes', (v) => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 10 && n <= 100_000)) throw new InvalidArgumentError(`'${v}' is not an integer from 10 to 100000`);
    return n;
  })
  .option('--formats <list>', `figure files besides report.html: ${FIGURE_FORMATS.join(', ')}`, 'svg,png,csv')
  .option('--add <dirs>', 'comma-separated run directories whose models join this report (their results.json are read, not changed)')
  .exitOverride();

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' ? 0 : 2;
    throw e;
  }
  const dir = program.args[0];
  const o = program.opts<{ axis?: (typeof AXIS_KINDS)[number]; bootstrapB?: number; formats: string; add?: string }>();
  const file = path.join(dir, 'results.json');
  const read = async (f: string): Promise<ResultsDoc | null> => {
    let d: ResultsDoc;
    try {
      d = JSON.parse(await readFile(f, 'utf8')) as ResultsDoc;
    } catch (e) {
      process.stderr.write(`error: ${f}: ${(e as Error).message}\n`);
      return null;
    }
    if (d.schema !== RESULTS_SCHEMA) {
      process.stderr.write(`error: ${f} is ${JSON.stringify(d.schema)}, not ${RESULTS_SCHEMA}; rerun the experiment with this version\n`);
      return null;
    }
    return d;
  };
  const doc = await read(file);
  if (!doc) return 2;
  for (const other of (o.add ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const f = path.join(other, 'results.json');
    const d = await read(f);
    if (!d) return 2;
    const key = (m: ResultsDoc['models'][number]) => `${m.model}|${m.kind === 'neural' ? m.hetero ?? '' : ''}|${m.preset}|${m.seed}`;
    const have = new Set(doc.models.map(key));
    const dup = d.models.find((m) => have.has(key(m)));
    if (dup) {
      process.stderr.write(`error: --add ${other}: ${dup.model} (${dup.preset}, seed ${dup.seed}) is already in ${file}; a model is pooled once\n`);
      return 2;
    }
    doc.models.push(...d.models);
    doc.failures.push(...d.failures);
    doc.merged = [...(doc.merged ?? []), { dir: other, command: d.command, createdAt: d.createdAt }];
  }
  let formats;
  try {
    formats = parseFigureFormats(o.formats);
  } catch (e) {
    process.stderr.write(`error: --formats: ${(e as Error).message}\n`);
    return 2;
  }
  const analysis = {
    ...(doc.options.analysis ?? DEFAULT_ANALYSIS),
    ...(o.axis ? { axis: axisOf(o.axis) } : {}),
    ...(o.bootstrapB ? { bootstrapB: o.bootstrapB } : {}),
  };
  doc.options = { ...doc.options, analysis };
  Object.assign(doc, derive(doc.models, analysis));
  doc.rederived = { command: `npm run report -- ${process.argv.slice(2).join(' ')}`, at: new Date().toISOString() };
  await writeJsonAtomic(file, doc);
  const files = await writeReport(dir, doc, { formats });
  console.log(summaryTable(doc.summary));
  console.log(`\nre-derived ${file} and wrote ${files.length} figures and ${path.join(dir, 'report.html')}`);
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`report failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
