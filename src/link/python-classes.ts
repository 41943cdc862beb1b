/**
 * Whether Django can build a listed Python class and will run its code: `load_middleware` calls
 * `middleware(get_response)` once at start-up, then only `__call__` and the three hooks it finds
 * with `hasattr` (`process_view`, `process_exception`, `process_template_response`);
 * `process_request` / `process_response` run only through `MiddlewareMixin.__call__`.
 * Read from FileFacts.pythonClasses across modules; any base that cannot be read makes it unknown.
 */
import type { OnionConfig } from '../config.js';
import type { KnowledgeBase } from '../knowledge/django.js';
import type { FileFacts, PythonClass } from '../model.js';
import { resolveRelativeModule, type FactsLookup } from './resolve.js';

export type PythonClassProblem = { problem: 'notConstructible'; error: string } | { problem: 'hooksNeverCalled'; hooks: string[] };

interface ClassRef {
  facts: FileFacts;
  cls: PythonClass;
}

/** A class a name denotes in a module (defined there, imported, or re-exported); undefined when unknown. */
export function resolvePythonClass(facts: FileFacts, name: string, lookup: FactsLookup, seen = new Set<string>()): ClassRef | 'external' | undefined {
  const key = `${facts.path}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  const [head, ...rest] = name.split('.');
  const imp = [...facts.imports].reverse().find((i) => i.local === head || (i.imported === '*' && i.local !== '*' && name.startsWith(`${i.local}.`)));
  if (!imp) {
    const cls = rest.length === 0 ? facts.pythonClasses?.find((c) => c.name === name) : undefined;
    if (cls) return { facts, cls };
    // A star import may bind it.
    for (const star of facts.imports.filter((i) => i.local === '*').reverse()) {
      const target = resolveRelativeModule(facts.path, star.source, lookup);
      if (!target) return 'external';
      const found = resolvePythonClass(target, name, lookup, seen);
      if (found) return found;
    }
    return undefined;
  }
  const target = resolveRelativeModule(facts.path, imp.source, lookup);
  if (!target) return 'external';
  const inner = imp.imported === '*' ? name.slice(imp.local.length + 1) : [imp.imported, ...rest].join('.');
  return inner.includes('.') ? undefined : resolvePythonClass(target, inner, lookup, seen);
}

/** What Django does wrong with the class `name` of `facts` when a stack lists it; undefined when fine or unknown. */
export function pythonClassProblem(ref: ClassRef, lookup: FactsLookup, knowledge: KnowledgeBase, config: OnionConfig): PythonClassProblem | undefined {
  const { cls } = ref;
  if (cls.unusual || cls.bases === undefined) return undefined;
  // Depth-first, left to right: the method resolution order of the usual single-inheritance chains.
  let init: { owner: string; shape: NonNullable<PythonClass['init']> } | undefined;
  let mixin = false;
  const methods = new Set<string>();
  const visited = new Set<string>();
  const visit = (r: ClassRef, depth: number): boolean => {
    const key = `${r.facts.path}#${r.cls.name}`;
    if (visited.has(key)) return true;
    visited.add(key);
    if (depth > 20 || r.cls.unusual || r.cls.bases === undefined) return false;
    for (const m of r.cls.methods) methods.add(m);
    if (r.cls.init && !init && !mixin) init = { owner: r.cls.name, shape: r.cls.init };
    for (const base of r.cls.bases) {
      const simple = base.split('.').pop()!;
      if (simple === 'MiddlewareMixin' || config.names.bases.includes(simple)) {
        mixin = true;
        continue;
      }
      const found = resolvePythonClass(r.facts, base, lookup);
      if (found === 'external' && knowledge.byName.has(simple)) {
        // A Django middleware class: built with `get_response`, dispatching like the mixin.
        mixin = true;
        continue;
      }
      if (!found || found === 'external' || !visit(found, depth + 1)) return false;
    }
    return true;
  };
  if (!visit(ref, 0)) return undefined;
  if (init) {
    const { owner, shape } = init;
    if (shape.accepts !== null && shape.accepts < 1) return { problem: 'notConstructible', error: `TypeError: ${owner}.__init__() takes 1 positional argument but 2 were given` };
    if (shape.required > 1) {
      const missing = shape.names.slice(1, shape.required).map((n) => `'${n}'`);
      const list = missing.length === 1 ? missing[0]! : missing.length === 2 ? missing.join(' and ') : `${missing.slice(0, -1).join(', ')}, and ${missing.at(-1)!}`;
      return { problem: 'notConstructible', error: `TypeError: ${owner}.__init__() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}` };
    }
  } else if (!mixin) return { problem: 'notConstructible', error: `TypeError: ${cls.name}() takes no arguments` };
  if (mixin) return undefined;
  const hooks = ['process_request', 'process_response'].filter((h) => methods.has(h));
  return hooks.length ? { problem: 'hooksNeverCalled', hooks } : undefined;
}
