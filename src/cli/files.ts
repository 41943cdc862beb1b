import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isSourceFile } from '../engine.js';

export interface WalkOptions {
  cwd: string;
  /** Honour .gitignore files (off with --no-ignore). */
  useGitignore: boolean;
  /** Extra gitignore-style patterns (--ignore-pattern, config ignorePatterns), relative to cwd. */
  ignorePatterns: string[];
}

/** Why a path argument yields no file to lint. */
export type UnmatchedReason = 'missing' | 'ignored' | 'none';

export interface WalkResult {
  /** Absolute paths of the source files to lint, sorted. */
  files: string[];
  /** Source files named explicitly that an ignore rule excludes (absolute, sorted): reported, not linted. */
  ignored: string[];
  /** Arguments that yield no file to lint, in the order given: nothing on disk, only ignored files, no source file. */
  unmatched: Array<{ path: string; reason: UnmatchedReason }>;
}

/** Folders that never hold the project's own source. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/** ESLint's words, so that people and tools that know them recognise them. */
export const IGNORED_FILE_MESSAGE = 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.';

export function unmatchedMessage({ path, reason }: { path: string; reason: UnmatchedReason }): string {
  if (reason === 'missing') return `No such file or directory: "${path}".`;
  if (reason === 'ignored') return `All files matched by '${path}' are ignored.`;
  return `No files matching the pattern "${path}" were found.`;
}

/** Whether a path is excluded, by the .gitignore layers given or by an ignore pattern. */
type IgnoreTest = (abs: string, isDir: boolean, layers: IgnoreLayer[]) => boolean;

function ignoreTest(options: WalkOptions): IgnoreTest {
  const extra = ignore().add(options.ignorePatterns);
  return (abs, isDir, layers) => {
    if (isIgnored(abs, isDir, layers)) return true;
    if (options.ignorePatterns.length === 0) return false;
    const rel = relative(options.cwd, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = rel.split(sep).join('/');
    return extra.ignores(isDir ? `${posix}/` : posix);
  };
}

/** Whether a file (which need not exist, as for --stdin-filename) is excluded by .gitignore files or ignore patterns. */
export function isPathIgnored(abs: string, options: WalkOptions): boolean {
  return ignoreTest(options)(abs, false, gitignoreLayers(dirname(abs), options));
}

/** Nothing excluded: what --no-ignore would walk. */
const NO_IGNORE: IgnoreTest = () => false;

/**
 * Expands paths as a linter's command line does: files are taken as given (when they are source
 * files; an ignored one is set aside to be reported), folders are walked honouring .gitignore files
 * (each applying to its own subtree) and the ignore patterns. Symbolic links are not followed, so
 * loops and links that leave the project cannot be entered. A folder that yields nothing is
 * `unmatched`: 'ignored' when --no-ignore would find a source file in it, else 'none'.
 */
export function collectFiles(paths: string[], options: WalkOptions): WalkResult {
  const files = new Set<string>();
  const ignored = new Set<string>();
  const unmatched: WalkResult['unmatched'] = [];
  const ignores = ignoreTest(options);
  for (const given of paths.length ? paths : ['.']) {
    const abs = resolve(options.cwd, given);
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      unmatched.push({ path: given, reason: 'missing' });
      continue;
    }
    if (stat.isSymbolicLink()) {
      // A link named explicitly is followed once, as shells and linters do; links inside folders are not.
      if (!existsSync(abs)) {
        unmatched.push({ path: given, reason: 'missing' });
        continue;
      }
      stat = statSync(abs);
    }
    if (stat.isDirectory()) {
      const layers = gitignoreLayers(abs, options);
      const found: string[] = [];
      walk(abs, layers, options, ignores, found);
      for (const f of found) files.add(f);
      if (found.length === 0) {
        const anyUnignored: string[] = [];
        walk(abs, [], { ...options, useGitignore: false }, NO_IGNORE, anyUnignored, 1);
        unmatched.push({ path: given, reason: anyUnignored.length ? 'ignored' : 'none' });
      }
    } else if (stat.isFile() && isSourceFile(abs)) {
      if (ignores(abs, false, gitignoreLayers(dirname(abs), options))) ignored.add(abs);
      else files.add(abs);
    }
  }
  return { files: [...files].sort(), ignored: [...ignored].sort(), unmatched };
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

/** The .gitignore files that apply to a folder's entries: its own and its ancestors' up to the repository root. */
function gitignoreLayers(dir: string, options: WalkOptions): IgnoreLayer[] {
  if (!options.useGitignore) return [];
  const chain: IgnoreLayer[] = [];
  let cur = dir;
  const ancestors: string[] = [];
  for (;;) {
    ancestors.push(cur);
    if (existsSync(join(cur, '.git'))) break;
    const parent = dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const a of ancestors.reverse()) {
    const layer = readGitignore(a);
    if (layer) chain.push(layer);
  }
  return chain;
}

function readGitignore(dir: string): IgnoreLayer | undefined {
  try {
    const text = readFileSync(join(dir, '.gitignore'), 'utf8');
    return { base: dir, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

function isIgnored(abs: string, isDir: boolean, layers: IgnoreLayer[]): boolean {
  for (const layer of layers) {
    const rel = relative(layer.base, abs);
    if (!rel || rel.startsWith('..')) continue;
    const posix = rel.split(sep).join('/');
    if (layer.rules.ignores(isDir ? `${posix}/` : posix)) return true;
  }
  return false;
}

/** Adds the source files under `dir` to `out`, stopping once it holds `limit`; `layers` apply to the folder's entries. */
function walk(dir: string, layers: IgnoreLayer[], options: WalkOptions, ignores: IgnoreTest, out: string[], limit = Infinity): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (out.length >= limit) return;
    if (entry.isSymbolicLink()) continue;
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED.has(entry.name) || ignores(abs, true, layers)) continue;
      const own = options.useGitignore ? readGitignore(abs) : undefined;
      walk(abs, own ? [...layers, own] : layers, options, ignores, out, limit);
    } else if (entry.isFile() && isSourceFile(abs) && !ignores(abs, false, layers)) {
      out.push(abs);
    }
  }
}

/** Resolves a path for messages relative to the working directory. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

