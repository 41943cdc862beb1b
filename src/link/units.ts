import type { OnionConfig } from '../config.js';
import type { FileFacts, Unit } from '../model.js';
import type { LinkedUnit } from '../rules/api.js';
import { resolvePythonClass } from './python-classes.js';
import { resolveRelativeModule, type FactsLookup } from './resolve.js';

/** Where a name bound in a file comes from: a unit of the project, an external module, or nothing known. */
export type Binding =
  | { kind: 'unit'; facts: FileFacts; unit: Unit }
  | { kind: 'external'; source: string; name: string }
  | { kind: 'unknown' };

/**
 * Finds what `name` (an identifier, or `ns.X` through a namespace import) denotes in a file:
 * a local unit, or one imported from a relative module (following re-exports), or an external one.
 */
export function resolveBinding(facts: FileFacts, name: string, lookup: FactsLookup, seen = new Set<string>(), unitsOf: UnitsOf = ownUnits): Binding {
  const key = `${facts.path}#${name}`;
  if (seen.has(key)) return { kind: 'unknown' };
  seen.add(key);
  const [head, ...rest] = name.split('.');
  if (rest.length === 0) {
    const local = unitsOf(facts).find((u) => u.name === name && !isReturnedOnly(facts, u));
    if (local) return { kind: 'unit', facts, unit: local };
  }
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp) return { kind: 'unknown' };
  const imported = imp.imported === '*' ? rest.join('.') : [imp.imported, ...rest].join('.');
  if (imp.imported === '*' && rest.length === 0) return { kind: 'unknown' };
  const target = resolveRelativeModule(facts.path, imp.source, lookup);
  if (!target) {
    return imp.source.startsWith('.') ? { kind: 'unknown' } : { kind: 'external', source: imp.source, name: imported };
  }
  return resolveExport(target, imported, lookup, seen, unitsOf);
}

/** The units a resolution looks for by name in a module: its own, or others (the link step's function candidates). */
export type UnitsOf = (facts: FileFacts) => readonly Unit[];

const ownUnits: UnitsOf = (facts) => facts.units;

/** Finds what a module exports under `name`, following `export {x} from` and `export *`. */
export function resolveExport(facts: FileFacts, name: string, lookup: FactsLookup, seen = new Set<string>(), unitsOf: UnitsOf = ownUnits): Binding {
  // Modules that re-export each other (`export *` both ways, Python star imports in a cycle): once round is enough.
  const key = `${facts.path}#export:${name}`;
  if (seen.has(key)) return { kind: 'unknown' };
  seen.add(key);
  const [head, ...rest] = name.split('.');
  for (const exp of facts.exports) {
    if (exp.exported !== head) continue;
    if (exp.source) {
      const target = resolveRelativeModule(facts.path, exp.source, lookup);
      if (!target) return { kind: 'external', source: exp.source, name: [exp.imported ?? head, ...rest].join('.') };
      return resolveExport(target, [exp.imported ?? head, ...rest].join('.'), lookup, seen, unitsOf);
    }
    const localName = [exp.local ?? head, ...rest].join('.');
    if (exp.exported === 'default' && exp.local === undefined) {
      const unit = unitsOf(facts).find((u) => u.name === 'default');
      return unit ? { kind: 'unit', facts, unit } : { kind: 'unknown' };
    }
    return resolveBinding(facts, localName, lookup, seen, unitsOf);
  }
  for (const exp of facts.exports) {
    if (exp.exported !== '*' || !exp.source) continue;
    const target = resolveRelativeModule(facts.path, exp.source, lookup);
    if (!target) continue;
    const found = resolveExport(target, name, lookup, seen, unitsOf);
    if (found.kind !== 'unknown') return found;
  }
  return { kind: 'unknown' };
}

function isReturnedOnly(facts: FileFacts, unit: Unit): boolean {
  // A class expression returned by a factory is reachable only through that factory.
  const index = facts.units.indexOf(unit);
  return facts.classFactories.some((f) => f.returnsUnit === index);
}

interface ChainInfo {
  known: boolean;
  isMiddleware: boolean;
  /** Django's `MiddlewareMixin` (from `django.utils.deprecation`) is up the chain. */
  mixin?: boolean;
  nextFields: string[];
  members: string[];
  handlerFrom?: Unit;
}

