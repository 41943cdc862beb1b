import type { Fix } from '../src/model.js';

/** Applies non-overlapping fixes from the end backwards (the CLI's applyFixes does the same job). */
export function applyFixesForTest(text: string, fixes: Fix[]): string {
  let out = text;
  for (const f of [...fixes].sort((a, b) => b.range.start - a.range.start)) out = out.slice(0, f.range.start) + f.text + out.slice(f.range.end);
  return out;
}
