/**
 * `npm run experiment -- --model vit [--preset tiny|small|paper] [--backend auto|webgpu|cpu] [--seeds 0,1,2]
 *   [--out DIR] [--resume] [--data PATH] [settings…]`
 *
 * Reproduces the paper's pipeline for each model: block spectra and JS⁰ at
 * initialization, SGD versus Adam, and for `quadratic` the four cases; writes
 * DIR/results.json, figures and DIR/report.html. Every setting that changes a
 * result can be given here or in `--config FILE` (JSON, the same names in
 * camelCase); flags win over the file. Bad arguments exit with code 2 and
 * name what is valid, before any work starts.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PRESETS, type Preset } from '../models/model.js';
import { ConfigError, FIGURE_FORMATS, MAX_SEED, checkFormats, checkOverrides, TUNE_LRS } from '../experiment/config.js';
import { AXIS_KINDS, DEFAULT_ANALYSIS, axisOf } from '../experiment/derive.js';
import { MODELS, type ExperimentOptions, type ModelName } from '../experiment/types.js';

const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;

function oneOf<T extends string>(what: string, valid: readonly T[]) {
  return (v: string): T => {
    if (!(valid as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown ${what} '${v}'; valid: ${valid.join(', ')}`);
    return v as T;
  };
}

const items = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** `all` is every model (the hetero-mlp at its preset's r unless --hetero sweeps it). */
function modelList(v: string): ModelName[] {
  const names = items(v);
  if (names.length === 0) throw new InvalidArgumentError(`no model given; valid: ${MODELS.join(', ')}, or all`);
  if (names.includes('all')) {
    if (names.length > 1) throw new InvalidArgumentError("'all' already names every model; give it alone");
    return [...MODELS];
  }
  return distinct(names.map(oneOf('model', MODELS)));
}

/** A number as typed: '' and '1e' are errors, not 0 or NaN. */
function num(v: string): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`'${v}' is not a number`);
  return n;
}

function integer(v: string): number {
  const n = num(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`'${v}' is not an integer`);
  return n;
}

function seedValue(v: string): number {
  const n = integer(v);
  if (n < 0 || n > MAX_SEED) throw new InvalidArgumentError(`seed ${v} is out of range; valid: 0 to ${MAX_SEED}`);
  return n;
}

const numbers = (v: string) => {
  const xs = items(v);
  if (xs.length === 0) throw new InvalidArgumentError('expected a comma-separated list of numbers');
  return xs.map(num);
};

/** A list that names each thing once: a repeat would run the same work twice into the same checkpoint. */
function distinct<T>(xs: T[]): T[] {
  const again = xs.find((x, i) => xs.indexOf(x) !== i);
  if (again !== undefined) throw new InvalidArgumentError(`'${String(again)}' appears twice`);
  return xs;
}

function seedList(v: string): number[] {
  const xs = items(v);
  if (xs.length === 0) throw new InvalidArgumentError('expected a comma-separated list of seeds, e.g. 0,1,2');
  return distinct(xs.map(seedValue));
}

function outDir(v: string): string {
  if (v.trim() === '') throw new InvalidArgumentError('an empty name is not a directory');
  return v;
}

/** `sgd=0.1,adam=1e-3` → { sgd: 0.1, adam: 0.001 } (names and values are checked in extras-check.ts). */
function lrChoice(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items(v)) {
    const [k, x, ...rest] = item.split('=').map((s) => s.trim());
    if (!k || x === undefined || rest.length) throw new InvalidArgumentError(`'${item}' is not optimizer=lr (e.g. sgd=0.1,adam=1e-3)`);
    if (k in out) throw new InvalidArgumentError(`${k} is given twice`);
    out[k] = num(x);
  }
  if (Object.keys(out).length === 0) throw new InvalidArgumentError('expected optimizer=lr pairs, e.g. sgd=0.1,adam=1e-3');
  return out;
}