/** Walks a class's bases, collecting what they store and declare. */
function chainOf(facts: FileFacts, unit: Pick<Unit, 'base'>, lookup: FactsLookup, config: OnionConfig, depth = 0): ChainInfo {
  if (!unit.base || depth > 20) return { known: !unit.base, isMiddleware: false, nextFields: [], members: [] };
  const binding = resolveBinding(facts, unit.base.name, lookup);
  if (binding.kind === 'unit' && binding.unit.kind === 'class') {
    const base = binding.unit;
    const further = chainOf(binding.facts, base, lookup, config, depth + 1);
    const ownNext = base.nextParam !== undefined && base.evidence !== 'position';
    return {
      known: further.known,
      isMiddleware: ownNext || further.isMiddleware,
      mixin: base.mixinBase === true || further.mixin === true,
      nextFields: [...base.nextFields, ...further.nextFields],
      members: [...base.members, ...further.members],
      handlerFrom: base.handler ? base : further.handlerFrom,
    };
  }
  return externalBase(unit.base.name, binding, config) ?? (facts.language === 'python' ? pythonClassChain(facts, unit.base.name, lookup, config, depth + 1) : undefined) ?? UNKNOWN_CHAIN;
}

const UNKNOWN_CHAIN: ChainInfo = { known: false, isMiddleware: false, nextFields: [], members: [] };

/** A base known by name (e.g. `MiddlewareMixin` or a port of it) takes the next layer; what it declares is unseen. */
function externalBase(name: string, binding: Binding, config: OnionConfig): ChainInfo | undefined {
  const simpleName = name.split('.').pop()!;
  if (config.names.bases.includes(simpleName) || (binding.kind === 'external' && config.names.bases.includes(binding.name))) {
    const mixin = binding.kind === 'external' && binding.source === 'django.utils.deprecation' && binding.name === 'MiddlewareMixin';
    return { known: false, isMiddleware: true, mixin, nextFields: [], members: [] };
  }
  return undefined;
}

/**
 * A Python base that is a project class but no unit (`class ProjectBase(MiddlewareMixin): pass`):
 * its methods, and its own bases, in order.
 */
function pythonClassChain(facts: FileFacts, name: string, lookup: FactsLookup, config: OnionConfig, depth: number): ChainInfo | undefined {
  const ref = resolvePythonClass(facts, name, lookup);
  if (!ref || ref === 'external' || !ref.cls.bases || depth > 20) return undefined;
  const members = ref.cls.methods.filter((m) => m !== '__init__');
  for (const base of ref.cls.bases) {
    const binding = resolveBinding(ref.facts, base, lookup);
    const further =
      binding.kind === 'unit' && binding.unit.kind === 'class'
        ? chainOf(ref.facts, { base: { name: base, range: binding.unit.nameRange } }, lookup, config, depth + 1)
        : (externalBase(base, binding, config) ?? pythonClassChain(ref.facts, base, lookup, config, depth + 1));
    if (further?.isMiddleware) return { ...further, known: false, members: [...members, ...further.members] };
  }
  return undefined;
}

/** Links every unit of every known file. `listed` holds units that some stack lists. */
export function linkUnits(
  allFacts: Iterable<FileFacts>,
  lookup: FactsLookup,
  config: OnionConfig,
  listed: Set<Unit> = new Set(),
): LinkedUnit[] {
  const linked: LinkedUnit[] = [];
  for (const facts of allFacts) {
    for (const unit of facts.units) {
      const chain = unit.kind === 'class' ? chainOf(facts, unit, lookup, config) : undefined;
      const ownEvidence = unit.evidence === 'name' || unit.evidence === 'type' || unit.evidence === 'framework';
      const confirmed =
        (ownEvidence || (unit.evidence === 'base' && chain?.isMiddleware === true) || listed.has(unit)) &&
        (unit.handler !== undefined || Object.keys(unit.hooks).length > 0 || unit.kind === 'class');
      linked.push({
        unit,
        filePath: facts.path,
        confirmed,
        chainKnown: chain?.known ?? true,
        baseIsMiddleware: chain?.isMiddleware ?? false,
        mixinChain: unit.mixinBase === true || chain?.mixin === true,
        nextFields: [...new Set([...unit.nextFields, ...(chain?.nextFields ?? [])])],
        members: [...new Set([...unit.members, ...(chain?.members ?? [])])],
        ...(unit.handler ? { handler: unit.handler } : {}),
      });
    }
  }
  return linked;
}
