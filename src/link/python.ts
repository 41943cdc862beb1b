/**
 * Python modules for the link step: where an import or a dotted path written in a `.py` file leads,
 * read from the files alone (nothing is run, site-packages are never read).
 *
 * - Relative imports (`.base`, `..x.y`, `.` for the package's `__init__.py`) start from the
 *   importing file's package; absolute ones (`proj.settings.base`) are looked up under the
 *   project's Python roots, as `a/b/c.py` or `a/b/c/__init__.py`.
 * - The roots of a file: the configured `roots` (relative to the project folder), the folder of the
 *   nearest `manage.py`, the packages the nearest `pyproject.toml` declares (`[tool.setuptools]`
 *   `package-dir` and `packages.find.where`, poetry's `packages = [{ include, from }]`), a `src/`
 *   layout beside it, and the folder above the file's own top-level package.
 * - django-split-settings includes arrive as star imports of `file:<path>` (`file?:<path>` for
 *   `optional(...)`), relative to the including file's folder, globs as written: their matches are
 *   taken in sorted order, a missing optional file is skipped, a missing required one is unknown.
 * - A module that is not under a root (Django, third-party packages) is not the project's: unknown.
 *   Only a path whose first segment is a project package (a folder with `__init__.py` under a root,
 *   or a `.py` module there) can be proven missing.
 */
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { globSync } from 'tinyglobby';
import type { FileFacts, StackFact } from '../model.js';
import { isDirectory, isFile, readFromDisk } from './aliases.js';
import type { FactsLookup } from './resolve.js';

/** A `file:` (or optional `file?:`) source: a django-split-settings include. */
const FILE_SOURCE = /^file(\?)?:(.*)$/;

export function isPythonFile(path: string): boolean {
  return path.toLowerCase().endsWith('.py');
}

/** The Python project a file belongs to: its folder and its import roots. */
export interface PythonProject {
  /** The folder of `manage.py`, else of `pyproject.toml`, else the folder above the top package. */
  dir: string;
  roots: string[];
}

