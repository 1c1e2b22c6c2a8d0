/**
 * `npm run experiment -- --model vit [--preset tiny|small|paper] [--backend auto|webgpu|cpu]
 *   [--seed N] [--out DIR] [--resume] [--data PATH]`
 *
 * Reproduces the paper's pipeline for each model: block spectra and JS⁰ at
 * initialization, SGD versus Adam, and for `quadratic` the four cases; writes
 * DIR/results.json, SVG figures and DIR/report.html. Bad arguments exit with
 * code 2 and list the valid choices.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PRESETS, type Preset } from '../models/model.js';
import { MODELS, type ModelName } from '../experiment/types.js';
import { runExperiment } from '../experiment/main.js';
import type { ExperimentOptions } from '../experiment/types.js';

const BACKENDS = ['auto', 'webgpu', 'cpu'] as const;

function oneOf<T extends string>(what: string, valid: readonly T[]) {
  return (v: string): T => {
    if (!(valid as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown ${what} '${v}'; valid: ${valid.join(', ')}`);
    return v as T;
  };
}

function modelList(v: string): ModelName[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`no model given; valid: ${MODELS.join(', ')}`);
  return names.map(oneOf('model', MODELS));
}

function integer(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`'${v}' is not an integer`);
  return n;
}

const program = new Command()
  .name('npm run experiment --')
  .description('Block-heterogeneity of the Hessian and SGD vs Adam, per model (Zhang et al., NeurIPS 2024).')
  .requiredOption('--model <names>', `comma-separated models: ${MODELS.join(', ')}`, modelList)
  .option('--preset <preset>', `model size: ${PRESETS.join(', ')}`, oneOf('preset', PRESETS), 'small' as Preset)
  .option('--backend <backend>', `compute backend: ${BACKENDS.join(', ')}`, oneOf('backend', BACKENDS), 'auto' as const)
  .option('--seed <n>', 'seed for initialization, data order and probes', integer, 0)
  .option('--out <dir>', 'output directory', 'runs/latest')
  .option('--resume', 'reuse finished pieces of an interrupted run in --out', false)
  .option('--data <path>', 'your own data: an MNIST IDX directory (vision models) or a text file (gpt)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    process.stderr.write(`valid flags: --model, --preset, --backend, --seed, --out, --resume, --data (see --help)\n`);
    process.exit(2);
  }
  throw e;
}

const opts = program.opts<ExperimentOptions>();
runExperiment(opts).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`experiment failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
