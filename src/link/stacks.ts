import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { OnionConfig } from '../config.js';
import { knowledgeBase, lastSegment, packageExportKey, type KnowledgeBase, type KnowledgeExtension, type KnownMiddleware } from '../knowledge/django.js';
import type { FileFacts, Framework, Range, RegistrationFact, StackEntryFact, StackFact, Unit } from '../model.js';
import type { NodeEntry, NodeGap } from './app-stacks.js';
import { includersOf, pythonConstant, pythonListAt, pythonModules } from './python.js';
import { pythonClassProblem, resolvePythonClass } from './python-classes.js';
import { resolveModulePath, resolveRelativeModule, type FactsLookup } from './resolve.js';
import { resolveBinding, resolveExport, type Binding } from './units.js';
import { packageSpecifier } from '../specifiers.js';

/** Why an entry resolves to nothing, with what a message needs to say. */
export type Unresolved =
  | { problem: 'unknownBuiltin'; suggestion?: string }
  | { problem: 'removed'; fate: string; replacement?: string }
  | { problem: 'missingModule'; module: string; root: string; suggestion?: string }
  | { problem: 'missingExport'; module: string; file: string; name: string; suggestion?: string }
  | { problem: 'notMiddleware'; file: string; name: string; why: string }
  /** A Python class Django cannot build with `get_response`: `error` is the start-up TypeError. */
  | { problem: 'notConstructible'; file: string; name: string; error: string }
  /** A plain Python class (no `MiddlewareMixin`) whose `process_request` / `process_response` never run. */
  | { problem: 'hooksNeverCalled'; file: string; name: string; hooks: string[] }
  /** A Python entry that is no dotted path (`"Timing"`, or the class object itself). */
  | { problem: 'notDottedPath'; error: string };

export type Resolution =
  | { kind: 'builtin'; known: KnownMiddleware }
  | { kind: 'project'; unit: Unit; filePath: string; known?: KnownMiddleware }
  | { kind: 'external'; source: string; name: string; known?: KnownMiddleware }
  | ({ kind: 'unresolved' } & Unresolved)
  | { kind: 'unknown' };

export interface StackEntry {
  fact: StackEntryFact;
  /** The file the entry is written in (a base settings file for spread entries). */
  filePath: string;
  /** Short name for messages: the class name. */
  label: string;
  resolution: Resolution;
  /** Same identity, same middleware: a dotted path and an imported class naming one thing agree. */
  identity: string;
  /**
   * What no-duplicate-middleware compares: the identity, except that a factory call is its own
   * layer unless another call of the same factory has the same literal arguments.
   */
  duplicateKey: string;
  /** Request attributes it sets / reads in its request half, with where the read is (project code). */
  sets: string[];
  needs: Array<{ attribute: string; filePath?: string; range?: Range }>;
  /** Entries of a Node app's stack: the registration and what the layer is. */
  node?: NodeEntry;
}

export interface Stack {
  setting: string;
  filePath: string;
  nameRange: Range;
  entries: StackEntry[];
  /** Some entry could not be known (an unresolved spread, a computed value): presence checks are off. */
  open: boolean;
  /** Not spread into another settings list of the project: the list Django would run. */
  final: boolean;
  /** INSTALLED_APPS of the same settings module, when it declares one with known entries. */
  installedApps?: string[];
  /** The same, with the entries present in some configurations only (`if DEBUG:`). */
  possibleApps?: string[];
  constants: Record<string, string | number | boolean>;
  /** A Node app's registrations (src/link/app-stacks.ts): every entry has a `node`. Absent for settings lists. */
  framework?: Framework;
  /** With `framework`: an application (`express()`), or a router or configure function no app of the run mounts. */
  appRole?: 'app' | 'router' | 'parameter';
  /** A Node app's calls handing it to functions that could not be followed (`configure(app)` of a package): the picture shows them. */
  gaps?: NodeGap[];
  /**
   * Hono: registrations made on a sub-app of the file after `app.route(prefix, sub)` copied its
   * routes (`route` and `routeReceiver`: that call and its app, `<file>#<name>`): not under the prefix.
   */
  uncopied?: Array<{ filePath: string; registration: RegistrationFact; receiver: string; route: RegistrationFact; routeReceiver: string }>;
}