/** Roots declared in a `pyproject.toml` (setuptools and poetry forms), relative to its folder. */
export function pyprojectRoots(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const tool = record(doc.tool);
  const out: string[] = [];
  const setuptools = record(tool?.setuptools);
  const packageDir = record(setuptools?.['package-dir']);
  // `package-dir = { "" = "src" }` moves every package; `{ proj = "lib/proj" }` moves one.
  for (const [name, dir] of Object.entries(packageDir ?? {})) {
    if (typeof dir !== 'string') continue;
    out.push(name === '' ? dir : dirname(dir));
  }
  const find = record(record(setuptools?.packages)?.find);
  if (Array.isArray(find?.where)) for (const w of find.where) if (typeof w === 'string') out.push(w);
  const poetry = record(tool?.poetry);
  if (Array.isArray(poetry?.packages)) {
    for (const p of poetry.packages) {
      const from = record(p)?.from;
      out.push(typeof from === 'string' ? from : '.');
    }
  }
  return out;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Resolves Python modules; one per run, remembering each folder's project. */
export class PythonModules {
  private readonly projects = new Map<string, PythonProject>();

  constructor(private readonly configRoots: string[] = []) {}

  /** The project of the file's folder (see the module comment for the roots). */
  projectOf(file: string): PythonProject {
    const start = dirname(file);
    const known = this.projects.get(start);
    if (known) return known;
    let top = start;
    while (isFile(join(top, '__init__.py')) && dirname(top) !== top) top = dirname(top);
    let manage: string | undefined;
    let pyproject: string | undefined;
    for (let d = start; ; d = dirname(d)) {
      if (manage === undefined && isFile(join(d, 'manage.py'))) manage = d;
      if (pyproject === undefined && isFile(join(d, 'pyproject.toml'))) pyproject = d;
      if ((manage && pyproject) || dirname(d) === d) break;
    }
    const dir = manage ?? pyproject ?? top;
    const roots: string[] = this.configRoots.map((x) => (isAbsolute(x) ? x : resolve(dir, x)));
    if (manage) roots.push(manage);
    if (pyproject) {
      for (const x of pyprojectRoots(readFromDisk(join(pyproject, 'pyproject.toml')) ?? '')) roots.push(resolve(pyproject, x));
      roots.push(pyproject);
    }
    for (const base of [manage, pyproject]) if (base && isDirectory(join(base, 'src'))) roots.push(join(base, 'src'));
    roots.push(top);
    const project = { dir, roots: [...new Set(roots)] };
    this.projects.set(start, project);
    return project;
  }

  /** The module an import in `fromFile` names (`.base`, `proj.settings.base`, `file:x.py`): its facts, or undefined. */
  module(fromFile: string, source: string, lookup: FactsLookup): FileFacts | undefined {
    if (FILE_SOURCE.test(source)) {
      const files = this.included(fromFile, source, lookup);
      return files && files.length === 1 ? files[0] : undefined;
    }
    const path = this.locate(fromFile, source, (p) => lookup(p) !== undefined);
    return path === undefined ? undefined : lookup(path);
  }

  /** The file of a module an import in `fromFile` names (`.base`, `proj.settings.base`), among those `has` holds. */
  locate(fromFile: string, source: string, has: (path: string) => boolean): string | undefined {
    if (source.startsWith('.')) {
      const dots = /^\.+/.exec(source)![0].length;
      let dir = dirname(fromFile);
      for (let i = 1; i < dots; i++) dir = dirname(dir);
      const rest = source.slice(dots);
      if (!rest) return has(join(dir, '__init__.py')) ? join(dir, '__init__.py') : undefined;
      return this.at(dir, rest.split('.'), has);
    }
    for (const root of this.projectOf(fromFile).roots) {
      const found = this.at(root, source.split('.'), has);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The files a split-settings include names, in order (glob matches sorted; a missing optional
   * file is none); undefined when a required file is missing.
   */
  included(fromFile: string, source: string, lookup: FactsLookup): FileFacts[] | undefined {
    const m = FILE_SOURCE.exec(source);
    if (!m) return undefined;
    const optional = m[1] === '?';
    const pattern = m[2]!;
    const dir = dirname(fromFile);
    let paths: string[];
    if (/[*?[\]{}]/.test(pattern)) {
      try {
        paths = globSync(pattern, { cwd: dir, absolute: true, onlyFiles: true }).map((p) => resolve(p)).sort();
      } catch {
        return undefined;
      }
    } else paths = [resolve(dir, pattern)];
    const out: FileFacts[] = [];
    for (const path of paths) {
      if (path === resolve(fromFile)) continue;
      const facts = lookup(path);
      if (facts) out.push(facts);
      else if (!optional) return undefined;
    }
    return out;
  }

  /** `a/b/c.py` or `a/b/c/__init__.py` under a folder. */
  private at(dir: string, segments: string[], has: (path: string) => boolean): string | undefined {
    if (segments.some((s) => !/^\w+$/.test(s))) return undefined;
    const base = join(dir, ...segments);
    return [`${base}.py`, join(base, '__init__.py')].find(has);
  }

  /**
   * Why a dotted module path is not found, when its first segment is a project package: the first
   * missing dotted prefix (as Python's `ModuleNotFoundError` names it), the root, and a close name.
   * Undefined when the module exists or is not the project's.
   */
  missing(fromFile: string, module: string, nearest: (name: string, candidates: string[]) => string | undefined): { module: string; root: string; suggestion?: string } | undefined {
    const segments = module.split('.');
    if (segments.some((s) => !/^\w+$/.test(s))) return undefined;
    for (const root of this.projectOf(fromFile).roots) {
      const first = join(root, segments[0]!);
      if (!isFile(join(first, '__init__.py')) && !isFile(`${first}.py`)) continue;
      let dir = root;
      for (let i = 0; i < segments.length; i++) {
        const path = join(dir, segments[i]!);
        if (isDirectory(path)) {
          dir = path;
          continue;
        }
        if (isFile(`${path}.py`) && i === segments.length - 1) return undefined;
        // A compiled extension module (`fast.cpython-312-x86_64-linux-gnu.so`, `.pyd`) or bytecode alone: it exists.
        if (compiledModule(dir, segments[i]!)) return undefined;
        // `a.b` where `a/b.py` is a module and more follows, or nothing of that name at all.
        const missingAt = isFile(`${path}.py`) ? i + 1 : i;
        const missingDir = missingAt === i ? dir : path;
        const wanted = segments[missingAt]!;
        const suggestion = nearest(wanted, moduleNames(missingDir));
        const prefix = segments.slice(0, missingAt + 1).join('.');
        return { module: prefix, root, ...(suggestion ? { suggestion: [...segments.slice(0, missingAt), suggestion].join('.') } : {}) };
      }
      return undefined;
    }
    return undefined;
  }
}

/** Whether a folder holds a compiled module of that name (an extension module, or bytecode without source). */
function compiledModule(dir: string, name: string): boolean {
  try {
    return readdirSync(dir).some((n) => n.startsWith(`${name}.`) && /\.(?:so|pyd|pyc)$/.test(n));
  } catch {
    return false;
  }
}

/** The module and package names in a folder. */
function moduleNames(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isDirectory() && !e.name.startsWith('.') && e.name !== '__pycache__') || (e.isFile() && e.name.endsWith('.py') && e.name !== '__init__.py'))
      .map((e) => e.name.replace(/\.py$/, ''));
  } catch {
    return [];
  }
}

