import type { Fix } from './model.js';

export interface FixOutcome {
  output: string;
  /** The fixes that were applied (in text order). */
  applied: Fix[];
  /** Fixes left out because they overlap one applied before them; a later pass may apply them. */
  skipped: Fix[];
}

/**
 * Applies fixes to a text the way ESLint does: in order of position, skipping any fix that
 * overlaps one already taken (the caller re-lints and tries again).
 */
export function applyFixes(text: string, fixes: readonly Fix[]): FixOutcome {
  const sorted = [...fixes].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  let out = '';
  let cursor = 0;
  let lastEnd = -1;
  for (const fix of sorted) {
    if (fix.range.start < lastEnd || fix.range.start < cursor || fix.range.end > text.length) {
      skipped.push(fix);
      continue;
    }
    out += text.slice(cursor, fix.range.start) + fix.text;
    cursor = fix.range.end;
    lastEnd = fix.range.end;
    applied.push(fix);
  }
  out += text.slice(cursor);
  return { output: out, applied, skipped };
}
