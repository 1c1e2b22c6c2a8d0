/**
 * `--data` that cannot serve the run stops it with exit code 2 before any
 * work, naming the file: too short for the held-out windows, binary, an IDX
 * set with no images, the wrong image size, or too few images for a batch.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { TINY, cli, idxDir, textFile, tmp } from './cli-helpers.js';

const dir = tmp('data');
const short = path.join(dir, 'short.txt');
writeFileSync(short, 'hello world '.repeat(5)); // 60 characters: GPT's and BERT's tiny windows need 17 and 16 in a 10% tail
const binary = path.join(dir, 'binary.dat');
writeFileSync(binary, Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)));
const text = textFile(path.join(dir, 'text.txt'), 400);
const empty = idxDir(path.join(dir, 'empty'), 0);
const small = idxDir(path.join(dir, 'fourteen'), 50, 14, 14);
const few = idxDir(path.join(dir, 'few'), 5); // 4 training images: no batch of 16

/** [case, flags replacing TINY's, what the message must say]. */
const CASES: [string, string[], RegExp][] = [
  ['gpt: text too short for its held-out windows', ['--model', 'gpt', '--data', short], /short\.txt: 60 characters are too short for windows of 17/],
  // BERT took this file and failed only at the held-out batch, after the spectra and a whole training run.
  ['bert: text too short for its held-out windows', ['--model', 'bert', '--data', short, '--only', 'all'], /short\.txt: 60 characters are too short for windows of 16/],
  ['gpt: a binary file', ['--model', 'gpt', '--data', binary], /binary\.dat: NUL byte at offset 0: a binary file, not text/],
  ['gpt: a directory', ['--model', 'gpt', '--data', empty], /empty: not a regular file/],
  ['gpt: no such file', ['--model', 'gpt', '--data', path.join(dir, 'nope.txt')], /nope\.txt: text file not found/],
  ['mlp: an IDX set with 0 images', ['--data', empty], /empty\/train-images-idx3-ubyte: holds 0 images/],
  ['mlp: 14×14 images', ['--data', small], /fourteen\/train-images-idx3-ubyte: images are 14×14, but the vision models take 28×28/],
  // The run used to start and fail inside the spectra ("batchAt: batch size 16 must be in [1, 4]"), exit 1.
  ['mlp: too few images for the Hessian batch', ['--data', few], /--data .*few: the data cannot supply the Hessian batch of 16 \(--spectra-batch\)/],
  ['mlp: too few images for a training batch', ['--data', few, '--only', 'train', '--train-batch', '8'], /few: the data cannot supply a training batch of 8 \(--train-batch\)/],
  ['mlp: a text file', ['--data', text], /text\.txt: --data must be a directory of IDX files/],
  ['mlp: --spectra-batch larger than MNIST', ['--spectra-batch', '9000'], /--model mlp: the data cannot supply the Hessian batch of 9000/],
];

describe('CLI: --data that cannot serve the run exits 2 before any work', () => {
  it.concurrent.for(CASES)('%s', async ([, flags, message], { expect }) => {
    const out = path.join(tmp('data-out'), 'run');
    const r = await cli([...TINY, '--only', 'spectra', '--out', out, ...flags]);
    expect(r.stderr).toMatch(message);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out), 'the run directory was created: work started').toBe(false);
  });

  it('a text file long enough serves gpt and bert (the checks refuse only what cannot work)', async ({ expect }) => {
    const out = tmp('data-ok');
    const r = await cli([...TINY, '--model', 'gpt,bert', '--data', text, '--only', 'spectra', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`data: text file ${text}`);
  });
});
