import type { ts } from 'ts-morph';
import { rangeOf } from './syntax.js';
import { T } from './typescript.js';
import type { Contract, ExportFact, Framework, FrameworkUse, FunctionCandidate, ImportFact, Range, Unit } from '../../model.js';
import type { NameSettings } from '../../config.js';
import { summarize, stripParens } from './flow.js';
import { declaredName, enclosingReturner, returnedFunction } from './units.js';

/*
 * Framework detection for function-form middleware (`async (ctx, next) => {...}`): a function is
 * judged under a framework's contract only with evidence from that framework's own API, never by
 * its shape, since `(ctx, next)` also describes Redux middleware, iterators and linked lists
 * (NODE.md §6.1). The evidence, per framework, is a row of FRAMEWORKS:
 *
 *   - registration: the function is passed to a registration method (`app.use`, `router.get`) of an
 *     object built from the framework's import (`new Koa()`, `new Router()`, `require('koa-router')()`),
 *     inline, by the name of a function declared in the same file, or as the result of a call of a
 *     function of the same file that returns it (`app.use(logger())`);
 *   - composition: the function is given to the framework's composer (`compose([a, [b, c]])` from
 *     `koa-compose`), in the same forms, arrays flattened;
 *   - types: the function is typed with the framework's middleware type (`const mw: Koa.Middleware =`,
 *     or returned from a function declared to return one), or its parameters with the framework's
 *     context or next types (`(ctx: Context, next: Next)` from `koa`).
 *
 * Imports are ESM (`import Koa from 'koa'`, `import * as Koa`, named imports) or CommonJS
 * (`const Koa = require('koa')`), as the module facts record them.
 *
 * Across files (issue 11: "Detection follows imports across files"), the front-end only records
 * facts and the link step decides (src/link/frameworks.ts): a registration argument that names
 * another module's export, or calls one (`app.use(auth)`, `app.use(logger())` with `auth`/`logger`
 * imported or required), is a `FrameworkUse`; an exported function of a file without framework
 * evidence whose parameter at a next position is named like the next layer (`(ctx, next)`,
 * `(req, res, next)`), directly or as what an exported factory returns, is a `FunctionCandidate`,
 * built as each framework with that next position would build its unit. A candidate no
 * registration reaches is never judged.
 */

interface Registrar {
  /** Modules whose default or namespace import builds the registering object (`new Koa()`, `Router()`). */
  modules: readonly string[];
  /** Named exports of those modules that build it too (`new Hono()` from `import { Hono } from 'hono'`). */
  named?: readonly string[];
  /** Members of the default or namespace import that build it (`express.Router()`, `new hono.Hono()`). */
  members?: readonly string[];
  /** Methods returning a registering object of the same kind (`new Hono().basePath('/api')`). */
  derive?: ReadonlySet<string>;
  /** The methods that take middleware as arguments. */
  methods: ReadonlySet<string>;
}

export interface FrameworkSpec {
  framework: Framework;
  contract: Contract;
  registrars: readonly Registrar[];
  /** Modules whose default or namespace import composes middleware given as arguments or arrays (`compose([a, [b, c]])`). */
  composers: readonly string[];
  /** Named helpers, by module, whose call wraps the middleware given as arguments (`createMiddleware` from `hono/factory`). */
  wrappers: Readonly<Record<string, readonly string[]>>;
  /** Types of the middleware function itself, by module: `Middleware` from `koa`. */
  functionTypes: Readonly<Record<string, readonly string[]>>;
  /** Types of the first (context) parameter, by module. */
  contextTypes: Readonly<Record<string, readonly string[]>>;
  /** Types of the next-layer parameter, by module. */
  nextTypes: Readonly<Record<string, readonly string[]>>;
  /** The position of the next-layer parameter. */
  nextIndex: number;
  /** Awaiting `next()` never rejects: the framework hands errors from below to its own error handler (Hono's `app.onError`). */
  nextNeverRejects?: boolean;
}

