import { dirname, join, resolve } from 'node:path';
import type { FileFacts } from '../model.js';
import type { AliasResolver } from './aliases.js';
import { isPythonFile, pythonModules, type PythonModules } from './python.js';

export const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Looks up a file's facts (reading it on first use); undefined when the file does not exist. */
export interface FactsLookup {
  (path: string): FileFacts | undefined;
  /** Where a bare specifier leads when the project maps it to its own files (aliases.ts). */
  aliases?: AliasResolver;
  /** Python module resolution of the run (python.ts); one without configured roots when absent. */
  python?: PythonModules;
}

/**
 * Resolves a module specifier written in `fromFile`. From a Python file, as Python imports it
 * (python.ts). Otherwise, a relative one the way TypeScript's NodeNext and bundler resolution do for
 * source files: the exact file, a `.js` specifier written for a `.ts` source, an added extension,
 * or the folder's index file. A bare specifier is followed when the project's module aliases map it
 * to one of its files (`lookup.aliases`); other packages are external: undefined.
 */
export function resolveRelativeModule(fromFile: string, specifier: string, lookup: FactsLookup): FileFacts | undefined {
  // A Python file imports Python modules: packages, roots and `__init__.py` (python.ts).
  if (isPythonFile(fromFile)) return pythonModules(lookup).module(fromFile, specifier, lookup);
  if (isExternalSpecifier(specifier)) {
    const target = lookup.aliases?.(fromFile, specifier);
    return target === undefined ? undefined : resolveModulePath(target, lookup);
  }
  const base = resolve(dirname(fromFile), specifier);
  return resolveModulePath(base, lookup);
}

/** Resolves a module path without extension (`a/b` → `a/b.ts`, `a/b/index.js`, ...). */
export function resolveModulePath(base: string, lookup: FactsLookup): FileFacts | undefined {
  const candidates: string[] = [base];
  const jsLike = /\.(m|c)?jsx?$/.exec(base);
  if (jsLike) {
    const stem = base.slice(0, -jsLike[0].length);
    const flavour = jsLike[1] ?? '';
    candidates.push(`${stem}.${flavour}ts`, `${stem}.${flavour}tsx`);
    if (!flavour) candidates.push(`${stem}.tsx`);
  }
  for (const ext of RESOLVE_EXTENSIONS) candidates.push(base + ext);
  for (const ext of RESOLVE_EXTENSIONS) candidates.push(join(base, `index${ext}`));
  for (const candidate of candidates) {
    if (!RESOLVE_EXTENSIONS.some((ext) => candidate.endsWith(ext))) continue;
    const facts = lookup(candidate);
    if (facts) return facts;
  }
  return undefined;
}

/** A specifier of a package, an alias, a URL, `npm:` or `jsr:`: not a path of the project as written. */
export function isExternalSpecifier(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/');
}
