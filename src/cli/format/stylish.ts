import { codeFrameColumns } from '@babel/code-frame';
import { createColors } from 'picocolors';
import { displayPath } from '../files.js';
import { totals, type Formatter } from './results.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Human output: each problem with its position, rule and a code frame, then a summary. */
export const stylish: Formatter = (results, { cwd, color }) => {
  const c = createColors(color);
  const out: string[] = [];
  for (const result of results) {
    if (result.messages.length === 0) continue;
    out.push('', c.underline(displayPath(result.filePath, cwd)));
    for (const m of result.messages) {
      const severity = m.severity === 2 ? c.red('error') : c.yellow('warning');
      out.push(`  ${c.dim(`${m.line}:${m.column}`)}  ${severity}  ${m.message}  ${c.dim(m.ruleId ?? '')}`.trimEnd());
      // A file that was not linted (ignored, unreadable) has no text to frame.
      if (result.source !== '') {
        const frame = codeFrameColumns(
          result.source,
          { start: { line: m.line, column: m.column }, end: { line: m.endLine, column: Math.max(m.endColumn, m.line === m.endLine ? m.column + 1 : 1) } },
          { highlightCode: color, forceColor: color, linesAbove: 1, linesBelow: 1 },
        );
        out.push(frame.replace(/^/gm, '    '));
      }
      out.push('');
    }
  }
  const t = totals(results);
  const problems = t.errors + t.warnings;
  if (problems === 0) return '';
  const paint = t.errors > 0 ? c.red : c.yellow;
  out.push(paint(c.bold(`✖ ${plural(problems, 'problem')} (${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')})`)));
  if (t.fixableErrors + t.fixableWarnings > 0) {
    out.push(paint(c.bold(`  ${plural(t.fixableErrors, 'error')} and ${plural(t.fixableWarnings, 'warning')} potentially fixable with the \`--fix\` option.`)));
  }
  return `${out.join('\n')}\n`;
};