/** The run's Python modules: the lookup's own, or one without configured roots. */
export function pythonModules(lookup: FactsLookup): PythonModules {
  return lookup.python ?? new PythonModules();
}

type Found = { facts: FileFacts; stack: StackFact };
/** What a lookup of a list name gives: the list, or `unknown` (bound, but to nothing we can read), or undefined (not bound there). */
type ListLookup = Found | 'unknown' | undefined;

/**
 * The list a Python spread names: `NAME` as bound where the spread stands (`at`) in `facts` — by the
 * last import at or before it that binds NAME (by name, or a star import whose module defines it,
 * through that module's own star imports), never the module's own final list. A module that binds
 * the name by no import is a split-settings component: the includer's earlier includes bind it.
 * A spread standing on a star import is the front-end's "this import may rebind the list": when the
 * import binds no such list, the answer is `notBound` (the other alternative is the list).
 */
export function pythonListAt(
  facts: FileFacts,
  name: string,
  at: { start: number; end: number },
  lookup: FactsLookup,
  includers: (facts: FileFacts) => FileFacts[],
): Found | 'unknown' | 'notBound' {
  const modules = pythonModules(lookup);
  const [head, ...rest] = name.split('.');
  if (rest.length > 0) {
    // `base.MIDDLEWARE` through `from . import base` / `import proj.settings.base as base`.
    const imp = [...facts.imports].reverse().find((i) => i.range.start <= at.end && (i.local === head || i.local === name.slice(0, name.lastIndexOf('.'))));
    if (!imp) return 'unknown';
    const module = imp.local === head && imp.imported !== '*' ? modules.module(facts.path, `${imp.source}${imp.source.endsWith('.') ? '' : '.'}${imp.imported}`, lookup) : modules.module(facts.path, imp.source, lookup);
    if (!module) return 'unknown';
    const found = definedIn(module, name.slice(name.lastIndexOf('.') + 1), modules, lookup, new Set());
    return found && found !== 'unknown' ? found : 'unknown';
  }
  const bound = boundBy(facts, name, (i) => facts.imports[i]!.range.start <= at.end);
  if (bound.result !== undefined) return bound.result;
  if (bound.rebinds) return 'notBound';
  // A split-settings component editing a list it never binds: the includer's namespace (one includer only).
  const by = includers(facts);
  const includer = by.length === 1 ? by[0]! : undefined;
  const index = includer ? includer.imports.findIndex((i) => modules.included(includer.path, i.source, lookup)?.some((f) => f.path === facts.path)) : -1;
  if (!includer || index < 0) return 'unknown';
  // Files of the same include (a glob) before this one, then the includer's earlier includes.
  const within = modules.included(includer.path, includer.imports[index]!.source, lookup)!;
  for (const f of within.slice(0, within.findIndex((f) => f.path === facts.path)).reverse()) {
    const found = definedIn(f, name, modules, lookup, new Set());
    if (found !== undefined) return found;
  }
  return boundBy(includer, name, (i) => i < index).result ?? 'unknown';

  function boundBy(module: FileFacts, wanted: string, counts: (index: number) => boolean): { result: ListLookup; rebinds: boolean } {
    const seen = new Set<string>();
    let rebinds = false;
    for (let i = module.imports.length - 1; i >= 0; i--) {
      if (!counts(i)) continue;
      const imp = module.imports[i]!;
      // The spread the front-end wrote for a star import that may rebind the list sits on that import.
      if (imp.local === '*' && imp.range.start === at.start && imp.range.end === at.end && module === facts) rebinds = true;
      const found = bindingOf(module, imp, wanted, modules, lookup, seen);
      if (found !== undefined) return { result: found, rebinds };
      if (rebinds) return { result: undefined, rebinds };
    }
    return { result: undefined, rebinds };
  }
}