const program = new Command()
  .name('npm run experiment --')
  .description('Block-heterogeneity of the Hessian and SGD vs Adam, per model (Zhang et al., NeurIPS 2024).')
  .requiredOption('--model <names>', `comma-separated models: ${MODELS.join(', ')}; or all`, modelList)
  .option('--preset <preset>', `model size: ${PRESETS.join(', ')}`, oneOf('preset', PRESETS), 'small' as Preset)
  .option('--backend <backend>', `compute backend: ${BACKENDS.join(', ')}`, oneOf('backend', BACKENDS), 'auto' as const)
  .option('--seed <n>', 'one seed for initialization, data order and probes (default 0)', seedValue)
  .option('--seeds <list>', 'several seeds, e.g. 0,1,2: each reruns everything; results carry intervals across seeds', seedList)
  .option('--out <dir>', 'output directory', outDir, 'runs/latest')
  .option('--resume', 'reuse finished pieces of an interrupted run in --out (refused if they were made with other settings, data or backend)', false)
  .option('--data <path>', 'your own data: an MNIST IDX directory (vision models) or a text file (gpt, bert)')
  .option('--config <file>', 'a JSON file of settings (probes, steps, sigma2, bn, trainSteps, sgdLrs, …); flags win over it')
  .option('--probes <n>', 'SLQ probes per block', integer)
  .option('--steps <m>', 'Lanczos steps per probe (blocks and the full Hessian)', integer)
  .option('--spectra-batch <n>', 'examples (text: windows) in the fixed batch the Hessian is measured on', integer)
  .option('--sigma2 <s>', 'Gaussian broadening σ² of the raw-axis densities', num)
  .addOption(new Option('--bn <mode>', 'BatchNorm for the Hessian: eval (running statistics, PyTorch eval()), batch (batch statistics as constants), train (differentiated)').choices(['eval', 'batch', 'train']))
  .option('--train-steps <n>', 'training steps per run', integer)
  .option('--train-batch <n>', 'training batch size', integer)
  .option('--sgd-lrs <list>', 'SGD learning-rate grid, e.g. 0.3,0.1,0.03', numbers)
  .option('--adam-lrs <list>', 'Adam learning-rate grid, e.g. 3e-3,1e-3,3e-4', numbers)
  .option('--optimizers <list>', 'optimizers to compare: sgd, adam, sgd-blockwise, adam-mini (default sgd,adam)', items)
  .addOption(new Option('--tune-lrs <which>', 'several seeds: search the learning-rate grids on each seed, or on the first only and run the others at its best rates (default each)').choices(TUNE_LRS))
  .option('--grid-extensions <n>', 'extend a grid whose best learning rate sits at an end, at most n points per direction (default 2; 0 = never)', integer)
  .addOption(new Option('--only <phase>', 'run only the spectra or only the training').choices(['spectra', 'train', 'all']))
  .option('--js-tol <t>', 'add SLQ probes until the half-width of JS⁰\'s 95% interval is below t', num)
  .option('--hetero <list>', 'hetero-mlp: the values of r to sweep, e.g. 1,10,100,1000', (v) => distinct(numbers(v)))
  .addOption(new Option('--axis <convention>', 'the axis convention JS⁰ is headlined under (all are in results.json): ' + AXIS_KINDS.join(', ')).choices(AXIS_KINDS))
  .option('--bootstrap-b <n>', 'bootstrap replicates for JS⁰\'s interval over probes (default 200)', integer)
  .option('--save-weights', 'save each training run\'s final weights (and BatchNorm buffers) as DIR/weights/<model>-seed<s>-<optimizer>-lr<lr>.safetensors')
  .option('--init-from <file>', 'start the model (spectra and training) from a safetensors file of its weights, e.g. one --save-weights wrote')
  .option('--spectra-at <list>', 'block spectra along training at these fractions of the steps, e.g. 0,0.25,0.5,1 (one SGD and one Adam run)', numbers)
  .option('--spectra-lr <list>', 'the learning rates of the runs --spectra-at follows, e.g. sgd=0.1,adam=1e-3 (default: the best of each grid)', lrChoice)
  .option('--pretrain <steps>', 'gpt: pretrain with AdamW on Moby Dick for this many steps, then compare spectra and SGD vs Adam fine-tuning on another text', integer)
  .option('--formats <list>', `figure files besides report.html: ${FIGURE_FORMATS.join(', ')}`, 'svg,png,csv')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