/** What a stack rule sees besides the common context. */
export interface StackContext {
  filePath: string;
  stack: Stack;
  knowledge: KnowledgeBase;
  presets: string[];
  /** Whether the nearest package.json above a file declares a package with a range inside `range` (version-dependent Node constraints). */
  packageMatches?: (filePath: string, name: string, range: string) => boolean;
}

/** The nearest folder above a file with a package.json or tsconfig.json (the file's own folder when there is none). */
export function projectRoot(file: string): string {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tsconfig.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(file);
    dir = parent;
  }
}

/** Whether a package of that name is installed above the root (a dotted path into a dependency). */
function isInstalledPackage(root: string, name: string): boolean {
  let dir = root;
  for (;;) {
    if (existsSync(join(dir, 'node_modules', name))) return true;
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function nearest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  // A suggestion is worth making only for a plausible typo.
  return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 6)) ? best : undefined;
}

// fastest-levenshtein is CommonJS; load it once through createRequire-free default import.
import { distance as levenshtein } from 'fastest-levenshtein';

interface Resolver {
  lookup: FactsLookup;
  knowledge: KnowledgeBase;
  config: OnionConfig;
  /** The files of the run that include a given one (django-split-settings). */
  includers: (facts: FileFacts) => FileFacts[];
}

function describeUnitProblem(binding: Binding): string | undefined {
  if (binding.kind !== 'unit') return undefined;
  const unit = binding.unit;
  if (unit.kind === 'factory') return undefined;
  // A Python base (`MiddlewareMixin`, a project base) may supply `__call__` even where the class has its own `__init__`.
  if (binding.facts.language === 'python' && unit.base) return undefined;
  // process_request / process_response make no handler: only a mixin base (evidence `base`) calls them.
  const hooks = Object.keys(unit.hooks).filter((h) => h !== 'processRequest' && h !== 'processResponse');
  if (!unit.handler && hooks.length === 0 && unit.evidence !== 'base') return 'it has no handler (`call`, `__call__` or `handle`)';
  return undefined;
}

/**
 * What the knowledge base knows of `name` imported from `source`: by package and export for the
 * packages it describes (Alexi's), else by class name for a Django port (`SessionMiddleware` from
 * any other package is Django's).
 */
function knownExport(knowledge: KnowledgeBase, source: string, name: string, form: 'reference' | 'call'): KnownMiddleware | undefined {
  const pkg = describedPackage(knowledge, source);
  return pkg !== undefined ? knowledge.byExport.get(packageExportKey(pkg, name, form)) : knowledge.byName.get(lastSegment(name));
}

/** The package `source` names when the knowledge base describes its exports (Alexi's). */
function describedPackage(knowledge: KnowledgeBase, source: string): string | undefined {
  const pkg = packageSpecifier(source);
  return pkg !== undefined && knowledge.describedPackages.has(pkg) ? pkg : undefined;
}

/**
 * An entry (or base class) that names an export of a package the knowledge base describes, found
 * from the import as written: the project's module aliases and import maps are not consulted.
 */
function describedImport(facts: FileFacts, value: string, knowledge: KnowledgeBase, form: 'reference' | 'call'): Extract<Resolution, { kind: 'external' }> | undefined {
  const [head, ...rest] = value.split('.');
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp || describedPackage(knowledge, imp.source) === undefined || (imp.imported === '*' && rest.length === 0)) return undefined;
  const name = imp.imported === '*' ? rest.join('.') : [imp.imported, ...rest].join('.');
  const known = knownExport(knowledge, imp.source, name, form);
  return known ? { kind: 'external', source: imp.source, name, known } : undefined;
}

