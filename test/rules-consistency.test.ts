/**
 * Every rule is documented, listed and exercised the same way (STYLE.md, after typescript-eslint):
 * a doc page that names it, a README row that matches its metadata, every message id used in its
 * source, and fixture folders with enough cases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { fixtureCases, repoRoot } from './fixture-cases.js';

const MIN_VALID = 12;
const MIN_INVALID = 8;

interface ReadmeRow {
  severity: string;
  fixable: boolean;
}

/** Rows of README.md's rule tables (`| Rule | Default | Fixable | What it reports |`), by rule id. */
function readmeRows(): Map<string, ReadmeRow> {
  const rows = new Map<string, ReadmeRow>();
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  for (const line of readme.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const id = /`([a-z][a-z0-9-]*)`/.exec(cells[0] ?? '')?.[1];
    if (!id || cells.length < 4) continue;
    rows.set(id, { severity: cells[1]!.toLowerCase(), fixable: /^(yes|✓|🔧)/i.test(cells[2]!) });
  }
  return rows;
}

describe('rules are consistent with their docs, README and fixtures', () => {
  it('the registry is not empty and ids are unique', () => {
    const ids = allRules.map((r) => r.meta.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  const rows = readmeRows();
  for (const rule of allRules) {
    const { id } = rule.meta;
    describe(id, () => {
      it('has a doc page whose title names it', () => {
        const page = join(repoRoot, 'docs', 'rules', `${id}.md`);
        expect(existsSync(page), `docs/rules/${id}.md`).toBe(true);
        const title = readFileSync(page, 'utf8').split('\n').find((l) => l.startsWith('# '));
        expect(title, `title of docs/rules/${id}.md`).toMatch(new RegExp(`^# .*\\b${id}\\b`));
      });

      it('is listed in the README rule table with its default severity and fixability', () => {
        const row = rows.get(id);
        expect(row, `README.md row for ${id}`).toBeDefined();
        expect(row!.severity).toBe(rule.meta.severity);
        expect(row!.fixable).toBe(rule.meta.fixable === true);
      });

      it('uses every message id it declares', () => {
        const source = readFileSync(join(repoRoot, 'rules', `${id}.ts`), 'utf8');
        const unused = Object.keys(rule.meta.messages).filter(
          (messageId) => !source.includes(`'${messageId}'`) && !source.includes(`"${messageId}"`),
        );
        expect(unused).toEqual([]);
      });

      it(`has at least ${MIN_VALID} valid and ${MIN_INVALID} invalid fixture cases`, () => {
        const cases = existsSync(join(repoRoot, 'fixtures', id)) ? fixtureCases(id) : [];
        expect(cases.filter((c) => c.kind === 'valid').length).toBeGreaterThanOrEqual(MIN_VALID);
        expect(cases.filter((c) => c.kind === 'invalid').length).toBeGreaterThanOrEqual(MIN_INVALID);
      });

      // Every rule that judges Django units applies to Django projects in Python: each has its own
      // Python cases too. A rule only for Node frameworks (`contracts` without `django`), unit or stack rule, has none.
      it.skipIf(!(rule.meta.contracts ?? ['django']).includes('django'))(`has at least ${MIN_VALID} valid and ${MIN_INVALID} invalid Python fixture cases`, () => {
        const cases = existsSync(join(repoRoot, 'fixtures', id)) ? fixtureCases(id).filter((c) => c.files.some((f) => f.path.endsWith('.py'))) : [];
        expect(cases.filter((c) => c.kind === 'valid').length).toBeGreaterThanOrEqual(MIN_VALID);
        expect(cases.filter((c) => c.kind === 'invalid').length).toBeGreaterThanOrEqual(MIN_INVALID);
      });
    });
  }
});
