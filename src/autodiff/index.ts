/** Automatic differentiation: reverse mode, forward mode, and Hessian-vector products. */
export {
  grad, valueAndGrad, vjp, jvp, jvpMulti, hvp, hvpMulti, setTangentStacking, type Vjp, type HvpOptions, type SweepOptions,
} from './transforms.js';
export { flatten, leafNames, type Tree, type PartialTree } from './tree.js';
export { rules, type RuleTable } from './rules.js';
