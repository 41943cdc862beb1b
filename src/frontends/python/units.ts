/**
 * Python middleware units, in the shapes Django builds them (PYTHON.md (b)):
 * - a class with `__init__(self, get_response)` and `__call__(self, request)` (sync or `async def`),
 *   storing `self.get_response = get_response`;
 * - a function factory `def timing(get_response):` returning its inner `def middleware(request):`;
 * - a class whose `__init__` comes from a base (`MiddlewareMixin` or a project base): evidence `base`,
 *   which the link step confirms, as for TypeScript subclasses.
 * Each is filled like the TypeScript front-end fills the equivalent TypeScript unit, so the unit
 * rules read both the same way. `process_request` / `process_response` of a `MiddlewareMixin`
 * subclass have no place in the model's hooks yet and are not summarised.
 */
import type { Node } from 'web-tree-sitter';
import type { NameSettings } from '../../config.js';
import type { FunctionSummary, HookName, Range, Spelling, Unit, UnitEvidence } from '../../model.js';
import { isAsyncDef, NESTED_SCOPES, parameterName, parametersOf, summarizePython, type PythonNextAccess } from './flow.js';
import { dotted, items, rangeOf, unwrap } from './syntax.js';

/** Python's words in messages. */
const PYTHON: Spelling = {
  self: 'self',
  nothing: 'None',
  statementEnd: '',
  missingMemberError: "AttributeError: '{cls}' object has no attribute '{member}'",
  constructorName: '`__init__`',
};

const HOOKS: Record<string, HookName> = {
  process_view: 'processView',
  process_exception: 'processException',
  process_template_response: 'processTemplateResponse',
};

/** The definition inside a decorated one. */
function definitionOf(node: Node): Node | null {
  return node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
}

/** The methods (plain or decorated `def`s) of a class body, by name; the last one of a name wins, as in Python. */
export function methodsOf(cls: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const st of items(cls.childForFieldName('body') ?? cls)) {
    const def = definitionOf(st);
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    if (def && name !== undefined) out.set(name, def);
  }
  return out;
}

/** Whether a parameter is the next layer: by name (`get_response`), or by an annotation that returns a response. */
function nextEvidence(param: Node | undefined, names: NameSettings): 'name' | 'type' | undefined {
  const name = param && parameterName(param);
  if (name === undefined) return undefined;
  if (names.next.includes(name) && name !== 'next') return 'name';
  const type = param!.childForFieldName('type');
  if (type && (/Response\b/.test(type.text) || names.nextTypes.some((t) => new RegExp(`\\b${t}\\b`).test(type.text)))) return 'type';
  return undefined;
}

/** Visits a subtree in order, without entering nested scopes except at the root. */
function walkScope(root: Node, visit: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    visit(node);
    if (node !== root && NESTED_SCOPES.has(node.type)) continue;
    for (let i = node.namedChildCount - 1; i >= 0; i--) stack.push(node.namedChild(i)!);
  }
}

/** Finds every class-form and factory-form middleware of a module, with flow summaries. */
export function extractPythonUnits(root: Node, text: string, names: NameSettings): Unit[] {
  const units: Unit[] = [];
  for (const node of root.descendantsOfType(['class_definition', 'function_definition'])) {
    const unit = node.type === 'class_definition' ? classUnit(node, text, names) : factoryUnit(node, text, names);
    if (unit) units.push(unit);
  }
  return units;
}