/** A project unit found for an entry: a class, a factory, or the class a called factory returns. */
function unitResolution(binding: Binding, knowledge: KnowledgeBase, lookup: FactsLookup, form: 'reference' | 'call' = 'reference'): Resolution | undefined {
  if (binding.kind === 'external') {
    const known = knownExport(knowledge, binding.source, binding.name, form);
    return { kind: 'external', source: binding.source, name: binding.name, ...(known ? { known } : {}) };
  }
  if (binding.kind !== 'unit') return undefined;
  const unit = binding.unit;
  // A project subclass of a known built-in provides what its base provides.
  let known: KnownMiddleware | undefined;
  if (unit.base) {
    const described = describedImport(binding.facts, unit.base.name, knowledge, 'reference');
    const base = described ? undefined : resolveBinding(binding.facts, unit.base.name, lookup);
    if (described) known = described.known;
    else if (base?.kind === 'external') known = knownExport(knowledge, base.source, base.name, 'reference');
    else if (base?.kind === 'unknown') known = knowledge.byName.get(lastSegment(unit.base.name));
  }
  return { kind: 'project', unit, filePath: binding.facts.path, ...(known ? { known } : {}) };
}

/**
 * Django reads each MIDDLEWARE entry with `import_string`: a class or function object listed
 * itself (not its dotted path) fails at start-up, before any `rsplit`.
 */
function notAString(resolution: Resolution, entry: StackEntryFact, facts: FileFacts): Resolution {
  if (facts.language !== 'python' || entry.kind !== 'reference' || resolution.kind !== 'project') return resolution;
  const type = resolution.unit.kind === 'class' ? `type object '${resolution.unit.name}'` : "'function' object";
  return { kind: 'unresolved', problem: 'notDottedPath', error: `AttributeError: ${type} has no attribute 'rsplit'` };
}

/** What a module exports under `name`, when it is a unit (or an external class): the entry's resolution, or why it is no middleware. */
function exportedUnit(facts: FileFacts, name: string, r: Resolver): Resolution | undefined {
  const binding = resolveExport(facts, name, r.lookup);
  const resolution = unitResolution(binding, r.knowledge, r.lookup);
  if (!resolution) return undefined;
  const problem = describeUnitProblem(binding);
  return problem ? { kind: 'unresolved', problem: 'notMiddleware', file: facts.path, name, why: problem } : resolution;
}

function resolveDotted(path: string, settingsFile: string, language: FileFacts['language'], r: Resolver): Resolution {
  const builtin = r.knowledge.middleware.get(path);
  if (builtin) return { kind: 'builtin', known: builtin };
  const removed = r.knowledge.removed.get(path);
  if (removed) return { kind: 'unresolved', problem: 'removed', fate: removed.fate, ...(removed.replacement ? { replacement: removed.replacement } : {}) };
  const segments = path.split('.');
  if (segments[0] === 'django') {
    const suggestion = nearest(path, [...r.knowledge.middleware.keys()].filter((p) => p.startsWith('django.')));
    return { kind: 'unresolved', problem: 'unknownBuiltin', ...(suggestion ? { suggestion } : {}) };
  }
  if (language === 'python') {
    if (segments.length < 2 && /^\w+$/.test(path)) return { kind: 'unresolved', problem: 'notDottedPath', error: `ImportError: ${path} doesn't look like a module path` };
    return resolvePythonDotted(segments, settingsFile, r);
  }
  if (segments.length < 2 || segments.some((s) => !/^[A-Za-z_$][\w$-]*$/.test(s))) return { kind: 'unknown' };
  const name = segments[segments.length - 1]!;
  const moduleSegments = segments.slice(0, -1);
  const root = projectRoot(settingsFile);
  // Without configured roots: the project folder, and its src/ folder where most TypeScript lives.
  const roots = r.config.roots.length ? r.config.roots.map((x) => (isAbsolute(x) ? x : resolve(root, x))) : existsSync(join(root, 'src')) ? [root, join(root, 'src')] : [root];
  for (const base of roots) {
    const facts = resolveModulePath(join(base, ...moduleSegments), r.lookup);
    if (!facts) continue;
    const resolution = exportedUnit(facts, name, r);
    if (resolution) return resolution;
    const declared = facts.exports.some((e) => e.exported === name) || name in facts.declarations;
    if (declared) return { kind: 'unresolved', problem: 'notMiddleware', file: facts.path, name, why: 'its constructor (or factory) does not take the next layer as its first parameter' };
    return { kind: 'unresolved', problem: 'missingExport', module: moduleSegments.join('.'), file: facts.path, name };
  }
  if (isInstalledPackage(root, segments[0]!)) return { kind: 'external', source: segments[0]!, name };
  return { kind: 'unresolved', problem: 'missingModule', module: moduleSegments.join('.'), root: roots[0]! };
}

