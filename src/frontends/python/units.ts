/**
 * Python middleware units, in the shapes Django builds them (PYTHON.md (b)):
 * - a class with `__init__(self, get_response)` and `__call__(self, request)` (sync or `async def`),
 *   storing `self.get_response = get_response`;
 * - a function factory `def timing(get_response):` returning its inner `def middleware(request):`;
 * - a class whose `__init__` comes from a base (`MiddlewareMixin` or a project base): evidence `base`,
 *   which the link step confirms, as for TypeScript subclasses.
 * Each is filled like the TypeScript front-end fills the equivalent TypeScript unit, so the unit
 * rules read both the same way. `process_request` / `process_response` are summarised on every class
 * (Django calls them only through `MiddlewareMixin`: `mixinBase` says when the class extends it directly).
 * Beside the flow summaries, each unit carries the facts Django's start-up reads: the declared
 * parameters of the handler and hooks (`signature`), what `__init__` does with the base class, and
 * the sync/async capabilities (`capabilities`, PYTHON.md (b) "Async forms").
 */
import type { Node } from 'web-tree-sitter';
import type { NameSettings } from '../../config.js';
import type { Capabilities, CapabilityFlag, FunctionSummary, HookName, Range, Signature, Spelling, Unit, UnitEvidence } from '../../model.js';
import { isAsyncDef, NESTED_SCOPES, parameterName, parametersOf, summarizePython, type PythonNextAccess } from './flow.js';
import { blocksOf, importsOf, moduleStatements } from './module.js';
import { dotted, items, rangeOf, unwrap } from './syntax.js';

/** Python's words in messages. */
const PYTHON: Spelling = {
  self: 'self',
  nothing: 'None',
  statementEnd: '',
  missingMemberError: "AttributeError: '{cls}' object has no attribute '{member}'",
  constructorName: '`__init__`',
  indentedBlocks: true,
  awaitable: 'coroutine',
  awaitStatement: 'response = await {next}(request)',
  continueValue: 'None',
  baseConstructorCall: 'super().__init__(...)',
  passNextToBase: 'super().__init__({next})',
  // MiddlewareMixin.__init__ takes the next layer alone and rejects None.
  baseWithoutNext:
    'never gets it: Django fails when it builds the layer (`TypeError` for a missing `get_response`, `ValueError: get_response must be provided.` for `None`), or every request reaches the wrong callable',
};

const HOOKS: Record<string, HookName> = {
  process_view: 'processView',
  process_exception: 'processException',
  process_template_response: 'processTemplateResponse',
  process_request: 'processRequest',
  process_response: 'processResponse',
};

/** Where Django defines the mixin base of old-style middleware. */
const MIXIN_MODULE = 'django.utils.deprecation';
const MIXIN = 'MiddlewareMixin';

/** `django.utils.decorators` decorators that set a factory's two capability flags: [sync_capable, async_capable]. */
const CAPABILITY_DECORATORS: Record<string, [boolean, boolean]> = {
  sync_only_middleware: [true, false],
  async_only_middleware: [false, true],
  sync_and_async_middleware: [true, true],
};

/** The flag attributes Django reads on a middleware class or factory. */
const FLAGS = { sync_capable: 'syncCapable', async_capable: 'asyncCapable' } as const;

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
  const mixins = mixinNames(root);
  for (const node of root.descendantsOfType(['class_definition', 'function_definition'])) {
    if (node.type === 'class_definition') {
      const unit = classUnit(node, text, names, mixins);
      if (unit) units.push(unit);
    } else units.push(...factoryUnits(node, text, names));
  }
  return units;
}

/**
 * The dotted names that denote Django's `MiddlewareMixin` in this module, from its imports:
 * `from django.utils.deprecation import MiddlewareMixin [as M]`, `from django.utils import deprecation`
 * (`deprecation.MiddlewareMixin`), `import django.utils.deprecation [as d]`.
 */
function mixinNames(root: Node): Set<string> {
  const out = new Set<string>();
  for (const st of moduleStatements(root)) {
    if (st.type !== 'import_statement' && st.type !== 'import_from_statement') continue;
    for (const imp of importsOf(st)) {
      const full = imp.imported === '*' ? imp.source : `${imp.source}.${imp.imported}`;
      if (full === `${MIXIN_MODULE}.${MIXIN}`) out.add(imp.local);
      else if (full === MIXIN_MODULE) out.add(`${imp.local}.${MIXIN}`);
    }
  }
  return out;
}

