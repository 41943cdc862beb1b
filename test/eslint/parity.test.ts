import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSourceFile } from '../../src/engine.js';
import { allFixtureCases, engineReports, eslintReports, eslintWithOnion, repoRoot } from './shared.js';

/**
 * ESLint and the CLI are two fronts of one engine: over every fixture and the demo, ESLint's
 * reports (same file, rule, line, column) must equal the engine's.
 */
describe('ESLint reports what the CLI reports', () => {
  const eslint = eslintWithOnion();

  it('on every fixture case, valid and invalid, unit and stack rules', async () => {
    // ESLint lints JavaScript and TypeScript; the Python cases are the CLI's alone.
    const cases = allFixtureCases().filter((c) => !c.files.some((f) => f.path.endsWith('.py')));
    expect(cases.length).toBeGreaterThan(200);
    const paths = cases.flatMap((c) => c.files.map((f) => f.path));
    const fromEslint = eslintReports(await eslint.lintFiles(paths)).sort();
    const fromEngine = cases.flatMap((c) => engineReports(c.files.map((f) => f.path))).sort();
    expect(fromEngine.length).toBeGreaterThan(100);
    expect(fromEslint).toEqual(fromEngine);
  });

  it('on the demo project', async () => {
    const demo = join(repoRoot, 'fixtures', 'demo');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (isSourceFile(p) && !p.endsWith('.py')) files.push(p);
      }
    };
    walk(demo);
    const fromEslint = eslintReports(await eslint.lintFiles(files)).sort();
    expect(fromEslint).toEqual(engineReports(files).sort());
    // The TypeScript shop's 11, the Koa app's 3, the Hono app's 3 and the Express app's 4 (its
    // middleware-order report is a stack rule's, on the app's registrations).
    expect(fromEslint.length).toBe(21);
  });
});
