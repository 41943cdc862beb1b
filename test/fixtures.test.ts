/**
 * Drives every rule fixture through the engine (fixtures/README.md):
 * - a valid case yields no report of any rule;
 * - an invalid case yields exactly the reports its `// expect:` comments list (as a multiset of
 *   `rule@line` per file), and its rendering (code, underlined range, message, fixed output)
 *   matches the snapshot under test/__snapshots__/fixtures/;
 * - every fix produces code that still parses and re-lints without that rule's report.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint, type FileResult, type LintHost } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import type { Fix } from '../src/model.js';
import { allRules } from '../rules/index.js';
import { allFixtureCases, fixtureCases, fixtureRules, repoRoot, type FixtureCase } from './fixture-cases.js';
import { renderFiles, reportKeys } from './render.js';
import { diskHost } from './helpers.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';

// lint() is synchronous: Python cases need the grammar loaded first.
await ensurePythonParser();


function lintCase(c: FixtureCase, texts?: Map<string, string>): FileResult[] {
  const inputs = c.files.map((f) => ({ path: f.path, text: texts?.get(f.path) ?? f.text }));
  return lint(inputs, { config: defaultConfig(), host: diskHost });
}

function fixesOf(result: FileResult): Fix[] {
  return result.diagnostics.flatMap((d) => (d.fix ? [d.fix] : []));
}

/** Rules whose invalid fixtures produced at least one fix. */
const casesWithFixes = new Set<string>();

for (const rule of fixtureRules()) {
  describe(rule, () => {
    for (const c of fixtureCases(rule)) {
      const label = `${c.kind}/${c.name}`;
      if (c.kind === 'valid') {
        it(`${label} has no reports`, () => {
          const results = lintCase(c);
          const reports = results.flatMap((r) => reportKeys(r.text, r.diagnostics).map((k) => `${k} in ${r.filePath}`));
          expect(reports).toEqual([]);
        });
        continue;
      }

      it(`${label} reports exactly what its expect comments say`, async () => {
        const results = lintCase(c);
        for (const [i, result] of results.entries()) {
          const file = c.files[i]!;
          const actual = reportKeys(result.text, result.diagnostics).sort();
          expect(actual, file.relPath).toEqual([...file.expected].sort());
        }
        const fixed = new Map<string, string>();
        const rendered = renderFiles(
          results.map((result, i) => {
            const fixes = fixesOf(result);
            const after = fixes.length > 0 ? applyFixes(result.text, fixes).output : undefined;
            if (after !== undefined) fixed.set(result.filePath, after);
            // Messages may name absolute paths; the snapshot must not depend on where the checkout is.
            const diagnostics = result.diagnostics.map((d) => ({ ...d, message: d.message.split(repoRoot).join('<repo>') }));
            return { name: c.files[i]!.relPath, text: result.text, diagnostics, ...(after !== undefined ? { fixed: after } : {}) };
          }),
        );
        await expect(rendered).toMatchFileSnapshot(`./__snapshots__/fixtures/${rule}/${c.name}.snap`);

        // --fix: the fixed files still parse, and the rules that fixed them report nothing again —
        // except the reports that had no fix to begin with (another exit of the same handler).
        if (fixed.size > 0) {
          const fixedRules = new Set(results.flatMap((r) => r.diagnostics.filter((d) => d.fix).map((d) => d.ruleId)));
          for (const id of fixedRules) casesWithFixes.add(String(id).replace(/^onion\//, ''));
          const unfixable = (r: FileResult) =>
            r.diagnostics.filter((d) => fixedRules.has(d.ruleId) && !d.fix).map((d) => `${d.ruleId}: ${d.message}`).sort();
          const again = lintCase(c, fixed);
          for (const [i, r] of again.entries()) {
            expect(r.diagnostics.filter((d) => d.fatal).map((d) => d.message), `${r.filePath} after --fix`).toEqual([]);
            const left = r.diagnostics.filter((d) => fixedRules.has(d.ruleId)).map((d) => `${d.ruleId}: ${d.message}`).sort();
            expect(left, `${r.filePath} after --fix`).toEqual(unfixable(results[i]!));
          }
        }
      });
    }
  });
}

describe('fixable rules', () => {
  // Runs after the fixture suites above (vitest runs tests in declaration order within a file).
  for (const rule of allRules.filter((r) => r.meta.fixable)) {
    it(`${rule.meta.id}: some invalid fixture exercises its fix`, () => {
      expect(casesWithFixes.has(rule.meta.id)).toBe(true);
    });
  }
});

describe('fixture snapshots', () => {
  it('every snapshot file belongs to an invalid case (no leftovers of renamed cases)', () => {
    const dir = join(repoRoot, 'test', '__snapshots__', 'fixtures');
    const expected = new Set(allFixtureCases().filter((c) => c.kind === 'invalid').map((c) => `${c.rule}/${c.name}.snap`));
    const present = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .flatMap((e) => readdirSync(join(dir, e.name)).map((f) => `${e.name}/${f}`))
      : [];
    expect(present.filter((f) => !expected.has(f))).toEqual([]);
  });
});
