/**
 * The shape of results.json, as a JSON Schema (checked by the tests) and
 * the version information every result carries.
 */
import { readFileSync } from 'node:fs';
import { gitCommit } from './provenance.js';

export const RESULTS_SCHEMA = 'heterograd/experiment-results/v2';

export function versions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { heterograd: pkg.version, commit: gitCommit(), node: process.version, platform: `${process.platform}-${process.arch}` };
}

const num = { type: 'number' };
const numOrNull = { type: ['number', 'null'] };
const slqResult = {
  type: 'object',
  required: ['kind', 'dim', 'steps', 'probes'],
  properties: {
    kind: { const: 'slq' }, dim: num, steps: num,
    probes: { type: 'array', items: { type: 'object', required: ['nodes', 'weights'], properties: { nodes: { type: 'array', items: num }, weights: { type: 'array', items: num } } } },
  },
};
/** A value over seeds: mean, 95% interval (or null), and the per-seed values. */
const aggregate = {
  type: ['object', 'null'],
  required: ['mean', 'interval', 'perSeed'],
  properties: { mean: num, interval: { type: ['array', 'null'], items: num, minItems: 2, maxItems: 2 }, perSeed: { type: 'array', items: num } },
};
const pairwise = { type: ['object', 'null'], required: ['labels', 'matrix'], properties: { labels: { type: 'array', items: { type: 'string' } }, matrix: { type: 'array', items: { type: 'array', items: num } } } };

/** Block spectra and JS⁰ at one point (trajectory.ts, pretrain.ts). */
const spectraAt = { type: 'object', required: ['js0', 'slq'], properties: { js0: numOrNull, slq: { type: 'object', additionalProperties: slqResult } } };
const optimizer = { enum: ['sgd', 'adam', 'sgd-blockwise', 'adam-mini'] };
const trajectory = {
  type: 'array',
  items: {
    type: 'object', required: ['optimizer', 'lr', 'lrFrom', 'finalLoss', 'diverged', 'at'],
    properties: {
      optimizer, lr: num, lrFrom: { enum: ['grid', 'flag'] }, finalLoss: numOrNull, diverged: { type: 'boolean' },
      at: {
        type: 'array',
        items: { allOf: [spectraAt, { type: 'object', required: ['fraction', 'step'], properties: { fraction: { type: 'number', minimum: 0, maximum: 1 }, step: num } }] },
      },
    },
  },
};
const pretrained = {
  type: 'object',
  required: ['steps', 'recipe', 'pretrainText', 'fineTuneText', 'pretrainLoss', 'js0Init', 'js0Pretrained', 'gapInit', 'fineTuningGap', 'spectra', 'training'],
  properties: {
    steps: num, recipe: { type: 'string' }, pretrainText: { type: 'string' }, fineTuneText: { type: 'string' }, pretrainLoss: numOrNull,
    js0Init: numOrNull, js0Pretrained: numOrNull, gapInit: numOrNull, fineTuningGap: numOrNull, spectra: spectraAt,
    training: { type: ['object', 'null'], required: ['runs', 'best', 'gap'] },
  },
};

const neural = {
  type: 'object',
  required: ['kind', 'model', 'preset', 'seed', 'params', 'settings', 'spectra', 'training'],
  properties: {
    kind: { const: 'neural' },
    settings: { type: 'object', required: ['spectra', 'train', 'bn', 'optimizers', 'gridExtensions', 'only'] },
    spectra: {
      type: ['object', 'null'],
      required: ['settings', 'blocks', 'slq', 'full', 'js', 'js0'],
      properties: {
        blocks: { type: 'array', minItems: 1, items: { type: 'object', required: ['name', 'param', 'dim'] } },
        slq: { type: 'object', additionalProperties: slqResult },
        full: { anyOf: [slqResult, { type: 'null' }] },
        js: pairwise, js0: numOrNull,
      },
    },
    training: {
      type: ['object', 'null'],
      required: ['settings', 'runs', 'best', 'grids', 'gap', 'gaps'],
      properties: {
        runs: {
          type: 'array', minItems: 1,
          items: {
            type: 'object', required: ['optimizer', 'lr', 'losses', 'finalLoss', 'diverged'],
            properties: {
              optimizer, lr: num, losses: { type: 'array', items: num }, finalLoss: numOrNull,
              diverged: { anyOf: [{ type: 'null' }, { type: 'object', required: ['step', 'loss'], properties: { step: num, loss: { anyOf: [num, { enum: ['NaN', 'Infinity', '-Infinity'] }] } } }] },
            },
          },
        },
        gap: numOrNull,
      },
    },
    initFrom: { type: 'object', required: ['file', 'sha256', 'buffers'] },
    trajectory, pretrained,
  },
};

const quadratic = {
  type: 'object',
  required: ['kind', 'cases'],
  properties: {
    kind: { const: 'quadratic' },
    cases: { type: 'array', minItems: 4, items: { type: 'object', required: ['caseId', 'runs', 'js0', 'leadStatistic', 'adamLeadDecades'] } },
  },
};

/** JSON Schema (draft 2020-12 subset understood by Ajv) of results.json. */
export const resultsJsonSchema = {
  type: 'object',
  required: ['schema', 'createdAt', 'command', 'options', 'versions', 'backend', 'models', 'failures', 'summary'],
  properties: {
    schema: { const: RESULTS_SCHEMA },
    backend: { type: 'object', required: ['name', 'device'] },
    models: { type: 'array', items: { anyOf: [neural, quadratic] } },
    failures: { type: 'array' },
    summary: {
      type: 'array',
      items: {
        type: 'object',
        required: ['model', 'seeds', 'js0', 'gap', 'gapKind'],
        properties: { js0: aggregate, gap: aggregate, seeds: { type: 'array', items: num } },
      },
    },
  },
};