/** The names of a definition's decorators (`@a.b(...)` → `a.b`), from its `decorated_definition`. */
function decoratorsOf(def: Node): Array<{ name: string | undefined; node: Node }> {
  const parent = def.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return items(parent)
    .filter((c) => c.type === 'decorator')
    .map((d) => {
      const e = items(d)[0];
      const callee = e && unwrap(e).type === 'call' ? unwrap(e).childForFieldName('function') : e;
      return { name: callee ? dotted(callee) : undefined, node: d };
    });
}

/** The declared parameters of a `def`, as Django's positional call meets them. */
function signatureOf(def: Node, method: boolean): Signature | undefined {
  const list = def.childForFieldName('parameters');
  if (!list) return undefined;
  const positional: Signature['positional'] = [];
  const requiredKeywordOnly: string[] = [];
  let restPositional = false;
  let keywordOnly = false;
  for (const p of items(list)) {
    const inner = p.type === 'typed_parameter' ? p.namedChildren[0] : p;
    if (p.type === 'positional_separator' || inner?.type === 'dictionary_splat_pattern') continue;
    if (p.type === 'keyword_separator') keywordOnly = true;
    else if (inner?.type === 'list_splat_pattern') {
      restPositional = true;
      keywordOnly = true;
    } else {
      const name = parameterName(p);
      if (name === undefined) return undefined;
      const hasDefault = p.type === 'default_parameter' || p.type === 'typed_default_parameter';
      if (!keywordOnly) positional.push({ name, hasDefault });
      else if (!hasDefault) requiredKeywordOnly.push(name);
    }
  }
  const decorators = decoratorsOf(def).map((d) => d.name);
  const binding: Signature['binding'] = !method ? 'function' : decorators.includes('staticmethod') ? 'static' : decorators.includes('classmethod') ? 'class' : 'instance';
  const otherDecorators = decorators.some((d) => d !== 'staticmethod' && d !== 'classmethod');
  return { range: rangeOf(list), positional, restPositional, requiredKeywordOnly, binding, otherDecorators };
}

/**
 * Whether a method's first parameter is the instance: not for a `@staticmethod`, nor for one that
 * forgot `self` and names its first parameter `request` (hook-signature reports it; the body is
 * read as its author meant it).
 */
function hasInstanceParameter(def: Node): boolean {
  if (decoratorsOf(def).some((d) => d.name === 'staticmethod')) return false;
  const first = parametersOf(def)[0];
  return !(first && parameterName(first) === 'request');
}

/** A literal boolean flag value (`True`, `False`), null for anything else. */
function flagValue(value: Node | null): boolean | null {
  const v = value && unwrap(value);
  return v?.type === 'true' ? true : v?.type === 'false' ? false : null;
}

/** Empty capabilities, to be filled from the class or factory. */
function newCapabilities(): Capabilities {
  return { unknownDecorators: false, flagsUnknown: false, marksCoroutine: false, privateAsyncCheckCalls: [], coroutineMarkerAssignments: [] };
}

