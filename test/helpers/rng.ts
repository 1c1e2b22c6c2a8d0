/** A small seeded generator for tests (mulberry32 + Box–Muller). */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.uniform(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  array(n: number, scale = 1): Float64Array {
    return Float64Array.from({ length: n }, () => scale * this.normal());
  }
}