const KOA_ROUTER_METHODS = new Set(['use', 'get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);

const HONO_METHODS = new Set(['use', 'get', 'post', 'put', 'delete', 'patch', 'all', 'on', 'options']);

/** Express 4/5 applications and routers: `app.use`, `app.METHOD`, `app.param`; `app.route(path)` derives a route with the METHOD calls. */
const EXPRESS_METHODS = new Set(['use', 'get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'param']);

/** One row per framework; Hono, tRPC and Express plug in here with their own modules and types. */
export const FRAMEWORKS: readonly FrameworkSpec[] = [
  {
    framework: 'koa',
    contract: 'onion',
    registrars: [
      { modules: ['koa'], methods: new Set(['use']) },
      { modules: ['@koa/router', 'koa-router'], methods: KOA_ROUTER_METHODS },
    ],
    composers: ['koa-compose'],
    wrappers: {},
    functionTypes: { koa: ['Middleware'], '@koa/router': ['Middleware'], 'koa-router': ['IMiddleware', 'Middleware'] },
    contextTypes: { koa: ['Context', 'ParameterizedContext', 'ExtendableContext'], '@koa/router': ['RouterContext'], 'koa-router': ['RouterContext', 'IRouterContext'] },
    nextTypes: { koa: ['Next'] },
    nextIndex: 1,
  },
  {
    framework: 'hono',
    contract: 'onion',
    registrars: [{ modules: ['hono'], named: ['Hono'], members: ['Hono'], methods: HONO_METHODS, derive: new Set(['basePath']) }],
    composers: [],
    wrappers: { 'hono/factory': ['createMiddleware'] },
    functionTypes: { hono: ['MiddlewareHandler'] },
    contextTypes: { hono: ['Context'] },
    nextTypes: { hono: ['Next'] },
    nextIndex: 1,
    nextNeverRejects: true,
  },
  {
    // Linear contract (NODE.md §1): `next(err?)` returns nothing; a path ends the response or calls `next` once.
    framework: 'express',
    contract: 'linear',
    registrars: [
      // `express()`, `express.Router()`, `import { Router } from 'express'`; `app.route('/x').get(...)`.
      { modules: ['express'], members: ['Router'], methods: EXPRESS_METHODS, derive: new Set(['route']) },
      { modules: ['express'], named: ['Router'], methods: EXPRESS_METHODS, derive: new Set(['route']) },
    ],
    composers: [],
    wrappers: {},
    functionTypes: { express: ['RequestHandler', 'Handler'], 'express-serve-static-core': ['RequestHandler', 'Handler'] },
    contextTypes: { express: ['Request'], 'express-serve-static-core': ['Request'] },
    nextTypes: { express: ['NextFunction'], 'express-serve-static-core': ['NextFunction'] },
    nextIndex: 2,
  },
  {
    framework: 'connect',
    contract: 'linear',
    registrars: [{ modules: ['connect'], methods: new Set(['use']) }],
    composers: [],
    wrappers: {},
    functionTypes: { connect: ['NextHandleFunction', 'HandleFunction'] },
    contextTypes: { connect: ['IncomingMessage'] },
    nextTypes: { connect: ['NextFunction'] },
    nextIndex: 2,
  },
];

/** The module names of every framework: a file that names none of them holds no function unit. */
export const FRAMEWORK_MODULES: readonly string[] = [
  ...new Set(FRAMEWORKS.flatMap((f) => [...f.registrars.flatMap((r) => r.modules), ...f.composers, ...Object.keys(f.wrappers), ...Object.keys(f.nextTypes)])),
];

/** The words a file must contain to hold a framework's unit (the pre-filter's text test): `koa` for `koa`, `@koa/router`, `koa-router`; `hono` for `hono`, `hono/factory`. */
export const FRAMEWORK_WORDS: readonly string[] = [...new Set(FRAMEWORK_MODULES.map((m) => /[a-z][a-z0-9]*/.exec(m.replace(/^@/, ''))![0]))];

type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

interface Candidate {
  fn: FunctionNode;
  spec: FrameworkSpec;
  /** For an inline function: the registration call's callee, as the unit's name (`app.use`). */
  registeredWith?: string;
}

function isFunctionNode(n: ts.Node): n is FunctionNode {
  return T.isFunctionDeclaration(n) || T.isFunctionExpression(n) || T.isArrowFunction(n);
}

/** The type name a type reference uses, resolved to `[module, name]` through the file's imports. */
function typeOrigin(type: ts.TypeNode | undefined, imports: readonly ImportFact[]): { source: string; name: string } | undefined {
  if (!type || !T.isTypeReferenceNode(type)) return undefined;
  const typeName = type.typeName;
  if (T.isIdentifier(typeName)) {
    const imp = imports.find((i) => i.local === typeName.text && i.imported !== '*' && i.imported !== 'default');
    return imp ? { source: imp.source, name: imp.imported } : undefined;
  }
  // `Koa.Middleware` through a default or namespace import.
  if (T.isIdentifier(typeName.left)) {
    const left = typeName.left.text;
    const imp = imports.find((i) => i.local === left && (i.imported === '*' || i.imported === 'default'));
    return imp ? { source: imp.source, name: typeName.right.text } : undefined;
  }
  return undefined;
}

function typedAs(type: ts.TypeNode | undefined, table: Readonly<Record<string, readonly string[]>>, imports: readonly ImportFact[]): boolean {
  const origin = typeOrigin(type, imports);
  return origin !== undefined && (table[origin.source]?.includes(origin.name) ?? false);
}

/** The framework whose types the function carries, if any. */
function typedFramework(fn: FunctionNode, imports: readonly ImportFact[]): FrameworkSpec | undefined {
  for (const spec of FRAMEWORKS) {
    const next = fn.parameters[spec.nextIndex];
    if (next && typedAs(next.type, spec.nextTypes, imports)) return spec;
    // A context-typed helper (`render(ctx: Context, view: string)`) is no middleware: its second
    // parameter must also be the next layer, by its name and a type that is absent or a function.
    if (next && typedAs(fn.parameters[0]?.type, spec.contextTypes, imports) && T.isIdentifier(next.name) && next.name.text === 'next' && (!next.type || T.isFunctionTypeNode(next.type))) return spec;
    // `const mw: Koa.Middleware = async (ctx, next) => ...`
    const parent = fn.parent;
    if (parent && T.isVariableDeclaration(parent) && parent.initializer === fn && typedAs(parent.type, spec.functionTypes, imports)) return spec;
    // `function logger(): Koa.Middleware { return async (ctx, next) => ... }`
    const returner = enclosingReturner(fn);
    if (returner && typedAs(returner.type, spec.functionTypes, imports)) return spec;
  }
  return undefined;
}

/** Every function, class, parameter or variable name bound in the file (destructured ones included), with how many bindings it has. */
function bindingCounts(sf: ts.SourceFile): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (n: ts.Node): void => {
    const name = T.isVariableDeclaration(n) || T.isParameter(n) || T.isBindingElement(n) || T.isFunctionDeclaration(n) || T.isClassDeclaration(n) ? n.name : undefined;
    // Destructuring patterns are counted through their binding elements.
    if (name && T.isIdentifier(name)) counts.set(name.text, (counts.get(name.text) ?? 0) + 1);
    T.forEachChild(n, visit);
  };
  visit(sf);
  return counts;
}

/**
 * Finds the function units of every framework in a file (see the comment at the top). Registration
 * arguments naming another module's export are added to `uses` when it is given.
 */
export function extractFunctionUnits(sf: ts.SourceFile, imports: readonly ImportFact[], uses?: FrameworkUse[]): Unit[] {
  const frameworkImports = imports.filter((i) => FRAMEWORK_MODULES.includes(i.source));
  // `require('koa-router')()` builds a router without binding the module to a name.
  const quoted = (m: string) => sf.text.includes(`'${m}'`) || sf.text.includes(`"${m}"`);
  if (frameworkImports.length === 0 && !FRAMEWORK_MODULES.some(quoted)) return [];
  const counts = bindingCounts(sf);
  /** The local names bound to a registrar module's default or namespace import. */
  const registrarOf = (callee: ts.Expression): Registrar | undefined => {
    const e = stripParens(callee);
    if (!T.isIdentifier(e)) return undefined;
    const imp = frameworkImports.find((i) => i.local === e.text);
    if (!imp) return undefined;
    const whole = imp.imported === 'default' || imp.imported === '*';
    return FRAMEWORKS.flatMap((f) => f.registrars).find((r) => r.modules.includes(imp.source) && (whole ? r.named === undefined : (r.named?.includes(imp.imported) ?? false)));
  };
  const specOf = (registrar: Registrar): FrameworkSpec => FRAMEWORKS.find((f) => f.registrars.includes(registrar))!;
  /** `new Koa()`, `new Router(opts)`, `require('koa-router')()`, `Router()`. */
  const built = (e: ts.Expression): Registrar | undefined => {
    const inner = stripParens(e);
    if (T.isNewExpression(inner) || T.isCallExpression(inner)) {
      const callee = stripParens(inner.expression);
      if (T.isCallExpression(callee) && T.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.arguments.length === 1) {
        const arg = callee.arguments[0]!;
        if (T.isStringLiteral(arg)) return FRAMEWORKS.flatMap((f) => f.registrars).find((r) => r.modules.includes(arg.text));
      }
      // `express.Router()`, `new hono.Hono()`: a building member of the default or namespace import.
      if (T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression)) {
        const base = callee.expression.text;
        const member = callee.name.text;
        const imp = frameworkImports.find((i) => i.local === base && (i.imported === 'default' || i.imported === '*'));
        if (imp) return FRAMEWORKS.flatMap((f) => f.registrars).find((r) => r.modules.includes(imp.source) && (r.members?.includes(member) ?? false));
        return undefined;
      }
      return registrarOf(callee);
    }
    return undefined;
  };
  // Variables holding a registering object; a name bound more than once anywhere is left out (it may be something else).
  const objects = new Map<string, Registrar>();
  const functions = new Map<string, FunctionNode>();
  /** Names bound by a CommonJS `require` of the file (`const auth = require('./auth')`, destructured too). */
  const required = new Set<string>();
  /** The registering object a call's receiver denotes: a variable, a fresh `new Koa()`, or a chained registration call. */
  const receiver = (e: ts.Expression): Registrar | undefined => {
    const inner = stripParens(e);
    if (T.isIdentifier(inner)) return objects.get(inner.text);
    const fresh = built(inner);
    if (fresh) return fresh;
    if (T.isCallExpression(inner) && T.isPropertyAccessExpression(inner.expression)) {
      const r = receiver(inner.expression.expression);
      const method = inner.expression.name.text;
      return r && (r.methods.has(method) || (r.derive?.has(method) ?? false)) ? r : undefined;
    }
    return undefined;
  };

  const visitDecls = (n: ts.Node): void => {
    if (T.isVariableDeclaration(n) && T.isIdentifier(n.name) && n.initializer && counts.get(n.name.text) === 1) {
      const registrar = built(n.initializer) ?? receiver(n.initializer);
      if (registrar) objects.set(n.name.text, registrar);
      const init = stripParens(n.initializer);
      if (T.isArrowFunction(init) || T.isFunctionExpression(init)) functions.set(n.name.text, init);
    }
    if (T.isVariableDeclaration(n) && n.initializer && requireOf(n.initializer) !== undefined) {
      if (T.isIdentifier(n.name)) required.add(n.name.text);
      else if (T.isObjectBindingPattern(n.name)) for (const el of n.name.elements) if (T.isIdentifier(el.name)) required.add(el.name.text);
    } else if (T.isFunctionDeclaration(n) && n.name && n.body && counts.get(n.name.text) === 1) functions.set(n.name.text, n);
    T.forEachChild(n, visitDecls);
  };
  visitDecls(sf);

  const candidates = new Map<FunctionNode, Candidate>();
  const add = (fn: FunctionNode | undefined, spec: FrameworkSpec, registeredWith?: string) => {
    if (!fn || !fn.body || candidates.has(fn)) return;
    candidates.set(fn, registeredWith === undefined ? { fn, spec } : { fn, spec, registeredWith });
  };
  /** Middleware given as arguments: inline, by a name of the file, as what a factory of the file returns, or in (nested) arrays. */
  const middlewareArgs = (args: readonly ts.Expression[], spec: FrameworkSpec, label: string): void => {
    for (const arg of args) {
      const a = stripParens(arg);
      if (T.isArrowFunction(a) || T.isFunctionExpression(a)) add(a, spec, a.name ? undefined : label);
      else if (T.isIdentifier(a) && functions.has(a.text)) add(functions.get(a.text), spec);
      else if (T.isArrayLiteralExpression(a)) middlewareArgs(a.elements, spec, label);
      else if (T.isCallExpression(a) && T.isIdentifier(a.expression) && functions.has(a.expression.text)) {
        const factory = functions.get(a.expression.text);
        const fn = factory && returnedFunction(factory);
        if (fn && isFunctionNode(fn)) add(fn, spec);
      } else if (uses) {
        // Another module's export (`auth`), or what calling one returns (`logger()`): the link step follows it.
        const call = T.isCallExpression(a) && requireOf(a) === undefined;
        const target = importedExport(call ? stripParens((a as ts.CallExpression).expression) : a);
        if (target) uses.push({ framework: spec.framework, ...target, call, range: rangeOf(a, sf) });
      }
    }
  };
  /**
   * The export of another module an expression names: an imported or required name bound once
   * (`auth`), a member of a namespace import or of a required module (`mw.auth`), or a `require`
   * itself (`require('./auth')`, `require('./mw').auth`). Framework modules are no project code.
   */
  const importedExport = (e: ts.Expression): { source: string; imported: string } | undefined => {
    const inner = stripParens(e);
    const inline = requireOf(inner);
    if (inline !== undefined) return FRAMEWORK_MODULES.includes(inline) ? undefined : { source: inline, imported: 'default' };
    let head: ts.Expression = inner;
    let member: string | undefined;
    if (T.isPropertyAccessExpression(inner) && T.isIdentifier(inner.name)) {
      head = stripParens(inner.expression);
      member = inner.name.text;
      const source = requireOf(head);
      if (source !== undefined) return FRAMEWORK_MODULES.includes(source) ? undefined : { source, imported: member };
    }
    if (!T.isIdentifier(head)) return undefined;
    // Bound by the import alone (or by its `require` declaration), never shadowed anywhere in the file.
    if ((counts.get(head.text) ?? 0) !== (required.has(head.text) ? 1 : 0)) return undefined;
    const imp = imports.find((i) => i.local === (head as ts.Identifier).text);
    if (!imp || FRAMEWORK_MODULES.includes(imp.source)) return undefined;
    if (member === undefined) {
      // `import * as mw` is no function; `const auth = require('./auth')` is the module's `module.exports`.
      if (imp.imported === '*') return required.has(head.text) ? { source: imp.source, imported: 'default' } : undefined;
      return { source: imp.source, imported: imp.imported };
    }
    return imp.imported === '*' ? { source: imp.source, imported: member } : undefined;
  };
  /** The framework whose composer or wrapper a callee is (`compose` imported from `koa-compose`, `createMiddleware` from `hono/factory`). */
  const composerOf = (callee: ts.Expression): FrameworkSpec | undefined => {
    const e = stripParens(callee);
    if (!T.isIdentifier(e)) return undefined;
    const imp = frameworkImports.find((i) => i.local === e.text);
    if (!imp) return undefined;
    if (imp.imported === 'default' || imp.imported === '*') return FRAMEWORKS.find((f) => f.composers.includes(imp.source));
    return FRAMEWORKS.find((f) => f.wrappers[imp.source]?.includes(imp.imported));
  };
  const visitCalls = (n: ts.Node): void => {
    if (T.isCallExpression(n) && T.isPropertyAccessExpression(n.expression)) {
      const r = receiver(n.expression.expression);
      if (r && r.methods.has(n.expression.name.text)) {
        const root = rootName(n.expression.expression);
        middlewareArgs(n.arguments, specOf(r), `${root !== undefined ? `${root}.` : ''}${n.expression.name.text}(…)`);
      }
    } else if (T.isCallExpression(n)) {
      const spec = composerOf(n.expression);
      // `const logger = createMiddleware(async (c, next) => ...)`: known by its variable's name.
      const holder = n.parent && T.isVariableDeclaration(n.parent) && T.isIdentifier(n.parent.name) ? n.parent.name.text : undefined;
      if (spec) middlewareArgs(n.arguments, spec, holder ?? `${stripParens(n.expression).getText(sf)}(…)`);
    }
    if (isFunctionNode(n) && !candidates.has(n)) {
      const spec = typedFramework(n, imports);
      if (spec) add(n, spec);
    }
    T.forEachChild(n, visitCalls);
  };
  visitCalls(sf);

  const units: Unit[] = [];
  for (const c of candidates.values()) {
    const unit = functionUnit(c, sf);
    if (unit) units.push(unit);
  }
  return units;
}

/** The module a `require('m')` call (possibly awaited) loads. */
function requireOf(e: ts.Expression): string | undefined {
  const inner = stripParens(T.isAwaitExpression(e) ? e.expression : e);
  if (!T.isCallExpression(inner) || !T.isIdentifier(inner.expression) || inner.expression.text !== 'require' || inner.arguments.length !== 1) return undefined;
  const arg = inner.arguments[0]!;
  return T.isStringLiteral(arg) || T.isNoSubstitutionTemplateLiteral(arg) ? arg.text : undefined;
}

/**
 * The functions of a file without framework evidence that another file may register (see the
 * comment at the top): reachable from outside by an export (ESM or CommonJS), with an identifier
 * parameter named like the next layer at a framework's next position, or returned by such an
 * exported factory. `units` are the file's units already: a function among them is judged already.
 */
export function extractFunctionCandidates(sf: ts.SourceFile, exports: readonly ExportFact[], units: readonly Unit[], names: NameSettings): FunctionCandidate[] {
  const exported = new Set(exports.flatMap((e) => (e.source === undefined && e.local !== undefined ? [e.local] : [])));
  const reachable: Array<[string, FunctionNode]> = [];
  const asFunction = (e: ts.Expression | undefined): FunctionNode | undefined => {
    const inner = e && stripParens(e);
    return inner && (T.isArrowFunction(inner) || T.isFunctionExpression(inner)) ? inner : undefined;
  };
  for (const st of sf.statements) {
    if (T.isFunctionDeclaration(st) && st.body) {
      const name = st.name?.text;
      if (name !== undefined ? exported.has(name) : st.modifiers?.some((m) => m.kind === T.SyntaxKind.DefaultKeyword)) reachable.push([name ?? 'default', st]);
    } else if (T.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const fn = asFunction(d.initializer);
        if (fn && T.isIdentifier(d.name) && exported.has(d.name.text)) reachable.push([d.name.text, fn]);
      }
    } else if (T.isExportAssignment(st)) {
      const fn = asFunction(st.expression);
      if (fn) reachable.push(['default', fn]);
    } else if (T.isExpressionStatement(st) && T.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === T.SyntaxKind.EqualsToken) {
      // `module.exports = fn`, `exports.auth = fn`, `module.exports.auth = fn` (as collectCommonJsExport records them).
      const fn = asFunction(st.expression.right);
      const left = st.expression.left.getText(sf).replace(/\s+/g, '');
      const member = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left)?.[1];
      if (fn && (left === 'module.exports' || member !== undefined)) reachable.push([member ?? 'default', fn]);
    }
  }
  if (reachable.length === 0) return [];
  const nextNames = new Set(names.next);
  const nextIndexOf = (fn: FunctionNode): number | undefined =>
    [1, 2].find((i) => {
      const p = fn.parameters[i];
      return p !== undefined && !p.dotDotDotToken && T.isIdentifier(p.name) && nextNames.has(p.name.text);
    });
  const judged = new Set(units.map((u) => `${u.range.start}:${u.range.end}`));
  const out: FunctionCandidate[] = [];
  for (const [name, outer] of reachable) {
    let fn: FunctionNode | undefined = outer;
    let nextIndex = nextIndexOf(outer);
    const factory = nextIndex === undefined;
    if (factory) {
      const inner = returnedFunction(outer);
      fn = inner && isFunctionNode(inner) ? inner : undefined;
      nextIndex = fn && nextIndexOf(fn);
    }
    if (!fn || nextIndex === undefined || judged.has(`${fn.getStart(sf)}:${fn.getEnd()}`)) continue;
    const variants: Unit[] = [];
    const keys: string[] = [];
    const byFramework: FunctionCandidate['byFramework'] = {};
    for (const spec of FRAMEWORKS) {
      if (spec.nextIndex !== nextIndex) continue;
      const unit = functionUnit({ fn, spec, registeredWith: name }, sf);
      if (!unit) continue;
      const { framework: _framework, contract: _contract, ...rest } = unit;
      const variant = { ...rest, name };
      const key = JSON.stringify(variant);
      let index = keys.indexOf(key);
      if (index < 0) {
        index = keys.push(key) - 1;
        variants.push(variant);
      }
      byFramework[spec.framework] = index;
    }
    if (variants.length > 0) out.push({ name, factory, nextIndex, variants, byFramework });
  }
  return out;
}