/**
 * A dotted path of a Python settings module, as Django's `import_string` loads it: the module
 * (everything before the last dot) under the project's Python roots, then the attribute. A module
 * outside the project (site-packages) is unknown; see python.ts for what can be proven missing.
 */
function resolvePythonDotted(segments: string[], settingsFile: string, r: Resolver): Resolution {
  if (segments.length < 2 || segments.some((s) => !/^\w+$/.test(s))) return { kind: 'unknown' };
  const name = segments[segments.length - 1]!;
  const module = segments.slice(0, -1).join('.');
  const modules = pythonModules(r.lookup);
  const facts = modules.module(settingsFile, module, r.lookup);
  if (!facts) {
    const missing = modules.missing(settingsFile, module, nearest);
    return missing ? { kind: 'unresolved', problem: 'missingModule', ...missing } : { kind: 'unknown' };
  }
  const cls = resolvePythonClass(facts, name, r.lookup);
  const classProblem = cls && cls !== 'external' ? pythonClassProblem(cls, r.lookup, r.knowledge, r.config) : undefined;
  if (classProblem) return { kind: 'unresolved', ...classProblem, file: (cls as { facts: FileFacts }).facts.path, name };
  const resolution = exportedUnit(facts, name, r);
  if (resolution) return resolution;
  // A class Django can build (or one whose bases we cannot read) that is not a unit: nothing proven.
  if (cls) return { kind: 'unknown' };
  // A function taking the request: Django calls it once at start-up with `get_response` instead.
  const fn = facts.pythonFunctions?.find((f) => f.name === name);
  if (fn && fn.firstParam === 'request' && !facts.imports.some((i) => i.local === name)) {
    return { kind: 'unresolved', problem: 'notMiddleware', file: facts.path, name, why: 'it is a function taking `request`, not a factory taking `get_response`' };
  }
  if (!pythonModuleLacks(facts, name, r.lookup, new Set())) return { kind: 'unknown' };
  if (modules.module(settingsFile, `${module}.${name}`, r.lookup)) {
    return { kind: 'unresolved', problem: 'notMiddleware', file: facts.path, name, why: 'it names a module, not a middleware class or factory in it' };
  }
  const suggestion = nearest(name, facts.exports.map((e) => e.exported).filter((e) => e !== '*'));
  return { kind: 'unresolved', problem: 'missingExport', module, file: facts.path, name, ...(suggestion ? { suggestion } : {}) };
}

/**
 * Whether a Python module certainly has no attribute `name`: it binds no such name, has no
 * module-level `__getattr__`, and every module it star-imports can be read and lacks it too.
 */
function pythonModuleLacks(facts: FileFacts, name: string, lookup: FactsLookup, seen: Set<string>): boolean {
  if (seen.has(facts.path)) return true;
  seen.add(facts.path);
  if (name in facts.declarations || '__getattr__' in facts.declarations) return false;
  for (const exp of facts.exports) {
    if (exp.exported === name) return false;
    if (exp.exported !== '*' || !exp.source) continue;
    const target = resolveRelativeModule(facts.path, exp.source, lookup);
    if (!target || !pythonModuleLacks(target, name, lookup, seen)) return false;
  }
  return true;
}

