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

export interface WalkResult {
  /** Absolute paths of the source files to lint, sorted. */
  files: string[];
  /** Arguments that name nothing on disk. */
  missing: string[];
}

/** Folders that never hold the project's own source. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/**
 * Expands paths as a linter's command line does: files are taken as given (when they are source
 * files), folders are walked honouring .gitignore files (each applying to its own subtree) and
 * the ignore patterns. Symbolic links are not followed, so loops and links that leave the
 * project cannot be entered.
 */
export function collectFiles(paths: string[], options: WalkOptions): WalkResult {
  const files = new Set<string>();
  const missing: string[] = [];
  const extra = ignore().add(options.ignorePatterns);
  const ignoredByPatterns = (abs: string, isDir: boolean) => {
    if (options.ignorePatterns.length === 0) return false;
    const rel = relative(options.cwd, abs);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = rel.split(sep).join('/');
    return extra.ignores(isDir ? `${posix}/` : posix);
  };
  for (const given of paths.length ? paths : ['.']) {
    const abs = resolve(options.cwd, given);
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      missing.push(given);
      continue;
    }
    if (stat.isSymbolicLink()) {
      // A link named explicitly is followed once, as shells and linters do; links inside folders are not.
      if (!existsSync(abs)) {
        missing.push(given);
        continue;
      }
      stat = statSync(abs);
    }
    if (stat.isDirectory()) {
      const rules = gitignoreChain(abs, options);
      walk(abs, rules, options, ignoredByPatterns, files);
    } else if (stat.isFile() && isSourceFile(abs) && !ignoredByPatterns(abs, false)) {
      files.add(abs);
    }
  }
  return { files: [...files].sort(), missing };
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

/** The .gitignore files that apply to a folder: its own and its ancestors' up to the repository root. */
function gitignoreChain(dir: string, options: WalkOptions): IgnoreLayer[] {
  if (!options.useGitignore) return [];
  const chain: IgnoreLayer[] = [];
  let cur = dirname(dir);
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

function walk(dir: string, inherited: IgnoreLayer[], options: WalkOptions, ignoredByPatterns: (abs: string, isDir: boolean) => boolean, out: Set<string>): void {
  const own = options.useGitignore ? readGitignore(dir) : undefined;
  const layers = own ? [...inherited, own] : inherited;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isSymbolicLink()) continue;
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      if (isIgnored(abs, true, layers) || ignoredByPatterns(abs, true)) continue;
      walk(abs, layers, options, ignoredByPatterns, out);
    } else if (entry.isFile() && isSourceFile(abs)) {
      if (isIgnored(abs, false, layers) || ignoredByPatterns(abs, false)) continue;
      out.add(abs);
    }
  }
}

/** Resolves a path for messages relative to the working directory. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