function classUnit(node: Node, text: string, names: NameSettings): Unit | undefined {
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return undefined;
  const methods = methodsOf(node);
  const init = methods.get('__init__');
  const initParams = init ? parametersOf(init) : [];
  const nextNode = initParams[1];
  const byParam = nextEvidence(nextNode, names);
  const superclasses = node.childForFieldName('superclasses');
  const bases = (superclasses ? items(superclasses) : []).filter((b) => b.type !== 'keyword_argument' && dotted(b) !== undefined && dotted(b) !== 'object');
  // `MiddlewareMixin` first where a class lists several bases: it is the one that takes `get_response`.
  const baseNode = bases.find((b) => dotted(b)!.split('.').pop() === 'MiddlewareMixin') ?? bases[0];
  let evidence: UnitEvidence | undefined = byParam;
  if (!evidence && baseNode && (!init || initParams.length >= 2)) evidence = 'base';
  if (!evidence && nextNode && parameterName(nextNode) !== undefined) evidence = 'position';
  if (!evidence) return undefined;

  const handlerDef = methods.get('__call__');
  if (evidence === 'position' && !handlerDef) return undefined;
  const hookDefs = Object.keys(HOOKS)
    .map((k) => [k, methods.get(k)] as const)
    .filter((entry): entry is readonly [string, Node] => entry[1] !== undefined);
  // A class with only a base and no code of a middleware is not one (a plain subclass of anything).
  if (evidence === 'base' && !handlerDef && hookDefs.length === 0 && !methods.has('process_request') && !methods.has('process_response') && !init) return undefined;

  const nextParamName = evidence !== 'base' && nextNode ? parameterName(nextNode) : undefined;
  const nextFields: string[] = [];
  const members = new Set<string>([...methods.keys()].filter((m) => m !== '__init__'));
  // Class attributes (`async_capable = True`) are members too.
  for (const st of items(node.childForFieldName('body') ?? node)) {
    const e = st.type === 'expression_statement' ? items(st)[0] : undefined;
    const left = e?.type === 'assignment' ? e.childForFieldName('left') : undefined;
    if (left?.type === 'identifier') members.add(left.text);
  }
  // `self.x = ...` anywhere in the methods; in `__init__`, `self.x = get_response` stores the next layer.
  for (const [methodName, def] of methods) {
    const selfName = parameterName(parametersOf(def)[0] ?? def);
    const body = def.childForFieldName('body');
    if (selfName === undefined || !body) continue;
    walkScope(body, (n) => {
      if (n.type !== 'assignment') return;
      const targets: Node[] = [];
      for (let cur: Node | null = n; cur?.type === 'assignment'; cur = cur.childForFieldName('right')) {
        const left = cur.childForFieldName('left');
        if (left) targets.push(unwrap(left));
      }
      let value: Node | null = n;
      while (value?.type === 'assignment') value = value.childForFieldName('right');
      for (const left of targets) {
        if (left.type !== 'attribute' || left.childForFieldName('object')?.text !== selfName) continue;
        const field = left.childForFieldName('attribute')?.text;
        if (field === undefined) continue;
        members.add(field);
        if (methodName === '__init__' && def === init && nextParamName !== undefined && value && isNextValue(value, nextParamName)) nextFields.push(field);
      }
    });
  }

  let superCall: { range: Range; passesNext: boolean } | undefined;
  if (init && baseNode) {
    walkScope(init.childForFieldName('body') ?? init, (n) => {
      if (superCall || n.type !== 'call') return;
      const callee = unwrap(n.childForFieldName('function') ?? n);
      const object = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
      if (callee.childForFieldName('attribute')?.text !== '__init__' || object?.type !== 'call' || object.childForFieldName('function')?.text !== 'super') return;
      const first = items(n.childForFieldName('arguments') ?? n)[0];
      superCall = { range: rangeOf(n), passesNext: !provablyNotNext(first, initParams) };
    });
  }

  const access = (def: Node): PythonNextAccess => {
    const memberSet = new Set(nextFields);
    for (const n of names.next) if (!methods.has(n)) memberSet.add(n);
    return { identifiers: new Set(), members: memberSet, promiseLike: isAsyncDef(def) };
  };
  const summaryFor = (def: Node, label: string, hook?: HookName): FunctionSummary =>
    summarizePython(def, text, {
      name: `${nameNode.text}.${label}`,
      nameRange: rangeOf(def.childForFieldName('name') ?? def),
      next: access(def),
      method: true,
      ...(hook === 'processTemplateResponse' ? { paramKinds: [{ index: 1, kind: 'response' as const }] } : {}),
      ...(hook === 'processException' ? { paramKinds: [{ index: 1, kind: 'exception' as const }] } : {}),
    });
  const hooks: Partial<Record<HookName, FunctionSummary>> = {};
  for (const [label, def] of hookDefs) hooks[HOOKS[label]!] = summaryFor(def, label, HOOKS[label]);
  const handler = handlerDef ? summaryFor(handlerDef, '__call__') : undefined;
  // A handler delegating to a method of the class reaches the next layer when that method does; one
  // calling a method the class does not declare (inherited, or set at run time) may reach it too.
  if (handler && !handler.nextReferenced) {
    const nextMembers = access(handlerDef!).members;
    const reachesNext = (name: string, seen: Set<string>): boolean => {
      if (nextMembers.has(name)) return true;
      const def = methods.get(name);
      if (def === undefined) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      const selfName = parameterName(parametersOf(def)[0] ?? def);
      let found = false;
      const visit = (n: Node): void => {
        if (found) return;
        const object = n.type === 'attribute' ? n.childForFieldName('object') : null;
        const attr = n.childForFieldName('attribute')?.text;
        if (object?.type === 'call' && object.childForFieldName('function')?.text === 'super') found = true;
        // `self` itself passed on (`getattr(self, name)`, `helper(self)`): anything of the class may run.
        else if (n.type === 'identifier' && n.text === selfName) found = true;
        else if (object?.type === 'identifier' && object.text === selfName && attr !== undefined) {
          const called = n.parent?.type === 'call' && n.parent.childForFieldName('function')?.id === n.id;
          // A method of the class (called or passed on), a next-layer member, or a call of a member the class does not declare.
          found = methods.has(attr) ? reachesNext(attr, seen) : nextMembers.has(attr) || called;
        } else for (const child of n.namedChildren) visit(child);
      };
      visit(def.childForFieldName('body') ?? def);
      return found;
    };
    if (reachesNext('__call__', new Set())) handler.nextReferenced = true;
  }

  const base = baseNode ? { name: dotted(baseNode)!, range: rangeOf(baseNode) } : undefined;
  return {
    kind: 'class',
    name: nameNode.text,
    range: rangeOf(node),
    nameRange: rangeOf(nameNode),
    evidence,
    ...(nextParamName !== undefined && nextNode ? { nextParam: { name: nextParamName, range: rangeOf(nextNode) } } : {}),
    nextIsAsync: null,
    nextFields: [...new Set(nextFields)],
    members: [...members],
    ...(base ? { base } : {}),
    ...(init ? { constructorInfo: { range: rangeOf(init), ...(superCall ? { superCall } : {}) } } : {}),
    ...(handler ? { handler } : {}),
    hooks,
    spelling: PYTHON,
  };
}

