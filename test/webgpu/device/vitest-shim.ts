/**
 * Just enough of vitest's API to run the WebGPU test files as one plain Node
 * program on a machine where vitest is not installed (the GPU machine):
 * `run-all.ts` is bundled by esbuild with `vitest` aliased to this file.
 */
type Fn = () => unknown | Promise<unknown>;
interface Test { name: string; fn: Fn; skip: boolean }
const tests: Test[] = [];
const after: Fn[] = [];
const prefix: string[] = [];
let skipping = false;

export function describe(name: string, body: () => void): void {
  prefix.push(name);
  body();
  prefix.pop();
}
describe.skipIf = (cond: boolean) => (name: string, body: () => void): void => {
  const was = skipping;
  skipping = skipping || cond;
  describe(name, body);
  skipping = was;
};
export function it(name: string, fn: Fn): void {
  tests.push({ name: [...prefix, name].join(' > '), fn, skip: skipping });
}
export const test = it;
export function afterAll(fn: Fn): void { after.push(fn); }
export function beforeEach(): void {}

class Fail extends Error {}
const fail = (msg: string): never => { throw new Fail(msg); };
const show = (v: unknown): string => { try { return JSON.stringify(v)?.slice(0, 200) ?? String(v); } catch { return String(v); } };
const deepEqual = (a: unknown, b: unknown): boolean => show(a) === show(b) && JSON.stringify(a) === JSON.stringify(b);

function matchers(actual: unknown, msg = '') {
  const m = (ok: boolean, what: string) => { if (!ok) fail(`${msg ? `${msg}: ` : ''}expected ${show(actual)} ${what}`); };
  const throws = (re: RegExp | undefined, thrown: unknown) => {
    if (re && !re.test(String((thrown as Error)?.message ?? thrown))) fail(`${msg}: error ${String(thrown)} does not match ${re}`);
  };
  return {
    toBe: (v: unknown) => m(Object.is(actual, v), `to be ${show(v)}`),
    toEqual: (v: unknown) => m(deepEqual(actual, v), `to equal ${show(v)}`),
    toBeLessThan: (v: number) => m((actual as number) < v, `< ${v}`),
    toBeLessThanOrEqual: (v: number) => m((actual as number) <= v, `≤ ${v}`),
    toBeGreaterThan: (v: number) => m((actual as number) > v, `> ${v}`),
    toBeGreaterThanOrEqual: (v: number) => m((actual as number) >= v, `≥ ${v}`),
    toHaveLength: (n: number) => m((actual as { length: number }).length === n, `to have length ${n}`),
    toMatch: (re: RegExp) => m(re.test(String(actual)), `to match ${re}`),
    toThrow: (re?: RegExp) => {
      try { (actual as () => unknown)(); } catch (e) { throws(re, e); return; }
      fail(`${msg}: expected a throw`);
    },
    rejects: {
      toThrow: async (re?: RegExp) => {
        try { await (actual as Promise<unknown>); } catch (e) { throws(re, e); return; }
        fail(`${msg}: expected a rejection`);
      },
    },
  };
}
export const expect = Object.assign(matchers, { fail: (msg: string): never => fail(msg) });

/** Run every registered test in order; returns the number of failures. */
export async function runAll(log: (line: string) => void): Promise<number> {
  let failed = 0, passed = 0, skipped = 0;
  for (const t of tests) {
    if (t.skip) { skipped++; continue; }
    const t0 = performance.now();
    try {
      await t.fn();
      passed++;
      log(`✓ ${t.name} (${(performance.now() - t0).toFixed(0)} ms)`);
    } catch (e) {
      failed++;
      log(`✗ ${t.name}: ${(e as Error).message}`);
    }
  }
  for (const f of after) await f();
  log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed;
}