/** What one import binds `name` to: undefined when it does not bind it. */
function bindingOf(module: FileFacts, imp: FileFacts['imports'][number], name: string, modules: PythonModules, lookup: FactsLookup, seen: Set<string>): ListLookup {
  if (imp.local === '*') {
    const targets = FILE_SOURCE.test(imp.source) ? modules.included(module.path, imp.source, lookup) : [modules.module(module.path, imp.source, lookup)];
    if (targets === undefined) return 'unknown';
    for (const target of [...targets].reverse()) {
      // A star import of a module we cannot read (a package, or a file that is not there) may bind anything.
      if (!target) return imp.source.startsWith('.') ? undefined : 'unknown';
      const found = definedIn(target, name, modules, lookup, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (imp.local !== name) return undefined;
  const target = modules.module(module.path, imp.source, lookup);
  if (!target) return 'unknown';
  return definedIn(target, imp.imported, modules, lookup, seen) ?? 'unknown';
}

/** The list `name` a module holds at its end: its own, or the one its imports bind. */
function definedIn(module: FileFacts, name: string, modules: PythonModules, lookup: FactsLookup, seen: Set<string>): ListLookup {
  const key = `${module.path}#${name}`;
  if (seen.has(key)) return 'unknown';
  seen.add(key);
  const own = module.stacks.find((s) => s.setting === name);
  if (own) return { facts: module, stack: own };
  if (module.declarations[name] !== undefined) return 'unknown';
  for (let i = module.imports.length - 1; i >= 0; i--) {
    const found = bindingOf(module, module.imports[i]!, name, modules, lookup, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The Python files among `all` that include `target` by a split-settings `include(...)`. */
export function includersOf(target: FileFacts, all: FileFacts[], lookup: FactsLookup): FileFacts[] {
  const modules = pythonModules(lookup);
  return all.filter(
    (f) => f !== target && f.language === 'python' && f.imports.some((i) => FILE_SOURCE.test(i.source) && modules.included(f.path, i.source, lookup)?.some((x) => x.path === target.path)),
  );
}

/** The string a Python module-level name holds, when an import binds it to another module's string constant. */
export function pythonConstant(facts: FileFacts, name: string, lookup: FactsLookup, depth = 0): string | undefined {
  // A name the module binds itself (to something that is no string literal) is not an imported constant.
  if (name.includes('.') || depth > 20 || (depth === 0 && name in facts.declarations)) return undefined;
  const modules = pythonModules(lookup);
  for (let i = facts.imports.length - 1; i >= 0; i--) {
    const imp = facts.imports[i]!;
    if (imp.local === name) {
      const target = modules.module(facts.path, imp.source, lookup);
      if (!target) return undefined;
      const value = target.constants[imp.imported];
      return typeof value === 'string' ? value : pythonConstant(target, imp.imported, lookup, depth + 1);
    }
    if (imp.local === '*' && !FILE_SOURCE.test(imp.source)) {
      const target = modules.module(facts.path, imp.source, lookup);
      if (!target) return undefined;
      const value = target.constants[name];
      if (typeof value === 'string') return value;
      if (name in target.declarations) return undefined;
    }
  }
  return undefined;
}