function checkBootstrapB(b: number): number {
  if (!(Number.isInteger(b) && b >= 10 && b <= 100_000)) throw new ConfigError(`--bootstrap-b: ${b} is not valid; expected an integer from 10 to 100000`);
  return b;
}

function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    if (e.code === 'commander.unknownOption') process.stderr.write(`valid flags: ${program.options.map((o) => o.long).join(', ')} (see --help)\n`);
    process.exit(2);
  }
  throw e;
}

const raw = program.opts<Record<string, unknown> & { model: ModelName[]; preset: Preset; backend: (typeof BACKENDS)[number]; out: string; resume: boolean }>();
let options: ExperimentOptions;
try {
  if (raw.seed !== undefined && raw.seeds !== undefined) throw new ConfigError('--seed and --seeds: give one of them');
  let fromFile: Record<string, unknown> = {};
  if (raw.config) {
    const file = String(raw.config);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`--config ${file}: cannot read it (${(e as Error).message})`);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`--config ${file}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
    }
    if (!fromFile || typeof fromFile !== 'object' || Array.isArray(fromFile)) throw new ConfigError(`--config ${file}: expected a JSON object of settings`);
  }
  const flags: Record<string, unknown> = {
    probes: raw.probes, steps: raw.steps, spectraBatch: raw.spectraBatch, sigma2: raw.sigma2, bn: raw.bn, trainSteps: raw.trainSteps,
    trainBatch: raw.trainBatch, sgdLrs: raw.sgdLrs, adamLrs: raw.adamLrs, optimizers: raw.optimizers, gridExtensions: raw.gridExtensions,
    only: raw.only, jsTol: raw.jsTol, tuneLrs: raw.tuneLrs,
  };
  const overrides = { ...checkOverrides(fromFile, `--config ${String(raw.config)}`), ...checkOverrides(flags, 'flags') };
  // Flags win over the file: --seed or --seeds, then the file's seeds, then seed 0.
  const seeds = raw.seeds as number[] | undefined ?? (raw.seed !== undefined ? [raw.seed as number] : undefined) ?? overrides.seeds ?? [0];
  delete overrides.seeds;
  const hetero = raw.hetero as number[] | undefined;
  if (hetero) for (const r of hetero) if (!(r >= 1)) throw new ConfigError(`--hetero: r = ${r} is not valid; expected values ≥ 1`);
  const formats = checkFormats(String(raw.formats));
  options = {
    model: raw.model, preset: raw.preset, backend: raw.backend, seeds, out: raw.out, resume: raw.resume,
    ...(raw.data !== undefined ? { data: String(raw.data) } : {}), ...(hetero ? { hetero } : {}), formats, overrides,
    analysis: {
      ...DEFAULT_ANALYSIS,
      ...(raw.axis !== undefined ? { axis: axisOf(raw.axis as (typeof AXIS_KINDS)[number]) } : {}),
      ...(raw.bootstrapB !== undefined ? { bootstrapB: checkBootstrapB(raw.bootstrapB as number) } : {}),
    },
    ...(raw.saveWeights ? { saveWeights: true } : {}),
    ...(raw.initFrom !== undefined ? { initFrom: String(raw.initFrom) } : {}),
    ...(raw.spectraAt !== undefined ? { spectraAt: raw.spectraAt as number[] } : {}),
    ...(raw.spectraLr !== undefined ? { spectraLr: raw.spectraLr as ExperimentOptions['spectraLr'] } : {}),
    ...(raw.pretrain !== undefined ? { pretrain: raw.pretrain as number } : {}),
  };
} catch (e) {
  usageError((e as Error).message);
}

// The pipeline (engine, models, report) loads only now: a mistyped flag is answered at once.
const { runExperiment } = await import('../experiment/main.js');
runExperiment(options, `npm run experiment -- ${process.argv.slice(2).join(' ')}`).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError) usageError(e.message);
    process.stderr.write(`experiment failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