/** The variable a chain of calls and member accesses starts from: `router` for `router.get(...).post`. */
function rootName(e: ts.Expression): string | undefined {
  const inner = stripParens(e);
  if (T.isIdentifier(inner)) return inner.text;
  if (T.isCallExpression(inner)) return rootName(inner.expression);
  if (T.isPropertyAccessExpression(inner)) return rootName(inner.expression);
  return undefined;
}

/** The name a function is known by: its own or its variable's, its factory's, or the registration it is passed to. */
function unitName(c: Candidate, sf: ts.SourceFile): { name: string; range: Range } {
  const { fn } = c;
  const declared = declaredName(fn);
  if (declared) return declared;
  const start = fn.getStart(sf);
  const head = { start, end: Math.max(start + 1, fn.body?.getStart(sf) ?? start + 1) };
  // `function logger() { return async (ctx, next) => ... }`: known by its factory's name.
  const factory = enclosingReturner(fn);
  const factoryName = factory && !T.isMethodDeclaration(factory) ? declaredName(factory)?.name : undefined;
  return { name: factoryName ?? c.registeredWith ?? 'middleware', range: head };
}

/** A function unit: the function is the handler, its next-layer parameter is `spec.nextIndex`. */
function functionUnit(c: Candidate, sf: ts.SourceFile): Unit | undefined {
  const { fn, spec } = c;
  const next = fn.parameters[spec.nextIndex];
  // No next-layer parameter: a terminal handler, which every contract accepts.
  if (!next || !T.isIdentifier(next.name) || next.dotDotDotToken) return undefined;
  const declared = unitName(c, sf);
  const handler = summarize(fn, sf, {
    name: declared.name,
    nameRange: declared.range,
    next: { identifiers: new Set([next.name.text]), members: new Set(), promiseLike: spec.contract === 'onion', onion: spec.contract === 'onion', ...(spec.nextNeverRejects ? { nextNeverRejects: true } : {}) },
  });
  return {
    kind: 'function',
    name: declared.name,
    range: rangeOf(fn, sf),
    nameRange: declared.range,
    evidence: 'framework',
    nextParam: { name: next.name.text, range: rangeOf(next, sf) },
    nextIsAsync: spec.contract === 'onion' ? true : null,
    nextFields: [],
    members: [],
    handler,
    hooks: {},
    framework: spec.framework,
    contract: spec.contract,
  };
}
