import type { Diagnostic, SuppressionDirective } from './model.js';
import { LineIndex } from './text.js';

/**
 * Drops the diagnostics that a suppression comment covers. One comment serves both fronts:
 * `// onionlint-disable-next-line return-response` and `// eslint-disable-next-line onion/return-response`
 * (and the `-line` and block forms) are read the same way.
 */
export function applySuppressions(
  diagnostics: Diagnostic[],
  directives: SuppressionDirective[],
  text: string,
): Diagnostic[] {
  if (directives.length === 0) return diagnostics;
  const lines = new LineIndex(text);
  const covers = (rules: string[], ruleId: string | null) =>
    ruleId !== null && (rules.length === 0 || rules.includes(ruleId));
  const sorted = [...directives].sort((a, b) => a.range.start - b.range.start);
  return diagnostics.filter((d) => {
    if (d.fatal) return true;
    const line = lines.position(d.range.start).line;
    let blockDisabled = false;
    for (const dir of sorted) {
      const dirLine = lines.position(dir.range.start).line;
      const dirEndLine = lines.position(dir.range.end).line;
      if (dir.kind === 'disable-line' && dirLine === line && covers(dir.rules, d.ruleId)) return false;
      if (dir.kind === 'disable-next-line' && dirEndLine + 1 === line && covers(dir.rules, d.ruleId)) return false;
      if (dir.range.start > d.range.start) continue;
      if (dir.kind === 'disable' && covers(dir.rules, d.ruleId)) blockDisabled = true;
      if (dir.kind === 'enable' && covers(dir.rules, d.ruleId)) blockDisabled = false;
    }
    return !blockDisabled;
  });
}

const DIRECTIVE =
  /^\s*(onionlint|eslint)-(disable-next-line|disable-line|disable|enable)(?:\s+([^\n]*?))?\s*(?:--.*)?$/s;

/**
 * Reads one comment's text (without `//`, `/*`, `#`) as a directive. ESLint directives count only
 * when they name no rule (all rules) or name `onion/...` rules; onionlint directives take bare ids.
 */
export function parseDirective(commentBody: string, range: { start: number; end: number }): SuppressionDirective | undefined {
  const m = DIRECTIVE.exec(commentBody);
  if (!m) return undefined;
  const [, tool, kind, list] = m;
  const names = (list ?? '').split(/[\s,]+/).filter(Boolean);
  let rules: string[];
  if (tool === 'eslint') {
    if (names.length > 0) {
      rules = names.filter((n) => n.startsWith('onion/'));
      if (rules.length === 0) return undefined;
    } else rules = [];
  } else rules = names.map((n) => (n.startsWith('onion/') ? n : `onion/${n}`));
  return { tool: tool as SuppressionDirective['tool'], kind: kind as SuppressionDirective['kind'], rules, range };
}
