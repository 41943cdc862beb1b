import type { FileResult } from '../../engine.js';
import { LineIndex } from '../../text.js';

/** One message in ESLint's result format (lines and columns 1-based, the end exclusive). */
export interface LintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  messageId?: string;
  fatal?: true;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ messageId: string; desc: string; fix: { range: [number, number]; text: string } }>;
}

/** One file's results in ESLint's format, so tools built for ESLint's JSON read them. */
export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** The file's text (for code frames); not part of the JSON output. */
  source: string;
}

export function toLintResult(result: FileResult): LintResult {
  // Most files have nothing to report (a run over a whole project builds thousands of these).
  if (result.diagnostics.length === 0) {
    return { filePath: result.filePath, messages: [], errorCount: 0, warningCount: 0, fatalErrorCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, source: result.text };
  }
  // Most files have nothing to report: index their lines only when a message needs them.
  const lines = result.diagnostics.length ? new LineIndex(result.text) : undefined;
  const messages: LintMessage[] = result.diagnostics.map((d) => {
    const start = lines!.position(d.range.start);
    const end = lines!.position(d.range.end);
    return {
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      ...(d.messageId ? { messageId: d.messageId } : {}),
      ...(d.fatal ? { fatal: true as const } : {}),
      ...(d.fix ? { fix: { range: [d.fix.range.start, d.fix.range.end] as [number, number], text: d.fix.text } } : {}),
      ...(d.suggestions?.length
        ? { suggestions: d.suggestions.map((s) => ({ messageId: s.messageId, desc: s.message, fix: { range: [s.fix.range.start, s.fix.range.end] as [number, number], text: s.fix.text } })) }
        : {}),
    };
  });
  const count = (pred: (m: LintMessage) => boolean) => messages.filter(pred).length;
  return {
    filePath: result.filePath,
    messages,
    errorCount: count((m) => m.severity === 2),
    warningCount: count((m) => m.severity === 1),
    fatalErrorCount: count((m) => m.fatal === true),
    fixableErrorCount: count((m) => m.severity === 2 && m.fix !== undefined),
    fixableWarningCount: count((m) => m.severity === 1 && m.fix !== undefined),
    source: result.text,
  };
}

export interface Totals {
  errors: number;
  warnings: number;
  fixableErrors: number;
  fixableWarnings: number;
}

export function totals(results: LintResult[]): Totals {
  return results.reduce(
    (t, r) => ({
      errors: t.errors + r.errorCount,
      warnings: t.warnings + r.warningCount,
      fixableErrors: t.fixableErrors + r.fixableErrorCount,
      fixableWarnings: t.fixableWarnings + r.fixableWarningCount,
    }),
    { errors: 0, warnings: 0, fixableErrors: 0, fixableWarnings: 0 },
  );
}

export interface FormatContext {
  cwd: string;
  color: boolean;
}

export type Formatter = (results: LintResult[], context: FormatContext) => string;
