import { basename, dirname, join } from 'node:path';
import type { OnionConfig } from '../config.js';
import { ERROR_NAMES, FRAMEWORK_WORDS, FRAMEWORKS } from '../frontends/ts/frameworks.js';
import type { FileFacts, Framework, FunctionCandidate, Unit } from '../model.js';
import type { LinkedUnit } from '../rules/api.js';
import { RESOLVE_EXTENSIONS, resolveRelativeModule, type FactsLookup } from './resolve.js';
import { projectRoot } from './stacks.js';
import { linkUnits, resolveExport, type UnitsOf } from './units.js';

/*
 * Framework detection across files (issue 11). The TypeScript front-end records, per file, the
 * registration arguments that name another module's export (`FrameworkUse`: `app.use(auth)` with
 * `auth` imported) and the exported functions that some framework could run as middleware but that
 * carry no evidence of it in their own file (`FunctionCandidate`: `export async function auth(ctx,
 * next)`). Here each use is followed through imports, re-exports, CommonJS and the project's module
 * aliases to the candidate it names; a candidate is judged only when the registrations reaching it
 * agree on one framework, that framework passes the next layer at the candidate's next position, and
 * the form matches (a factory must be called: `app.use(logger())`). It is then the unit that
 * framework's row builds (its contract and flow options). Anything else stays unjudged: a candidate
 * nothing registers (Redux middleware, helpers), one registered under two frameworks, an import that
 * does not resolve.
 *
 * A run given few files (ESLint lints one module; pre-commit the staged ones) also follows the
 * registrations of the project around its files: see `registrationsAround`.
 */

/** The units a resolution looks for: each candidate's first variant, named as the module binds it. */
const candidateUnits: UnitsOf = (facts) => (facts.functionCandidates ?? []).map((c) => c.variants[0]!);

interface Reach {
  facts: FileFacts;
  candidate: FunctionCandidate;
  frameworks: Set<Framework>;
  /** Some registration reaching it does not fit (another next position, a factory not called): unjudged. */
  unfit: boolean;
}

/**
 * The function units of the given files (`inputs`) that registrations in `registering` reach in
 * another module, linked as their framework builds them.
 */
export function linkFrameworkCandidates(registering: Iterable<FileFacts>, inputs: ReadonlySet<string>, lookup: FactsLookup, config: OnionConfig): LinkedUnit[] {
  const reached = new Map<FunctionCandidate, Reach>();
  for (const facts of registering) {
    for (const use of facts.frameworkUses ?? []) {
      const target = resolveRelativeModule(facts.path, use.source, lookup);
      if (!target) continue;
      const binding = resolveExport(target, use.imported, lookup, new Set(), candidateUnits);
      if (binding.kind !== 'unit') continue;
      const candidate = binding.facts.functionCandidates?.find((c) => c.variants[0] === binding.unit);
      if (!candidate) continue;
      const spec = FRAMEWORKS.find((f) => f.framework === use.framework);
      let reach = reached.get(candidate);
      if (!reach) reached.set(candidate, (reach = { facts: binding.facts, candidate, frameworks: new Set(), unfit: false }));
      reach.frameworks.add(use.framework);
      if (!spec || spec.nextIndex !== candidate.nextIndex || candidate.factory !== use.call || candidate.byFramework[use.framework] === undefined) reach.unfit = true;
    }
  }
  const byFile = new Map<FileFacts, Unit[]>();
  for (const { facts, candidate, frameworks, unfit } of reached.values()) {
    if (unfit || frameworks.size !== 1 || !inputs.has(facts.path)) continue;
    const framework = [...frameworks][0]!;
    const spec = FRAMEWORKS.find((f) => f.framework === framework)!;
    const unit: Unit = { ...candidate.variants[candidate.byFramework[framework]!]!, framework, contract: spec.contract };
    byFile.set(facts, [...(byFile.get(facts) ?? []), unit]);
  }
  // Linked as the file's own function units are (evidence `framework`, no class chain).
  return linkUnits([...byFile].map(([facts, units]) => ({ ...facts, units })), lookup, config);
}