function resolveReference(value: string, facts: FileFacts, r: Resolver, isCall: boolean): Resolution {
  const described = describedImport(facts, value, r.knowledge, isCall ? 'call' : 'reference');
  if (described) return described;
  if (isCall) {
    // `corsMiddleware({...})` or `AuthenticationMiddleware.configure({...})`: the class it returns.
    const factory = findClassFactory(value, facts, r.lookup);
    if (factory) return unitResolution({ kind: 'unit', facts: factory.facts, unit: factory.unit }, r.knowledge, r.lookup) ?? { kind: 'unknown' };
    const binding = resolveBinding(facts, value, r.lookup);
    if (binding.kind === 'external') return unitResolution(binding, r.knowledge, r.lookup, 'call')!;
    // A static configure() on an imported external class: known by the class name.
    const head = value.split('.').slice(0, -1).join('.');
    if (head) {
      const owner = resolveBinding(facts, head, r.lookup);
      if (owner.kind === 'external') return unitResolution(owner, r.knowledge, r.lookup)!;
    }
    return { kind: 'unknown' };
  }
  const binding = resolveBinding(facts, value, r.lookup);
  const resolution = unitResolution(binding, r.knowledge, r.lookup);
  if (resolution) {
    const problem = describeUnitProblem(binding);
    return problem && binding.kind === 'unit' ? { kind: 'unresolved', problem: 'notMiddleware', file: binding.facts.path, name: value, why: problem } : resolution;
  }
  // A local class or function that is not middleware.
  if (!value.includes('.') && value in facts.declarations && !facts.imports.some((i) => i.local === value)) {
    return { kind: 'unresolved', problem: 'notMiddleware', file: facts.path, name: value, why: 'its constructor (or factory) does not take the next layer as its first parameter' };
  }
  const imp = facts.imports.find((i) => i.local === value.split('.')[0]);
  if (imp && (imp.source.startsWith('.') || resolveRelativeModule(facts.path, imp.source, r.lookup))) {
    const target = resolveRelativeModule(facts.path, imp.source, r.lookup);
    if (!target) return { kind: 'unresolved', problem: 'missingModule', module: imp.source, root: dirname(facts.path) };
    // Imported by name from a project module that declares it, but not as middleware.
    if (imp.imported !== '*' && imp.imported !== 'default' && !value.includes('.')) {
      const exp = target.exports.find((e) => e.exported === imp.imported && !e.source);
      if (exp && (exp.local ?? imp.imported) in target.declarations) {
        return { kind: 'unresolved', problem: 'notMiddleware', file: target.path, name: imp.imported, why: 'it does not take the next layer as its first parameter, or has no handler' };
      }
      if (!target.exports.some((e) => e.exported === imp.imported || e.exported === '*')) {
        return { kind: 'unresolved', problem: 'missingExport', module: imp.source, file: target.path, name: imp.imported };
      }
    }
  }
  return { kind: 'unknown' };
}

function findClassFactory(value: string, facts: FileFacts, lookup: FactsLookup): { facts: FileFacts; unit: Unit } | undefined {
  const local = facts.classFactories.find((f) => f.name === value);
  if (local) return { facts, unit: facts.units[local.returnsUnit]! };
  const [head, ...rest] = value.split('.');
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp) return undefined;
  const target = resolveRelativeModule(facts.path, imp.source, lookup);
  if (!target) return undefined;
  const exportedName = imp.imported === '*' ? rest.join('.') : [imp.imported, ...rest].join('.');
  const exp = target.exports.find((e) => e.exported === exportedName.split('.')[0]);
  const localName = [exp?.local ?? exportedName.split('.')[0], ...exportedName.split('.').slice(1)].join('.');
  const found = target.classFactories.find((f) => f.name === localName);
  return found ? { facts: target, unit: target.units[found.returnsUnit]! } : undefined;
}

function label(entry: StackEntryFact, resolution: Resolution): string {
  const value = entry.value;
  if (resolution.kind === 'builtin') return lastSegment(resolution.known.path);
  if (resolution.kind === 'project') return resolution.unit.name === 'default' ? lastSegment(value) : resolution.unit.name;
  const segments = value.split('.');
  const owner = segments[segments.length - 2];
  // `AuthenticationMiddleware.configure(...)` of a package: the class, not its static method.
  if (resolution.kind === 'external' && entry.kind === 'call' && owner !== undefined && (resolution.name.includes('.') || lastSegment(resolution.name) === owner)) return owner;
  return lastSegment(value);
}

function identity(entry: StackEntryFact, resolution: Resolution): string {
  switch (resolution.kind) {
    case 'builtin':
      return resolution.known.path;
    case 'project':
      return `${resolution.filePath}#${resolution.unit.range.start}`;
    case 'external':
      return resolution.known ? resolution.known.path : `${resolution.source}#${resolution.name}`;
    default:
      return `${entry.kind}:${entry.value}`;
  }
}

