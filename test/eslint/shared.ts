import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { defaultConfig } from '../../src/config.js';
import { lint } from '../../src/engine.js';
import plugin from '../../src/eslint/plugin.js';
import { allFixtureCases, repoRoot } from '../fixture-cases.js';

export const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/** ESLint with the strict onion config: typescript-eslint's parser for TypeScript, ESLint's own for JavaScript. */
export function eslintWithOnion(): ESLint {
  return new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx', ...TS_FILES] },
      { files: TS_FILES, languageOptions: { parser: tseslint.parser } },
      plugin.configs.strict as never,
    ],
  });
}

const diskHost = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

/** The engine's reports (what the CLI prints) for one group of files linted together. */
export function engineReports(paths: string[]): string[] {
  const results = lint(paths.map((path) => ({ path, text: readFileSync(path, 'utf8') })), { config: { ...defaultConfig(), presets: ['strict'] }, host: { ...diskHost, listDirectory: (d) => readdirSync(d) } });
  return results.flatMap((r) => {
    const lineStarts = [0];
    for (let i = 0; i < r.text.length; i++) if (r.text[i] === '\n') lineStarts.push(i + 1);
    return r.diagnostics
      .filter((d) => d.ruleId !== null)
      .map((d) => {
        let line = 0;
        while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= d.range.start) line++;
        return `${relative(repoRoot, r.filePath)}:${line + 1}:${d.range.start - lineStarts[line]! + 1} ${d.ruleId}`;
      });
  });
}

export function eslintReports(results: ESLint.LintResult[]): string[] {
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId?.startsWith('onion/')).map((m) => `${relative(repoRoot, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`));
}

export { allFixtureCases, join, repoRoot };
