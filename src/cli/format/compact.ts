import { totals, type Formatter } from './results.js';

/** ESLint's compact format: one line per problem, for editors and scripts that read lines. */
export const compact: Formatter = (results) => {
  const lines: string[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      lines.push(`${r.filePath}: line ${m.line}, col ${m.column}, ${m.severity === 2 ? 'Error' : 'Warning'} - ${m.message}${m.ruleId ? ` (${m.ruleId})` : ''}`);
    }
  }
  const t = totals(results);
  const n = t.errors + t.warnings;
  if (n > 0) lines.push('', `${n} problem${n === 1 ? '' : 's'}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
};
