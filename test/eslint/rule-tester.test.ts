import { readFileSync } from 'node:fs';
import { RuleTester } from '@typescript-eslint/rule-tester';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { lint } from '../../src/engine.js';
import plugin from '../../src/eslint/plugin.js';
import { applyFixes } from '../../src/fix.js';
import { allRules } from '../../rules/index.js';
import { fixtureCases } from '../fixture-cases.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

/**
 * Every rule through ESLint's RuleTester, with the fixtures as cases: each valid file must get no
 * report; each invalid file gets exactly the lines its `// expect:` comment names, with the rule's
 * message ids, exact columns and end positions, and — for fixes — the fixed output.
 */
for (const rule of allRules) {
  const id = rule.meta.id;
  // ESLint parity covers JavaScript and TypeScript: Python fixtures are the engine's (test/fixtures.test.ts).
  const cases = fixtureCases(id).filter((c) => c.files.every((f) => !f.path.endsWith('.py')));
  if (cases.length === 0) continue;
  const valid = cases.filter((c) => c.kind === 'valid').flatMap((c) => c.files.map((f) => ({ code: f.text, filename: f.path, name: `${c.name}: ${f.relPath}` })));
  const invalid = cases
    .filter((c) => c.kind === 'invalid')
    .flatMap((c) => {
      // The engine gives each report's exact position and message id; the expect comment says which lines must be reported.
      const results = lint(c.files.map((f) => ({ path: f.path, text: f.text })), { config: defaultConfig(), host });
      return c.files.flatMap((f) => {
        const wanted = f.expected.filter((e) => e.startsWith(`${id}@`));
        if (wanted.length === 0) return [];
        const mine = results.find((r) => r.filePath === f.path)!.diagnostics.filter((d) => d.ruleId === `onion/${id}`);
        const lineOf = (o: number) => f.text.slice(0, o).split('\n').length;
        const colOf = (o: number) => o - f.text.lastIndexOf('\n', o - 1);
        const errors = mine.map((d) => ({
          messageId: d.messageId!,
          line: lineOf(d.range.start),
          column: colOf(d.range.start),
          endLine: lineOf(d.range.end),
          endColumn: colOf(d.range.end),
          // Suggestions (respond-once's `return`): the same message ids and the same text once applied.
          ...(d.suggestions?.length ? { suggestions: d.suggestions.map((sg) => ({ messageId: sg.messageId, output: applyFixes(f.text, [sg.fix]).output })) } : {}),
        }));
        // The test fails here too if the engine's lines drift from the expect comment.
        const lines = errors.map((e) => `${id}@${e.line}`).sort();
        if (JSON.stringify(lines) !== JSON.stringify([...wanted].sort())) throw new Error(`${f.relPath}: engine reports ${lines.join(', ')} but the fixture expects ${wanted.join(', ')}`);
        const fixes = mine.filter((d) => d.fix).map((d) => d.fix!);
        const output = fixes.length ? applyFixes(f.text, fixes).output : null;
        // Reports of other rules in the same file are other rules' business here.
        return [{ code: f.text, filename: f.path, name: `${c.name}: ${f.relPath}`, errors, output }];
      });
    });
  ruleTester.run(id, plugin.rules[id] as never, { valid, invalid: invalid as never });
}
