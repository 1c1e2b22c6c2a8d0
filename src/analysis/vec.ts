/** Dense float64 vector helpers shared by the analysis drivers (all vectors have equal length). */

/** ⟨a, b⟩ */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖a‖₂, scaled so that huge or tiny entries do not overflow or underflow the sum of squares. */
export function norm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] / m;
    s += x * x;
  }
  return m * Math.sqrt(s);
}

/** y ← y + c·x */
export function axpy(c: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += c * x[i];
}

/** x ← c·x */
export function scale(c: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= c;
}

/** v ← (I − QQᵀ) v, Q's columns the orthonormal `basis`: one modified Gram–Schmidt pass. */
export function projectOut(basis: Float64Array[], v: Float64Array): void {
  for (const b of basis) axpy(-dot(b, v), b, v);
}