/** `get_response`, or `get_response or fallback` / `x if c else get_response`-free forms: only the plain name and `or`. */
function isNextValue(value: Node, nextName: string): boolean {
  const v = unwrap(value);
  if (v.type === 'identifier') return v.text === nextName;
  if (v.type === 'boolean_operator' && v.childForFieldName('operator')?.type === 'or') {
    const left = v.childForFieldName('left');
    return left !== null && isNextValue(left, nextName);
  }
  return false;
}

/** Whether the first argument of `super().__init__(...)` is certainly not the next layer. */
function provablyNotNext(arg: Node | undefined, params: Node[]): boolean {
  if (arg === undefined) return true;
  const a = unwrap(arg);
  if (['none', 'true', 'false', 'integer', 'float', 'string', 'dictionary', 'list'].includes(a.type)) return true;
  if (a.type === 'identifier') {
    const index = params.findIndex((p) => parameterName(p) === a.text);
    // params[0] is `self`, params[1] the next layer.
    return index > 1 || index === 0;
  }
  return false;
}

/** `def mw(get_response): ... def middleware(request): ... return middleware`. */
function factoryUnit(fn: Node, text: string, names: NameSettings): Unit | undefined {
  // Methods are not factories.
  let parent = fn.parent;
  if (parent?.type === 'decorated_definition') parent = parent.parent;
  if (parent?.type === 'block' && parent.parent?.type === 'class_definition') return undefined;
  const first = parametersOf(fn)[0];
  const nextName = first && parameterName(first);
  const evidence = nextEvidence(first, names);
  const nameNode = fn.childForFieldName('name');
  if (nextName === undefined || !evidence || !nameNode) return undefined;
  const inner = returnedFunction(fn);
  if (!inner) return undefined;
  const summary = summarizePython(inner, text, {
    name: nameNode.text,
    nameRange: rangeOf(nameNode),
    next: { identifiers: new Set([nextName]), members: new Set(), promiseLike: isAsyncDef(inner) },
    method: false,
  });
  return {
    kind: 'factory',
    name: nameNode.text,
    range: rangeOf(fn),
    nameRange: rangeOf(nameNode),
    evidence,
    nextParam: { name: nextName, range: rangeOf(first!) },
    nextIsAsync: null,
    nextFields: [],
    members: [],
    handler: summary,
    hooks: {},
    spelling: PYTHON,
  };
}

/** The local `def` (or `lambda`-free name) a factory returns: `return middleware`. */
function returnedFunction(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const locals = new Map<string, Node>();
  for (const st of items(body)) {
    const def = definitionOf(st);
    const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
    if (def && name !== undefined) locals.set(name, def);
  }
  let found: Node | undefined;
  walkScope(body, (n) => {
    if (found || n.type !== 'return_statement') return;
    const value = items(n)[0];
    let v = value && unwrap(value);
    // `return markcoroutinefunction(middleware)`: the async inner function, marked for Django.
    if (v?.type === 'call' && dotted(v.childForFieldName('function') ?? v)?.split('.').pop() === 'markcoroutinefunction') {
      const arg = items(v.childForFieldName('arguments') ?? v)[0];
      v = arg && unwrap(arg);
    }
    if (v?.type === 'identifier') found = locals.get(v.text);
  });
  return found;
}