/** A parameter named like the next layer after another one: `(ctx, next)`, `(req, res, next)` (the text test for a file not analysed yet). */
function nextParameterPattern(config: OnionConfig): RegExp | undefined {
  const names = config.names.next.map((n) => n.replace(/[$]/g, '\\$'));
  // Or an error first (`(err, req, res)`): an error handler, next-named parameter or not (error-handler-arity).
  const error = `\\(\\s*(?:${[...ERROR_NAMES].join('|')})\\s*[,:]`;
  return new RegExp(names.length > 0 ? `,\\s*(?:${names.join('|')})\\s*[,)=:?]|${error}` : error);
}

/** At most this many source files are read around a run's files (a larger project is left to a whole-project run). */
const SEARCH_LIMIT = 20_000;
/** A run given more files than this is a whole-project run, or close to one: its registrations are among them. */
export const SEARCH_INPUTS = 200;
/** How long the framework files found under a root serve the runs of one host (an ESLint process lints file after file). */
const WALK_TTL_MS = 10_000;

export interface SearchSources {
  /** The files given to lint, with their facts as they stand (dormant ones included). */
  inputs: readonly FileFacts[];
  /** Every file given (inputs and context): they are linked already and not read again. */
  given: ReadonlySet<string>;
  textOf(path: string): string | undefined;
}

export interface SearchHost {
  listDirectory?(dir: string): string[];
}

/** Per host, per project root: the source files whose text names a framework, and when they were listed. */
const walks = new WeakMap<SearchHost, Map<string, { at: number; files: string[] }>>();

/**
 * The registering files of the project around a run given few files (ESLint lints one; a
 * pre-commit run the staged ones), so that a candidate meets every registration a whole-project
 * run would see: when a given file exports candidates, the source files under its project root (the
 * nearest folder with a package.json or tsconfig.json; `node_modules` and dot folders skipped) that
 * name a framework and the candidate's module or export are analysed, so linting one middleware
 * module judges it as the whole-project run does. A dormant given file is analysed first when its
 * text has a next-named parameter after another (`(ctx, next)`) or an error first (`(err, req, res)`).
 */
export function registrationsAround(sources: SearchSources, lookup: FactsLookup, config: OnionConfig, host: SearchHost | undefined): FileFacts[] {
  if (!host?.listDirectory || sources.inputs.length > SEARCH_INPUTS) return [];
  const pattern = nextParameterPattern(config);
  const holders: FileFacts[] = [];
  for (const given of sources.inputs) {
    const facts = given.dormant && !given.fatal && pattern?.test(sources.textOf(given.path) ?? '') ? lookup(given.path) : given;
    if (facts?.functionCandidates?.length) holders.push(facts);
  }
  const out: FileFacts[] = [];
  for (const [root, files] of groupBy(holders, (f) => projectRoot(f.path))) {
    // What a registering file must write besides a framework's name: the candidate's module or export name.
    const hints = [...new Set(files.flatMap((f) => [moduleStem(f.path), ...f.functionCandidates!.map((c) => c.name).filter((n) => n !== 'default')]))];
    for (const path of frameworkFilesUnder(root, host, sources.textOf)) {
      if (sources.given.has(path) || !hints.some((h) => sources.textOf(path)?.includes(h))) continue;
      const facts = lookup(path);
      if (facts?.frameworkUses) out.push(facts);
    }
  }
  return out;
}

/** The source files under a root whose text names a framework (FRAMEWORK_WORDS), listed once per host for WALK_TTL_MS. */
export function frameworkFilesUnder(root: string, host: SearchHost, textOf: (path: string) => string | undefined): string[] {
  let byRoot = walks.get(host);
  if (!byRoot) walks.set(host, (byRoot = new Map()));
  const known = byRoot.get(root);
  if (known && Date.now() - known.at < WALK_TTL_MS) return known.files;
  const files: string[] = [];
  let budget = SEARCH_LIMIT;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = host.listDirectory!(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (budget <= 0) return;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(dir, name);
      if (!RESOLVE_EXTENSIONS.some((ext) => name.endsWith(ext))) {
        if (!name.includes('.')) walk(path);
        continue;
      }
      if (name.endsWith('.d.ts')) continue;
      budget--;
      const text = textOf(path);
      if (text !== undefined && FRAMEWORK_WORDS.some((w) => text.includes(w))) files.push(path);
    }
  };
  walk(root);
  byRoot.set(root, { at: Date.now(), files });
  return files;
}

/** The name a module is imported by: its file name without extension, or its folder's for an index module. */
export function moduleStem(path: string): string {
  const stem = basename(path).replace(/\.[^.]+$/, '');
  return stem === 'index' ? basename(dirname(path)) : stem;
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
