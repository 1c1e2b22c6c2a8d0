/** Messages between the pages and their workers (plain data: structured clone). */
import type { PairwiseMatrix } from '../analysis/index.js';
import type { BenchRow, CheckResult } from './kernels.js';
import type { WebBackendKind } from './backend.js';

export interface AnalysisRequest {
  model: string;
  preset: string;
  steps: number;
  probes: number;
  seed: number;
  backend: WebBackendKind;
}

/** A block's density on the common grid, for drawing. */
export interface Curve { block: string; grid: number[]; values: number[] }

export type AnalysisMessage =
  | { type: 'backend'; device: string; kind: 'webgpu' | 'cpu'; fallback?: string }
  | { type: 'task'; data: string; blocks: { name: string; dim: number }[]; batch: number }
  | { type: 'progress'; sweeps: number; totalSweeps: number; probes: number; totalProbes: number }
  | { type: 'partial'; curves: Curve[]; js: PairwiseMatrix | null; js0: number | null }
  | { type: 'done'; js: PairwiseMatrix | null; js0: number | null; seconds: number; curves: Curve[] }
  | { type: 'error'; message: string };

export interface KernelRequest { test: boolean }

export type KernelMessage =
  | { type: 'backend'; device: string; kind: 'webgpu' | 'cpu'; fallback?: string }
  | { type: 'check'; result: CheckResult }
  | { type: 'bench'; row: BenchRow }
  | { type: 'done'; seconds: number }
  | { type: 'error'; message: string };