/** What a project unit sets and reads before its next-layer call (its own handler or its base's). */
export function projectAccesses(resolution: Extract<Resolution, { kind: 'project' }>): Pick<StackEntry, 'sets' | 'needs'> {
  const handler = resolution.unit.handler;
  const sets = new Set<string>(resolution.known?.sets ?? []);
  const needs: StackEntry['needs'] = (resolution.known?.needs ?? []).map((attribute) => ({ attribute }));
  if (handler) {
    for (const w of handler.requestWritesBeforeNext) sets.add(w.attribute);
    for (const read of handler.requestReadsBeforeNext) {
      // A read of what the handler itself writes first is no need of a layer above.
      const written = handler.requestWritesBeforeNext.find((w) => w.attribute === read.attribute);
      if (written && written.range.start < read.range.start) continue;
      if (!needs.some((n) => n.attribute === read.attribute)) needs.push({ attribute: read.attribute, filePath: resolution.filePath, range: read.range });
    }
  }
  return { sets: [...sets], needs };
}

interface Expanded {
  fact: StackEntryFact;
  filePath: string;
}

/** Expands spreads across modules; a cycle or an unknown spread becomes an `unknown` entry. */
function expand(facts: FileFacts, stack: StackFact, r: Resolver, seen: Set<string>, spreadInto: Set<string>): Expanded[] {
  const out: Expanded[] = [];
  /** Conditions whose star-import alternative binds nothing: their other alternative is certain. */
  const dropped: Array<number | undefined> = [];
  /** Entries whose condition is one of this module's (ids are counted per module). */
  const ownConditions = new Set<Expanded>();
  for (const entry of stack.entries) {
    if (entry.kind !== 'spread') {
      out.push({ fact: entry, filePath: facts.path });
      if (entry.condition) ownConditions.add(out.at(-1)!);
      continue;
    }
    const found = facts.language === 'python' ? pythonListAt(facts, entry.value, entry.range, r.lookup, r.includers) : findList(facts, entry.value, r.lookup);
    if (found === 'notBound') {
      // A star import that binds no such list leaves it as it was: only the other alternative remains.
      dropped.push(entry.condition?.id);
      continue;
    }
    const source = found === 'unknown' ? undefined : found;
    const key = source ? `${source.facts.path}#${source.stack.setting}` : '';
    if (!source || seen.has(key)) {
      out.push({ fact: { ...entry, kind: 'unknown' }, filePath: facts.path });
      continue;
    }
    spreadInto.add(key);
    const inner = expand(source.facts, source.stack, r, new Set([...seen, key]), spreadInto);
    for (const x of inner) {
      if (entry.condition && !x.fact.condition) {
        out.push({ ...x, fact: { ...x.fact, condition: entry.condition } });
        ownConditions.add(out.at(-1)!);
      } else out.push(x);
    }
  }
  if (dropped.length === 0) return placeInserted(out);
  return placeInserted(
    out.map((x) => {
      const c = x.fact.condition;
      if (!c || !ownConditions.has(x) || !dropped.includes(c.id)) return x;
      const { condition: _, ...fact } = x.fact;
      return { ...x, fact };
    }),
  );
}

/** An entry whose place in the list is certain (not partial, not conditional). */
function isCertain(x: Expanded): boolean {
  return x.fact.kind !== 'unknown' && x.fact.kind !== 'spread' && !x.fact.condition && !x.fact.positionUnknown;
}

/**
 * Places the entries a module inserted into a list it imported (`MIDDLEWARE.insert(1, x)` after
 * `from .base import *`), now that the list is expanded: an entry's `placement` counts in the list
 * as it stood before it, which is every entry before it here (the front-end adds such inserts last,
 * in order). Only where every entry counted is certain; otherwise the place stays unknown.
 */
function placeInserted(entries: Expanded[]): Expanded[] {
  if (!entries.some((x) => x.fact.placement)) return entries;
  const out: Expanded[] = [];
  for (const x of entries) {
    const at = x.fact.placement ? insertionPoint(out, x.fact.placement) : undefined;
    if (at === undefined) {
      out.push(x);
      continue;
    }
    const { placement: _placement, positionUnknown: _unknown, ...fact } = x.fact;
    out.splice(at, 0, { ...x, fact });
  }
  return out;
}

