/**
 * The idea of each kernel, in the words of src/kernels/README.md: the matmul
 * progression's table rows and the sections on softmax, layernorm and the
 * reductions. Read from the README at build time, so the page and the README
 * cannot disagree; a README reshaped beyond recognition is a build error.
 */

export interface KernelNote {
  /** What the step does. */
  idea: string;
  /** Why it should be faster (matmul steps), or empty. */
  why: string;
}

/** Kernel id (the matmul file name, or softmax / layernorm / reduce) → its note. */
export type KernelNotes = Record<string, KernelNote>;

const SECTIONS: Record<string, RegExp> = {
  softmax: /^### Softmax/,
  layernorm: /^### Layer normalization/,
  reduce: /^### Reductions/,
};

/** Markdown emphasis and code marks dropped: the page shows plain text. */
const plain = (s: string) => s.replace(/\*\*(.*?)\*\*/g, '$1').replace(/`([^`]*)`/g, '$1').trim();

export function kernelNotes(readme: string): KernelNotes {
  const lines = readme.split('\n');
  const notes: KernelNotes = {};
  for (const line of lines) {
    const m = /^\|\s*`(\d\d_\w+)\.ts`\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (m) notes[m[1]] = { idea: plain(m[2]), why: plain(m[3]) };
  }
  for (const [id, head] of Object.entries(SECTIONS)) {
    const start = lines.findIndex((l) => head.test(l));
    if (start < 0) throw new Error(`kernelNotes: src/kernels/README.md has no section matching ${head}`);
    const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l));
    const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim();
    notes[id] = { idea: plain(body), why: '' };
  }
  const matmuls = Object.keys(notes).filter((k) => /^\d\d_/.test(k));
  if (matmuls.length === 0) throw new Error('kernelNotes: src/kernels/README.md has no matmul progression table rows (| `01_naive.ts` | idea | why |)');
  return notes;
}