function classUnit(node: Node, text: string, names: NameSettings, mixins: Set<string>): Unit | undefined {
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
  const capabilities = newCapabilities();
  // A class decorator or a metaclass may set the flags or wrap the class.
  capabilities.unknownDecorators = decoratorsOf(node).length > 0 || (superclasses !== null && items(superclasses).some((b) => b.type === 'keyword_argument'));
  // Class attributes (`async_capable = True`) are members too.
  for (const st of items(node.childForFieldName('body') ?? node)) {
    const e = st.type === 'expression_statement' ? items(st)[0] : undefined;
    const left = e?.type === 'assignment' ? e.childForFieldName('left') : undefined;
    if (left?.type !== 'identifier') continue;
    members.add(left.text);
    const flag = FLAGS[left.text as keyof typeof FLAGS];
    if (flag) capabilities[flag] = { value: flagValue(e!.childForFieldName('right')), range: rangeOf(e!) };
    if (left.text === '_is_coroutine') capabilities.coroutineMarkerAssignments.push(rangeOf(e!));
  }
  flagsSetAfter(node, nameNode.text, capabilities);
  // `self.x = ...` anywhere in the methods; in `__init__`, `self.x = get_response` stores the next layer.
  for (const [methodName, def] of methods) {
    const selfName = parameterName(parametersOf(def)[0] ?? def);
    const body = def.childForFieldName('body');
    if (selfName === undefined || !body) continue;
    walkScope(body, (n) => {
      if (n.type === 'call') {
        const callee = unwrap(n.childForFieldName('function') ?? n);
        const first = items(n.childForFieldName('arguments') ?? n)[0];
        // `markcoroutinefunction(self)` (also `sync.markcoroutinefunction(self)`).
        if ((dotted(callee) ?? '').split('.').pop() === 'markcoroutinefunction' && first && unwrap(first).text === selfName) capabilities.marksCoroutine = true;
        if (callee.type === 'attribute' && callee.childForFieldName('object')?.text === selfName && callee.childForFieldName('attribute')?.text === '_async_check') {
          capabilities.privateAsyncCheckCalls.push(rangeOf(n));
        }
        return;
      }
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
        if (field === '_is_coroutine') capabilities.coroutineMarkerAssignments.push(rangeOf(n));
        if (methodName === '__init__' && def === init && nextParamName !== undefined && value && isNextValue(value, nextParamName)) nextFields.push(field);
      }
    });
  }

  let superCall: { range: Range; passesNext: boolean } | undefined;
  let callsBaseConstructor = false;
  let canOptOut = false;
  const baseNames = new Set(bases.map((b) => dotted(b)!));
  // A base constructor run from any method counts (`__init__` may delegate to a setup method);
  // what it passes is judged in `__init__` only.
  for (const def of init ? methods.values() : []) {
    const inInit = def === init;
    walkScope(def.childForFieldName('body') ?? def, (n) => {
      if (inInit && n.type === 'raise_statement' && /\bMiddlewareNotUsed\b/.test(n.text)) canOptOut = true;
      if (n.type !== 'call') return;
      const callee = unwrap(n.childForFieldName('function') ?? n);
      const object = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
      if (callee.childForFieldName('attribute')?.text !== '__init__' || !object) return;
      const args = items(n.childForFieldName('arguments') ?? n);
      if (object.type === 'call' && object.childForFieldName('function')?.text === 'super') {
        // `super().__init__(get_response)`, `super(C, self).__init__(get_response)`.
        callsBaseConstructor = true;
        if (inInit && !superCall && baseNode) superCall = { range: rangeOf(n), passesNext: !provablyNotNext(args[0], initParams) };
      } else if (baseNames.has(dotted(object) ?? '')) {
        // `MiddlewareMixin.__init__(self, get_response)`: the instance first, then the next layer.
        callsBaseConstructor = true;
        if (inInit && !superCall && dotted(object) === dotted(baseNode!)) superCall = { range: rangeOf(n), passesNext: !provablyNotNext(args[1], initParams) };
      }
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
      method: hasInstanceParameter(def),
      ...(hook === 'processTemplateResponse' || hook === 'processResponse' ? { paramKinds: [{ index: 1, kind: 'response' as const }] } : {}),
      ...(hook === 'processException' ? { paramKinds: [{ index: 1, kind: 'exception' as const }] } : {}),
    });
  const withSignature = (summary: FunctionSummary, def: Node): FunctionSummary => {
    const signature = signatureOf(def, true);
    return signature ? { ...summary, signature } : summary;
  };
  const hooks: Partial<Record<HookName, FunctionSummary>> = {};
  for (const [label, def] of hookDefs) hooks[HOOKS[label]!] = withSignature(summaryFor(def, label, HOOKS[label]), def);
  const handler = handlerDef ? withSignature(summaryFor(handlerDef, '__call__'), handlerDef) : undefined;
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
  const initName = init?.childForFieldName('name');
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
    ...(init
      ? { constructorInfo: { range: rangeOf(init), ...(superCall ? { superCall } : {}), ...(initName ? { nameRange: rangeOf(initName) } : {}), callsBaseConstructor, canOptOut } }
      : {}),
    ...(base && mixins.has(base.name) ? { mixinBase: true } : {}),
    ...(handler ? { handler } : {}),
    hooks,
    capabilities,
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

/**
 * `def mw(get_response): ... def middleware(request): ... return middleware`: one unit per inner
 * function the factory may return. Django's hybrid factory defines `async def middleware` when
 * `iscoroutinefunction(get_response)` and a plain `def middleware` otherwise: both are checked, as
 * two units of the same name (the first is the one a stack's path finds).
 */
function factoryUnits(fn: Node, text: string, names: NameSettings): Unit[] {
  // Methods are not factories.
  let parent = fn.parent;
  if (parent?.type === 'decorated_definition') parent = parent.parent;
  if (parent?.type === 'block' && parent.parent?.type === 'class_definition') return [];
  const first = parametersOf(fn)[0];
  const nextName = first && parameterName(first);
  const evidence = nextEvidence(first, names);
  const nameNode = fn.childForFieldName('name');
  if (nextName === undefined || !evidence || !nameNode) return [];
  const inners = returnedFunctions(fn);
  return inners.map((inner) => {
    const capabilities = factoryCapabilities(fn, nameNode.text);
    // Which of several inner functions runs depends on how Django calls the factory (its flags and
    // the layer below): an async alternative is no proof that the flags are wrong.
    if (inners.length > 1 && isAsyncDef(inner)) capabilities.flagsUnknown = true;
    return factoryUnit(fn, inner, text, { nameNode, nextName, evidence, first: first!, capabilities });
  });
}

function factoryUnit(
  fn: Node,
  inner: Node,
  text: string,
  { nameNode, nextName, evidence, first, capabilities }: { nameNode: Node; nextName: string; evidence: UnitEvidence; first: Node; capabilities: Capabilities },
): Unit {
  const summary = summarizePython(inner, text, {
    name: nameNode.text,
    nameRange: rangeOf(nameNode),
    next: { identifiers: new Set([nextName]), members: new Set(), promiseLike: isAsyncDef(inner) },
    method: false,
  });
  const signature = signatureOf(inner, false);
  return {
    kind: 'factory',
    name: nameNode.text,
    range: rangeOf(fn),
    nameRange: rangeOf(nameNode),
    evidence,
    nextParam: { name: nextName, range: rangeOf(first) },
    nextIsAsync: null,
    nextFields: [],
    members: [],
    handler: signature ? { ...summary, signature } : summary,
    hooks: {},
    capabilities,
    spelling: PYTHON,
  };
}

/**
 * A factory's flags: set by one of Django's decorators, or as attributes of the function after its
 * definition (`timing.async_capable = True`, in the statements that follow it in the same block).
 */
function factoryCapabilities(fn: Node, name: string): Capabilities {
  const capabilities = newCapabilities();
  for (const { name: decorator, node } of decoratorsOf(fn)) {
    const flags = decorator !== undefined ? CAPABILITY_DECORATORS[decorator.split('.').pop()!] : undefined;
    if (!flags) {
      capabilities.unknownDecorators = true;
      continue;
    }
    capabilities.decorator = { name: decorator!.split('.').pop()!, range: rangeOf(node) };
    capabilities.syncCapable = { value: flags[0], range: rangeOf(node) };
    capabilities.asyncCapable = { value: flags[1], range: rangeOf(node) };
  }
  flagsSetAfter(fn, name, capabilities);
  return capabilities;
}

/**
 * Flags set on a class or factory after its definition, in the statements that follow it in the
 * same block (`timing.async_capable = True`); a value that is not a literal makes the flags unknown.
 */
function flagsSetAfter(definition: Node, name: string, capabilities: Capabilities): void {
  const statement = definition.parent?.type === 'decorated_definition' ? definition.parent : definition;
  for (let st = statement.nextNamedSibling; st; st = st.nextNamedSibling) {
    const e = st.type === 'expression_statement' ? items(st)[0] : undefined;
    if (e?.type !== 'assignment') continue;
    const left = unwrap(e.childForFieldName('left') ?? e);
    if (left.type !== 'attribute' || left.childForFieldName('object')?.text !== name) continue;
    const flag = FLAGS[left.childForFieldName('attribute')?.text as keyof typeof FLAGS];
    if (!flag) continue;
    const value = flagValue(e.childForFieldName('right'));
    if (value === null) capabilities.flagsUnknown = true;
    capabilities[flag] = { value, range: rangeOf(e) } satisfies CapabilityFlag;
  }
}

/**
 * The local `def`s a factory returns: `return middleware`, with every definition of that name in
 * the factory's own statements, those inside `if`/`try`/`with` blocks included, in source order.
 */
function returnedFunctions(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  const locals = new Map<string, Node[]>();
  const collect = (statements: Node[]): void => {
    for (const st of statements) {
      const def = definitionOf(st);
      const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
      if (def && name !== undefined) locals.set(name, [...(locals.get(name) ?? []), def]);
      for (const block of blocksOf(st)) collect(items(block));
    }
  };
  collect(items(body));
  let found: Node[] = [];
  walkScope(body, (n) => {
    if (found.length || n.type !== 'return_statement') return;
    const value = items(n)[0];
    let v = value && unwrap(value);
    // `return markcoroutinefunction(middleware)`: the async inner function, marked for Django.
    if (v?.type === 'call' && dotted(v.childForFieldName('function') ?? v)?.split('.').pop() === 'markcoroutinefunction') {
      const arg = items(v.childForFieldName('arguments') ?? v)[0];
      v = arg && unwrap(arg);
    }
    if (v?.type === 'identifier') found = locals.get(v.text) ?? [];
  });
  return found;
}
