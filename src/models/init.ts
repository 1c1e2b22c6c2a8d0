/** Seeded parameter initialization, following PyTorch's defaults where the paper's models use them. */
import { makeRng, type Rng } from '../util/rng.js';
import { type DType, type Tensor, fromArray } from '../tensor/index.js';

export class Init {
  readonly rng: Rng;
  constructor(seed: number, readonly dtype: DType = 'float32') {
    this.rng = makeRng(seed);
  }

  private make(shape: number[], f: () => number): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = f();
    return fromArray(this.dtype === 'float64' ? data : Float32Array.from(data), shape, this.dtype);
  }

  /** U(−b, b). */
  uniform(shape: number[], bound: number): Tensor {
    return this.make(shape, () => (2 * this.rng.uniform() - 1) * bound);
  }

  /** N(0, std²). */
  normal(shape: number[], std: number): Tensor {
    return this.make(shape, () => std * this.rng.normal());
  }

  /** PyTorch's Linear/Conv default: U(±1/√fan_in) for weight and bias. */
  fanIn(shape: number[], fanIn: number): Tensor {
    return this.uniform(shape, 1 / Math.sqrt(fanIn));
  }

  const(shape: number[], value: number): Tensor {
    return this.make(shape, () => value);
  }
}

/** Linear layer parameters, weight (out, in) and bias (out,), under `prefix`. */
export function linearParams(init: Init, prefix: string, inF: number, outF: number, bias = true): Record<string, Tensor> {
  const p: Record<string, Tensor> = { [`${prefix}.weight`]: init.fanIn([outF, inF], inF) };
  if (bias) p[`${prefix}.bias`] = init.fanIn([outF], inF);
  return p;
}