/** Where Python's `list.insert` puts an entry into `before`, when every entry that decides it is certain. */
function insertionPoint(before: Expanded[], placement: NonNullable<StackEntryFact['placement']>): number | undefined {
  let at: number;
  let counted: Expanded[];
  if ('index' in placement) {
    at = placement.index >= 0 ? Math.min(placement.index, before.length) : Math.max(0, before.length + placement.index);
    // Past the end, or from the end: the whole length counts.
    counted = placement.index >= 0 && placement.index < before.length ? before.slice(0, at) : before;
  } else {
    const found = before.findIndex((x) => x.fact.kind === 'string' && x.fact.value === placement.anchor);
    // Not there (Python raises ValueError at import), or an unknown entry may hold it first.
    if (found < 0) return undefined;
    at = found + placement.offset;
    if (at < 0 || at > before.length) return undefined;
    counted = before.slice(0, Math.max(found + 1, at));
  }
  return counted.every(isCertain) ? at : undefined;
}

/** The list a spread names: a list of this module, or one imported (through re-exports). */
function findList(facts: FileFacts, name: string, lookup: FactsLookup): { facts: FileFacts; stack: StackFact } | undefined {
  const [head, ...rest] = name.split('.');
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp) {
    const own = facts.stacks.find((s) => s.setting === name);
    return own ? { facts, stack: own } : undefined;
  }
  const target = resolveRelativeModule(facts.path, imp.source, lookup);
  if (!target) return undefined;
  const exported = imp.imported === '*' ? rest.join('.') : imp.imported;
  return findExportedList(target, exported, lookup, new Set());
}

