import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { DOCS_BASE } from '../../eslint/docs-url.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../../package-root.js';
import { allRules } from '../../../rules/index.js';
import type { Formatter } from './results.js';

function docPage(id: string): string {
  try {
    return readFileSync(join(PACKAGE_ROOT, 'docs', 'rules', `${id}.md`), 'utf8');
  } catch {
    return '';
  }
}

/** The first paragraph under "## What it reports". */
function whatItReports(page: string, fallback: string): string {
  const m = /## What it reports\s*\n+([\s\S]*?)(\n\n|$)/.exec(page);
  return m ? m[1]!.replace(/\s*\n\s*/g, ' ').trim() : fallback;
}

const pascal = (id: string) => id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * SARIF 2.1.0 for GitHub code scanning. Fingerprints hash the rule, the file and the reported
 * line's text (with its occurrence index), never the line number, so an alert keeps its identity
 * when unrelated lines move.
 */
export const sarif: Formatter = (results, { cwd }) => {
  const rules: ReportingDescriptor[] = allRules.map((rule) => {
    const page = docPage(rule.meta.id);
    return {
      id: `onion/${rule.meta.id}`,
      name: pascal(rule.meta.id),
      shortDescription: { text: rule.meta.description },
      fullDescription: { text: whatItReports(page, rule.meta.description) },
      help: { text: page || rule.meta.description, markdown: page || rule.meta.description },
      helpUri: `${DOCS_BASE}/${rule.meta.id}.md`,
      defaultConfiguration: { level: rule.meta.severity === 'error' ? 'error' : 'warning' },
      properties: { tags: ['correctness', rule.meta.scope === 'unit' ? 'middleware' : 'settings'] },
    };
  });
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const sarifResults: Result[] = [];
  const notifications: NonNullable<NonNullable<Log['runs'][number]['invocations']>[number]['toolExecutionNotifications']> = [];
  for (const r of results) {
    const uri = relative(cwd, r.filePath).split(sep).join('/');
    const lines = r.source.split(/\r?\n/);
    const seen = new Map<string, number>();
    for (const m of r.messages) {
      const location = {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
          region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
        },
      };
      if (m.ruleId === null) {
        notifications.push({ level: m.severity === 2 ? 'error' : 'warning', message: { text: m.message }, locations: [location] });
        continue;
      }
      const lineText = (lines[m.line - 1] ?? '').trim();
      const key = `${m.ruleId}\0${uri}\0${lineText}`;
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      sarifResults.push({
        ruleId: m.ruleId,
        ruleIndex: ruleIndex.get(m.ruleId) ?? -1,
        level: m.severity === 2 ? 'error' : 'warning',
        message: { text: m.message },
        locations: [location],
        partialFingerprints: { 'onionlint/v1': createHash('sha256').update(`${key}\0${occurrence}`).digest('hex').slice(0, 32) },
      });
    }
  }
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'onionlint', version: TOOL_VERSION, semanticVersion: TOOL_VERSION, informationUri: 'https://github.com/onionlint/onionlint', rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};
