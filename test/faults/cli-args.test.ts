/**
 * Bad flags and settings stop the CLI with exit code 2 and a message naming
 * the problem, before any work: the `--out` directory is never created (no
 * lock, no checkpoint, no data loaded for the flag-only checks).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { TINY, cli, readResults, tmp } from './cli-helpers.js';

const dir = tmp('args');
const config = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const unknownKey = config('unknown-key.json', JSON.stringify({ probez: 3 }));
const notJson = config('not-json.json', 'probes = 3\n');
const array = config('array.json', '[1, 2]');
const badValue = config('bad-value.json', JSON.stringify({ probes: -3 }));
const aFile = config('a-file', 'not a directory');

/** [what a user typed, flags replacing TINY's, what the message must say]. */
const CASES: [string, string[], RegExp][] = [
  ["--seed ''", ['--seed', ''], /--seed.*'' is not a number/],
  ['--seed 2^53 − 1', ['--seed', '9007199254740991'], /seed 9007199254740991 is out of range; valid: 0 to 2147483647/],
  ['--seed -1', ['--seed', '-1'], /seed -1 is out of range/],
  ['--seed 1.5', ['--seed', '1.5'], /'1.5' is not an integer/],
  ['--seeds 0,0', ['--seeds', '0,0'], /--seeds.*'0' appears twice/],
  ["--seeds ''", ['--seeds', ''], /--seeds.*expected a comma-separated list of seeds/],
  ['--seed with --seeds', ['--seed', '1', '--seeds', '1,2'], /--seed and --seeds: give one of them/],
  ['--probes 0', ['--probes', '0'], /probes: 0 is not valid; expected an integer from 1 to 10000/],
  ['--train-steps 2.5', ['--train-steps', '2.5'], /'2.5' is not an integer/],
  ['--sigma2 0', ['--sigma2', '0'], /sigma2: 0 is not valid; expected a finite number > 0/],
  ['--sgd-lrs 0.1,abc', ['--sgd-lrs', '0.1,abc'], /--sgd-lrs.*'abc' is not a number/],
  ['--adam-lrs 1e-3,1e-3', ['--adam-lrs', '1e-3,1e-3'], /adamLrs: \[0.001,0.001\] is not valid; expected no repeated values/],
  ['--bn foo', ['--bn', 'foo'], /--bn.*'foo' is invalid.*eval, batch, train/],
  ['--only foo', ['--only', 'foo'], /--only.*spectra, train, all/],
  ['--optimizers sgd,lbfgs', ['--optimizers', 'sgd,lbfgs'], /optimizers\[1\]: "lbfgs" is not valid; valid: sgd, adam, sgd-blockwise, adam-mini/],
  ['--optimizers sgd-blockwise --only train', ['--optimizers', 'sgd-blockwise', '--only', 'train'], /sgd-blockwise takes its learning rates from the block spectra, which --only train skips/],
  ['--formats svg,jpg', ['--formats', 'svg,jpg'], /--formats: unknown figure format 'jpg'; valid: svg, png, csv/],
  ["--formats ''", ['--formats', ''], /--formats: no figure format given; valid: svg, png, csv/],
  ['--config with an unknown key', ['--config', unknownKey], /unknown-key\.json: unknown setting 'probez'; valid: probes, steps/],
  ['--config that is not JSON', ['--config', notJson], /not-json\.json: not valid JSON \(Unexpected token/],
  ['--config that is a JSON array', ['--config', array], /array\.json: expected a JSON object of settings/],
  ['--config with a bad value', ['--config', badValue], /bad-value\.json: probes: -3 is not valid/],
  ['--config that does not exist', ['--config', path.join(dir, 'missing.json')], /missing\.json: cannot read it \(ENOENT/],
  ["--out ''", ['--out', ''], /--out.*an empty name is not a directory/],
  ['--out that is a file', ['--out', aFile], /--out .*a-file: cannot be used as the run directory/],
  ['--data with --model quadratic', ['--model', 'quadratic', '--data', dir], /--data does not apply to --model quadratic/],
  ['--hetero without hetero-mlp', ['--hetero', '1,10'], /--hetero sets r of the hetero-mlp; add hetero-mlp to --model/],
  ['--hetero 0', ['--model', 'hetero-mlp', '--hetero', '0,10'], /--hetero: r = 0 is not valid; expected values ≥ 1/],
  ['--hetero 10,10', ['--model', 'hetero-mlp', '--hetero', '10,10'], /--hetero.*'10' appears twice/],
  ['--model mlp,mlp', ['--model', 'mlp,mlp'], /--model.*'mlp' appears twice/],
  ["--model ''", ['--model', ''], /no model given; valid: mlp, cnn/],
];

describe('CLI: bad flags exit 2 before any work', () => {
  it.concurrent.for(CASES)('%s', async ([, flags, message], { expect }) => {
    const out = path.join(tmp('args-out'), 'run');
    const outFlag = flags.includes('--out') ? [] : ['--out', out];
    const r = await cli([...TINY, '--only', 'spectra', ...outFlag, ...flags]);
    expect(r.stderr).toMatch(message);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(existsSync(out), 'the run directory was created: work started').toBe(false);
  });
});

describe('CLI: settings from --config and flags reach results.json (flags win)', () => {
  it.concurrent('records the settings used and the overrides given', async ({ expect }) => {
    const out = tmp('config-out');
    const file = config('settings.json', JSON.stringify({
      probes: 3, steps: 6, sigma2: 1e-4, bn: 'batch', trainSteps: 2, optimizers: ['sgd'], seeds: [5],
    }));
    const r = await cli([...TINY, '--only', 'spectra', '--out', out, '--config', file, '--probes', '2', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    const { doc, valid, errors } = readResults(out);
    expect(valid, errors).toBe(true);
    expect(doc.options.seeds).toEqual([1]); // --seed beats the file's seeds
    expect(doc.options.overrides).toEqual({ probes: 2, steps: 6, sigma2: 1e-4, bn: 'batch', trainSteps: 2, optimizers: ['sgd'], only: 'spectra' });
    const m = doc.models[0];
    expect(m.seed).toBe(1);
    expect(m.settings.spectra).toMatchObject({ probes: 2, steps: 6, fullSteps: 6, sigma2: 1e-4 });
    expect(m.settings).toMatchObject({ bn: 'batch', optimizers: ['sgd'], only: 'spectra', train: { steps: 2 } });
    // …and were used, not only recorded.
    expect(m.spectra.settings).toMatchObject({ probes: 2, steps: 6, bn: 'batch' });
    for (const res of Object.values(m.spectra.slq) as { probes: unknown[] }[]) expect(res.probes).toHaveLength(2);
  });
});