function findExportedList(facts: FileFacts, exported: string, lookup: FactsLookup, seen: Set<string>): { facts: FileFacts; stack: StackFact } | undefined {
  const key = `${facts.path}#${exported}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  for (const exp of facts.exports) {
    if (exp.exported !== exported && exp.exported !== '*') continue;
    if (exp.source) {
      const target = resolveRelativeModule(facts.path, exp.source, lookup);
      const found = target && findExportedList(target, exp.exported === '*' ? exported : (exp.imported ?? exported), lookup, seen);
      if (found) return found;
      continue;
    }
    const stack = facts.stacks.find((s) => s.setting === (exp.local ?? exported));
    if (stack) return { facts, stack };
  }
  return undefined;
}

/**
 * Needs that depend on other settings of the same module: MessageMiddleware needs the session only
 * with a session-backed MESSAGE_STORAGE (the default FallbackStorage is); CsrfViewMiddleware needs
 * it when CSRF_USE_SESSIONS is on.
 */
function settingDependentNeeds(known: KnownMiddleware, constants: Record<string, string | number | boolean>): string[] {
  const path = known.equivalent ?? known.path;
  if (path === 'django.contrib.messages.middleware.MessageMiddleware') {
    const storage = constants.MESSAGE_STORAGE;
    if (typeof storage === 'string' && !/session|fallback/i.test(storage)) return [];
  }
  if (path === 'django.middleware.csrf.CsrfViewMiddleware' && constants.CSRF_USE_SESSIONS === true) return ['session'];
  return known.needs;
}

/** Source files in the same folder as a settings module that may import it. */
function siblingsOf(file: string, listDirectory: (dir: string) => string[]): string[] {
  const dir = dirname(file);
  const stem = file.slice(dir.length + 1).replace(/\.[^.]+$/, '');
  try {
    return listDirectory(dir)
      .filter((name) => (file.endsWith('.py') ? name.endsWith('.py') : /\.[cm]?[jt]sx?$/.test(name)) && !name.startsWith(`${stem}.`))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Resolves every settings stack of the given files. */
export function linkStacks(
  allFacts: FileFacts[],
  lookup: FactsLookup,
  config: OnionConfig,
  host?: { readFile(path: string): string | undefined; listDirectory?(dir: string): string[] },
): { stacks: Stack[]; listed: Set<Unit>; knowledge: KnowledgeBase } {
  const knowledge = knowledgeBase(config.knowledge as KnowledgeExtension[]);
  const r: Resolver = { lookup, knowledge, config, includers: (target) => includersOf(target, allFacts, lookup) };
  const listed = new Set<Unit>();
  const spreadInto = new Set<string>();
  const stacks: Stack[] = [];
  const stackNames = new Set([...config.names.stack, 'MIDDLEWARE_CLASSES']);
  for (const facts of allFacts) {
    for (const fact of facts.stacks) {
      if (fact.role !== 'setting' || !stackNames.has(fact.setting)) continue;
      const expanded = expand(facts, fact, r, new Set([`${facts.path}#${fact.setting}`]), spreadInto);
      const entries: StackEntry[] = expanded.map(({ fact: written, filePath }) => {
        const entryFacts = lookup(filePath) ?? facts;
        // A Python name bound to a string constant of another module (`from .constants import SILK`) is that dotted path.
        const constant = entryFacts.language === 'python' && written.kind === 'reference' ? pythonConstant(entryFacts, written.value, lookup) : undefined;
        const e: StackEntryFact = constant !== undefined ? { ...written, kind: 'string', value: constant } : written;
        const resolution: Resolution =
          e.kind === 'string'
            ? resolveDotted(e.value, filePath, entryFacts.language, r)
            : e.kind === 'reference' || e.kind === 'call'
              ? notAString(resolveReference(e.value, entryFacts, r, e.kind === 'call'), e, entryFacts)
              : { kind: 'unknown' };
        if (resolution.kind === 'project') listed.add(resolution.unit);
        const accesses =
          resolution.kind === 'project'
            ? projectAccesses(resolution)
            : resolution.kind === 'builtin' || (resolution.kind === 'external' && resolution.known)
              ? { sets: resolution.known!.sets, needs: settingDependentNeeds(resolution.known!, facts.constants).map((attribute) => ({ attribute })) }
              : { sets: [], needs: [] };
        // Each factory call builds its own configured class: two calls are two layers, unless they
        // call the same factory with the same literal arguments (or none), which builds one layer twice.
        const id = identity(e, resolution);
        // Exports of one package middleware share its identity (for ordering) but may be configured
        // differently (`CorsMiddleware`, `AllowAllOriginsCorsMiddleware`): only the same export is the same layer.
        const layer = resolution.kind === 'external' && resolution.known && describedPackage(r.knowledge, resolution.source) !== undefined ? `${id}:${resolution.name}` : id;
        const duplicateKey = e.kind !== 'call' ? layer : e.args !== undefined ? `${layer}(${e.args})` : `${layer}@${filePath}:${e.range.start}`;
        return { fact: e, filePath, label: label(e, resolution), resolution, identity: id, duplicateKey, ...accesses };
      });
      const apps = facts.stacks.find((s) => s.setting === 'INSTALLED_APPS');
      const appEntries = apps ? expand(facts, apps, r, new Set([`${facts.path}#INSTALLED_APPS`]), new Set()) : undefined;
      const appsKnown = appEntries && appEntries.every((x) => x.fact.kind === 'string');
      stacks.push({
        setting: fact.setting,
        filePath: facts.path,
        nameRange: fact.nameRange,
        entries,
        open: entries.some((x) => x.fact.kind === 'unknown' || x.resolution.kind === 'unknown'),
        final: true,
        ...(appsKnown ? { installedApps: appEntries!.filter((x) => !x.fact.condition).map((x) => x.fact.value), possibleApps: appEntries!.map((x) => x.fact.value) } : {}),
        constants: facts.constants,
      });
    }
  }
  // Settings modules beside a stack's own (settings/dev.ts beside settings/base.ts) may spread it even
  // when they were not given: look at them before calling a stack final.
  if (host?.listDirectory) {
    const given = new Set(allFacts.map((f) => f.path));
    for (const stack of stacks) {
      if (spreadInto.has(`${stack.filePath}#${stack.setting}`)) continue;
      const stem = stack.filePath.slice(dirname(stack.filePath).length + 1).replace(/\.[^.]+$/, '');
      for (const sibling of siblingsOf(stack.filePath, host.listDirectory.bind(host))) {
        // Only a module that names this one can spread it; the rest are not parsed.
        if (given.has(sibling) || !host.readFile(sibling)?.includes(stem)) continue;
        const facts = lookup(sibling);
        if (!facts) continue;
        for (const fact of facts.stacks) if (fact.role === 'setting') expand(facts, fact, r, new Set([`${facts.path}#${fact.setting}`]), spreadInto);
      }
    }
  }
  for (const stack of stacks) stack.final = !spreadInto.has(`${stack.filePath}#${stack.setting}`);
  return { stacks, listed, knowledge };
}
