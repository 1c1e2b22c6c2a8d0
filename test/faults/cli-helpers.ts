/**
 * Running `npm run experiment` as a user would, for the fault tests: the real
 * CLI in a subprocess, each run in its own temporary `--out`, on the tiny
 * preset and the CPU backend. The CLI runs as `node --import tsx` (the tsx
 * loader in one process, not npx → tsx → node): a signal sent to the pid
 * reaches the CLI itself, and each call starts about 1.5 s sooner.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { resultsJsonSchema } from '../../src/experiment/schema.js';

export interface CliResult { code: number; stdout: string; stderr: string }

const ENTRY = ['--import', 'tsx', 'src/cli/experiment.ts'];

/** Runs the CLI to completion; never throws on a non-zero exit. */
export function cli(args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...ENTRY, ...args], { cwd: process.cwd(), timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code as number | undefined) ?? -1 : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** Runs the CLI and returns its output; a non-zero exit is an error carrying stderr. */
export async function cliOk(args: string[], timeoutMs = 240_000): Promise<CliResult> {
  const r = await cli(args, timeoutMs);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

/** Starts the CLI and returns the child (for signals) and a promise of its result. */
export function cliStart(args: string[]): { pid: number; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done };
}

/** The flags every fault test starts from: tiny, CPU, the MLP, CSV figures only (no PNG rendering). */
export const TINY = ['--model', 'mlp', '--preset', 'tiny', '--backend', 'cpu', '--formats', 'csv'];

export const tmp = (tag: string): string => mkdtempSync(path.join(os.tmpdir(), `hg-cli-${tag}-`));

const validate = new Ajv({ strict: false }).compile(resultsJsonSchema);

/** results.json of `out`, checked against the schema. */
export function readResults(out: string): { doc: any; valid: boolean; errors: string } {
  const doc = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  const valid = validate(doc) as boolean;
  return { doc, valid, errors: JSON.stringify(validate.errors) };
}

export const checkpointFile = (out: string, name = 'mlp-seed0.json') => path.join(out, 'checkpoints', name);

export function editJson(file: string, edit: (x: any) => unknown): void {
  const x = JSON.parse(readFileSync(file, 'utf8'));
  const y = edit(x);
  writeFileSync(file, JSON.stringify(y === undefined ? x : y));
}

/** An IDX file of unsigned bytes: magic 0x0000 08 rank, big-endian dims, then the data. */
function idx(file: string, dims: number[], data: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(file, Buffer.concat([head, data]));
}

/** A directory of MNIST-named IDX files holding `n` random `rows`×`cols` images with labels 0..9. */
export function idxDir(dir: string, n: number, rows = 28, cols = 28): string {
  mkdirSync(dir, { recursive: true });
  const images = new Uint8Array(n * rows * cols).map((_, i) => (i * 37) % 256);
  idx(path.join(dir, 'train-images-idx3-ubyte'), [n, rows, cols], images);
  idx(path.join(dir, 'train-labels-idx1-ubyte'), [n], new Uint8Array(n).map((_, i) => i % 10));
  return dir;
}

/** A text file of `words` pseudo-random words (about 5 characters each) drawn with `seed`. */
export function textFile(file: string, words: number, seed = 1): string {
  const vocab = ['the', 'whale', 'sea', 'ship', 'captain', 'ahab', 'white', 'deep', 'harpoon', 'sail'];
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(vocab[s % vocab.length]);
  }
  writeFileSync(file, out.join(' '));
  return file;
}
