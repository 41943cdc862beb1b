import { displayPath } from '../files.js';
import type { Formatter } from './results.js';

/** GitHub shows at most this many annotations of each level per step. */
export const GITHUB_ANNOTATION_CAP = 10;

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands: each problem becomes an annotation on the pull request's diff.
 * Past GitHub's cap per level, a plain line says how many were not shown.
 */
export const github: Formatter = (results, { cwd }) => {
  const out: string[] = [];
  const hidden = { error: 0, warning: 0 };
  const shown = { error: 0, warning: 0 };
  for (const r of results) {
    const file = displayPath(r.filePath, cwd).split('\\').join('/');
    for (const m of r.messages) {
      const level = m.severity === 2 ? 'error' : 'warning';
      if (shown[level] >= GITHUB_ANNOTATION_CAP) {
        hidden[level]++;
        continue;
      }
      shown[level]++;
      const props = [`file=${escapeProperty(file)}`, `line=${m.line}`, `col=${m.column}`, `endLine=${m.endLine}`, `endColumn=${m.endColumn}`, `title=${escapeProperty(m.ruleId ?? 'onionlint')}`];
      out.push(`::${level} ${props.join(',')}::${escapeData(m.message)}`);
    }
  }
  if (hidden.error + hidden.warning > 0) {
    const parts = [hidden.error ? `${hidden.error} more error${hidden.error === 1 ? '' : 's'}` : '', hidden.warning ? `${hidden.warning} more warning${hidden.warning === 1 ? '' : 's'}` : ''].filter(Boolean);
    out.push(`onionlint: ${parts.join(' and ')} not shown as annotations (GitHub shows ${GITHUB_ANNOTATION_CAP} of each per step); run onionlint locally or use --format sarif to see all of them.`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
};
