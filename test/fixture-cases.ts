/**
 * Discovery of the rule fixtures (fixtures/README.md describes the layout):
 * `fixtures/<rule>/{valid,invalid}/<case>` where a case is one source file, or a folder whose
 * source files are linted together (multi-file cases: a base class imported from another file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSourceFile } from '../src/engine.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesRoot = join(repoRoot, 'fixtures');

/** Folders under fixtures/ that are not a rule's fixtures. */
const NOT_RULES = new Set(['demo']);

export interface FixtureFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the repository root, with forward slashes (for names and snapshots). */
  relPath: string;
  text: string;
  /** For invalid cases: the expected reports as `rule@line`, from the first-line comment. */
  expected: string[];
}

export interface FixtureCase {
  rule: string;
  kind: 'valid' | 'invalid';
  /** The file or folder name, e.g. `forgot-return.ts` or `inherited-base`. */
  name: string;
  files: FixtureFile[];
}

const EXPECT = /^\s*(?:\/\/|#)\s*expect:(.*)$/;

/**
 * Reads the first line's `// expect: rule@line, rule@line` (or `// expect: none`).
 * Returns undefined when the first line is not an expectation comment.
 */
export function parseExpectation(text: string): string[] | undefined {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const m = EXPECT.exec(firstLine);
  if (!m) return undefined;
  const body = m[1]!.trim();
  if (body === '' || body === 'none') return [];
  return body.split(',').map((s) => s.trim()).filter(Boolean);
}

function toPosix(p: string): string {
  return p.split('\\').join('/');
}

function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSourceFiles(full));
    else if (isSourceFile(full)) out.push(full);
  }
  return out;
}

function readFixtureFile(path: string, kind: 'valid' | 'invalid'): FixtureFile {
  const text = readFileSync(path, 'utf8');
  const expected = parseExpectation(text);
  const relPath = toPosix(relative(repoRoot, path));
  if (kind === 'invalid' && expected === undefined) {
    throw new Error(`${relPath}: an invalid fixture starts with \`// expect: rule@line, ...\` (or \`// expect: none\`)`);
  }
  return { path, relPath, text, expected: expected ?? [] };
}

/** The rule folders under fixtures/ (each has valid/ and/or invalid/). */
export function fixtureRules(): string[] {
  return readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_RULES.has(e.name))
    .map((e) => e.name)
    .filter((name) => ['valid', 'invalid'].some((k) => isDir(join(fixturesRoot, name, k))))
    .sort();
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every case of one rule, valid and invalid, in a stable order. */
export function fixtureCases(rule: string): FixtureCase[] {
  const cases: FixtureCase[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    const dir = join(fixturesRoot, rule, kind);
    if (!isDir(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        const files = listSourceFiles(full).map((f) => readFixtureFile(f, kind));
        if (files.length > 0) cases.push({ rule, kind, name: entry.name, files });
      } else if (isSourceFile(full)) {
        cases.push({ rule, kind, name: entry.name, files: [readFixtureFile(full, kind)] });
      }
    }
  }
  return cases;
}

export function allFixtureCases(): FixtureCase[] {
  return fixtureRules().flatMap((rule) => fixtureCases(rule));
}
