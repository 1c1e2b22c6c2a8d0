/**
 * A diverged run records which non-finite value its loss took: JSON has no
 * NaN or Infinity, and JSON.stringify wrote null for all three.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { resultsJsonSchema } from '../../src/experiment/schema.js';
import { trainOne } from '../../src/experiment/train.js';
import type { Task } from '../../src/experiment/types.js';
import type { Model } from '../../src/models/model.js';

/** A one-parameter "model" whose loss is w·c, with c = 1 at step 0 and `bad` from step 1 on. */
function task(bad: number): Task {
  const model = {
    name: 'fake', config: {}, params: { w: hg.tensor([1], [1]) }, blocks: () => [],
    loss: (p: hg.Params, b: { x: hg.Tensor }) => hg.sum(hg.mul(p.w, b.x)),
    logits: (p: hg.Params, b: { x: hg.Tensor }) => hg.reshape(hg.mul(p.w, b.x), [1, 1]),
  } as unknown as Model;
  return {
    model, data: 'fake',
    batch: (_size: number, step: number) => ({ x: hg.tensor([step === 0 ? 1 : bad], [1]), y: hg.tensor([0], [1], 'int32') }),
    heldOut: () => ({ x: hg.tensor([1], [1]), y: hg.tensor([0], [1], 'int32') }),
  } as unknown as Task;
}

const settings = { steps: 3, batch: 1, sgdLrs: [0.1], adamLrs: [0.1], clip: 1, heldOut: 1 };
type Schema = { properties: { models: { items: { anyOf: { properties: { training: { properties: { runs: { items: object } } } } }[] } } } };
const runSchema = (resultsJsonSchema as unknown as Schema).properties.models.items.anyOf[0].properties.training.properties.runs.items;
const validate = new Ajv({ strict: false }).compile(runSchema);

describe('diverged.loss survives JSON', () => {
  for (const [bad, name] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
    it(`a ${name} loss is recorded as '${name}' (it was null), and the schema accepts it`, async () => {
      const r = await trainOne(task(bad), settings, 'sgd', 0.1, () => {});
      const back = JSON.parse(JSON.stringify(r));
      expect(back.diverged).toEqual({ step: 1, loss: name });
      expect(back.losses).toEqual([1]);
      expect(validate(back), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('the schema rejects a null or unknown loss name', () => {
    const run = { optimizer: 'sgd', lr: 0.1, losses: [1], finalLoss: null };
    expect(validate({ ...run, diverged: { step: 1, loss: null } })).toBe(false);
    expect(validate({ ...run, diverged: { step: 1, loss: 'nan' } })).toBe(false);
    expect(validate({ ...run, diverged: null })).toBe(true);
  });
});
