/**
 * `npm run report -- DIR [--axis log-abs|raw-relative|…] [--bootstrap-b N] [--formats svg,png,csv]`
 *
 * Re-derives a finished run's numbers from its stored SLQ nodes and training
 * curves — the headline JS⁰ under another axis convention, its interval, the
 * summary — and rewrites DIR/results.json (marked `rederived`) and the
 * report. Nothing is recomputed; every convention's JS⁰ is in results.json
 * either way. Bad arguments exit with code 2.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FIGURE_FORMATS, parseFigureFormats, writeJsonAtomic } from '../report/index.js';
import { AXIS_KINDS, DEFAULT_ANALYSIS, axisOf } from '../experiment/derive.js';
import { derive, type ResultsDoc } from '../experiment/document.js';
import { writeReport } from '../experiment/outputs.js';
import { RESULTS_SCHEMA } from '../experiment/schema.js';
import { gapCorrelation, summaryTable } from '../experiment/summary.js';

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
  .exitOverride();

async function main(): Promise<number> {
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' ? 0 : 2;
    throw e;
  }
  const dir = program.args[0];
  const o = program.opts<{ axis?: (typeof AXIS_KINDS)[number]; bootstrapB?: number; formats: string }>();
  const file = path.join(dir, 'results.json');
  let doc: ResultsDoc;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as ResultsDoc;
  } catch (e) {
    process.stderr.write(`error: ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  if (doc.schema !== RESULTS_SCHEMA) {
    process.stderr.write(`error: ${file} is ${JSON.stringify(doc.schema)}, not ${RESULTS_SCHEMA}; rerun the experiment with this version\n`);
    return 2;
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
  doc.summary = derive(doc.models, analysis);
  doc.correlation = gapCorrelation(doc.summary);
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
