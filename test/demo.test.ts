/**
 * The demo project the README's quick start lints: its per-middleware mistakes are reported
 * exactly, and its correct middleware stays silent. (Stack rules have their own expectations:
 * this suite looks at unit rules only, so a settings file added to the demo does not disturb it.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { isSourceFile, lint } from '../src/engine.js';
import { LineIndex } from '../src/text.js';
import { allRules } from '../rules/index.js';
import { fixturesRoot, repoRoot } from './fixture-cases.js';
import { run } from './cli/run.js';

const demoRoot = join(fixturesRoot, 'demo');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return isSourceFile(full) ? [full] : [];
  });
}

const unitRuleIds = new Set(allRules.filter((r) => r.meta.scope === 'unit').map((r) => `onion/${r.meta.id}`));

describe('fixtures/demo', () => {
  const inputs = sourceFiles(demoRoot).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const results = lint(inputs, {
    config: defaultConfig(),
    host: { readFile: (path) => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } } },
  });
  const reports = results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    const file = relative(demoRoot, r.filePath).split('\\').join('/');
    return r.diagnostics
      .filter((d) => d.ruleId === null || unitRuleIds.has(d.ruleId))
      .map((d) => `${d.ruleId?.replace(/^onion\//, '') ?? 'fatal'}@${file}:${lines.position(d.range.start).line}`);
  });

  it('reports exactly the demo\'s per-middleware mistakes', () => {
    expect(reports.sort()).toEqual(
      [
        'return-response@src/middleware/timing.ts:11',
        'call-next@src/middleware/maintenance.js:10',
        'no-double-next@src/middleware/retry.ts:11',
        'await-next@src/middleware/security-headers.js:6',
        'await-next@src/middleware/security-headers.js:7',
        'hook-return@src/middleware/feature-flags.ts:18',
      ].sort(),
    );
  });

  it('lints TypeScript and JavaScript files, and the correct middleware stays silent', () => {
    const files = inputs.map((i) => relative(demoRoot, i.path).split('\\').join('/'));
    expect(files.some((f) => f.endsWith('.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    const reported = new Set(reports.map((r) => r.slice(r.indexOf('@') + 1, r.lastIndexOf(':'))));
    for (const correct of ['request-id.ts', 'cors.js', 'auth.ts', 'json-errors.js']) {
      expect(reported.has(`src/middleware/${correct}`), correct).toBe(false);
    }
  });

  it('the return-response report carries the `return response;` fix', () => {
    const timing = results.find((r) => r.filePath.endsWith('timing.ts'))!;
    const fix = timing.diagnostics.find((d) => d.ruleId === 'onion/return-response')?.fix;
    expect(fix?.text.trim()).toBe('return response;');
  });

  it('the quick start (`onionlint fixtures/demo`) prints those mistakes and exits 1', async () => {
    const result = await run(['fixtures/demo', '--format', 'json'], repoRoot);
    expect(result.code).toBe(1);
    const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number }> }>;
    const fromCli = files.flatMap((f) => {
      const file = relative(demoRoot, f.filePath).split('\\').join('/');
      return f.messages
        .filter((m) => m.ruleId === null || unitRuleIds.has(m.ruleId))
        .map((m) => `${m.ruleId?.replace(/^onion\//, '') ?? 'fatal'}@${file}:${m.line}`);
    });
    expect(fromCli.sort()).toEqual([...reports].sort());
  });
});
