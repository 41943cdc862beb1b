/**
 * Renders lint results the way reviewers read them (STYLE.md, after eslint-plugin-unicorn's
 * snapshots): the code with line numbers, `^^^` under each reported range, the rule and message
 * under it, and, when reports carry fixes, the file after applying them.
 */
import type { Diagnostic } from '../src/model.js';
import { LineIndex } from '../src/text.js';

export interface RenderInput {
  /** The name shown in the header, e.g. a repository-relative path. */
  name: string;
  text: string;
  diagnostics: Diagnostic[];
  /** The text after applying the fixes, when there were any. */
  fixed?: string;
}

function severityName(d: Diagnostic): string {
  return d.severity === 2 ? 'error' : 'warn';
}

/** One file: the code, each report underlined and explained below the last line of its range. */
export function renderFile(input: RenderInput): string {
  const { text, diagnostics } = input;
  const index = new LineIndex(text);
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const width = String(lines.length).length;
  const gutter = (n?: number) => `${n === undefined ? ' '.repeat(width) : String(n).padStart(width)} | `;

  // Per line: the underline segments [from, to) (0-based columns) and the messages that end there.
  const marks = new Map<number, Array<[number, number]>>();
  const notes = new Map<number, string[]>();
  for (const d of diagnostics) {
    const start = index.position(d.range.start);
    const end = index.position(Math.max(d.range.start, d.range.end));
    for (let line = start.line; line <= end.line; line++) {
      const content = lines[line - 1] ?? '';
      const from = line === start.line ? start.column - 1 : content.length - content.trimStart().length;
      let to = line === end.line ? end.column - 1 : content.length;
      if (to <= from) to = from + 1;
      marks.set(line, [...(marks.get(line) ?? []), [from, to]]);
    }
    const rule = d.ruleId ?? (d.fatal ? 'fatal' : 'null');
    const fixNote = d.fix ? ' [fixable]' : '';
    const note = `${severityName(d)} ${rule}${fixNote}: ${d.message}`;
    notes.set(end.line, [...(notes.get(end.line) ?? []), note]);
    for (const s of d.suggestions ?? []) notes.get(end.line)!.push(`  suggestion: ${s.message}`);
  }

  const out: string[] = [`# ${input.name}`];
  lines.forEach((content, i) => {
    const n = i + 1;
    out.push((gutter(n) + content).trimEnd());
    const segments = marks.get(n);
    if (segments) {
      const row: string[] = [];
      for (const [from, to] of segments) {
        while (row.length < to) row.push(' ');
        for (let c = from; c < to; c++) row[c] = '^';
      }
      out.push((gutter() + row.join('')).trimEnd());
    }
    for (const note of notes.get(n) ?? []) out.push(`${gutter()}${note}`);
  });
  if (input.fixed !== undefined) {
    out.push('', `# ${input.name} after --fix`);
    const fixedLines = input.fixed.split(/\r\n|\r|\n/);
    if (fixedLines.length > 1 && fixedLines[fixedLines.length - 1] === '') fixedLines.pop();
    const fixedWidth = String(fixedLines.length).length;
    fixedLines.forEach((content, i) => out.push(`${String(i + 1).padStart(fixedWidth)} | ${content}`.trimEnd()));
  }
  return out.join('\n') + '\n';
}

/** Several files (a multi-file case) one after the other. */
export function renderFiles(inputs: RenderInput[]): string {
  return inputs.map(renderFile).join('\n');
}

/** `rule@line` for each report, as fixtures' expectation comments write them (rule id without `onion/`). */
export function reportKeys(text: string, diagnostics: Diagnostic[]): string[] {
  const index = new LineIndex(text);
  return diagnostics.map((d) => `${(d.ruleId ?? 'fatal').replace(/^onion\//, '')}@${index.position(d.range.start).line}`);
}
