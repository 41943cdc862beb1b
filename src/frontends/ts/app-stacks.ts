/**
 * The registration stacks of Node apps and routers (issue 12): every `app.use(...)`,
 * `app.get(path, ...)`, `router.use(...)`, `consumer.apply(...)` on a registering object that
 * frameworks.ts recognised, in program order per object, with path filters, conditions (`if`),
 * unknown positions (loops, callbacks), mounts of other apps and routers of the file, and calls
 * handing the object to a function (`configure(app)`), whose own registrations (on its parameter)
 * the link step puts in that place. Facts only: the link step (src/link/app-stacks.ts) nests the
 * stacks and resolves the layers; the rules decide.
 */
import type { ts } from 'ts-morph';
import type { AppStackFact, ExportFact, Framework, ImportFact, LayerFact, Range, RegistrationFact } from '../../model.js';
import { FRAMEWORKS, type RegisteringObject, type RegistrationSink } from './frameworks.js';
import { isFunctionLike, requestAttribute } from './flow.js';
import { literalArguments } from './stacks.js';
import { commonJsExportOf, dotted, rangeOf, requireOf, stripParens } from './syntax.js';
import { T } from './typescript.js';

type FunctionLike = ts.FunctionLikeDeclaration;

/** A registering object, or a parameter whose framework is the includer's (`framework` absent). */
type Receiver = Omit<RegisteringObject, 'framework'> & { framework?: Framework };

/**
 * The registering methods of an object whose framework only the app that includes it knows (the
 * parameter of `module.exports = function (app) {...}`): those of the web frameworks' apps and
 * routers (the link step keeps the includer's own).
 */
const ANY_FRAMEWORK: Receiver = (() => {
  const rows = FRAMEWORKS.filter((f) => f.framework === 'express' || f.framework === 'connect' || f.framework === 'koa' || f.framework === 'hono');
  const registrars = rows.flatMap((f) => f.registrars.filter((r) => r.wrapping === undefined));
  return { methods: new Set(registrars.flatMap((r) => [...r.methods])), derive: new Set(['route']) };
})();

/** Methods that register no layer but name the mount point's path (Express `app.route(path)`). */
const PATH_DERIVES = new Set(['route']);

/** Methods of an object that take a path first (every registering method except Koa's `app.use` and Nest's `apply`). */
function takesPath(framework: Framework | undefined, method: string, role: AppStackFact['role']): boolean {
  if (method === 'apply') return false;
  if (framework === 'koa') return role !== 'app';
  return framework !== 'trpc';
}

/** The nearest function around a node (or the file). */
function scopeOf(n: ts.Node): ts.Node {
  let cur = n.parent;
  while (cur && !isFunctionLike(cur) && !T.isSourceFile(cur)) cur = cur.parent;
  return cur ?? n.getSourceFile();
}

/** A path argument as written: a string literal, or null when it cannot be read. */
function pathOf(e: ts.Expression): string | null {
  const inner = stripParens(e);
  return T.isStringLiteral(inner) || T.isNoSubstitutionTemplateLiteral(inner) ? inner.text : null;
}

function isPathLike(e: ts.Expression): boolean {
  const inner = stripParens(e);
  return T.isStringLiteral(inner) || T.isNoSubstitutionTemplateLiteral(inner) || T.isTemplateExpression(inner) || T.isRegularExpressionLiteral(inner) || (T.isArrayLiteralExpression(inner) && inner.elements.length > 0 && inner.elements.every((x) => isPathLike(x)));
}

/**
 * The attributes a function reads from its first parameter (`req.body`, `ctx.request.body`), not
 * counting those it assigns first anywhere: a route's handler, which no flow summary covers.
 */
function requestReads(fn: ts.ArrowFunction | ts.FunctionExpression): string[] {
  const param = fn.parameters[0];
  if (!param || !T.isIdentifier(param.name)) return [];
  const name = param.name.text;
  const reads = new Set<string>();
  const writes = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (T.isPropertyAccessExpression(n)) {
      const read = requestAttribute(n.expression, n.name.text);
      const attribute = read?.local === name ? read.attribute : undefined;
      if (attribute !== undefined) {
        const parent = n.parent;
        const written = T.isBinaryExpression(parent) && parent.left === n && parent.operatorToken.kind >= T.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= T.SyntaxKind.LastAssignment;
        (written ? writes : reads).add(attribute);
      }
    }
    // A parameter of the same name in a nested function is another object.
    if ((T.isArrowFunction(n) || T.isFunctionExpression(n) || T.isFunctionDeclaration(n)) && n.parameters.some((p) => T.isIdentifier(p.name) && p.name.text === name)) return;
    T.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return [...reads].filter((r) => !writes.has(r));
}

/** A prefix and a path as written (`/api` and `/books`, `*`): joined; unknown when either is; the prefix alone for no path. */
function joinRawPaths(prefix: string | null | undefined, path: string | null | undefined): string | null | undefined {
  if (prefix === undefined) return path;
  if (prefix === null || path === null) return null;
  if (path === undefined) return prefix;
  return `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
}

/** Nest's `forRoutes({ path: 'cats', method: RequestMethod.GET })`: the path and, unless ALL, the method. */
function nestRouteInfo(target: ts.ObjectLiteralExpression): { path: string | null | undefined; methods?: string[] } {
  let path: string | null | undefined = null;
  let methods: string[] | undefined;
  for (const p of target.properties) {
    if (!T.isPropertyAssignment(p) || !(T.isIdentifier(p.name) || T.isStringLiteral(p.name))) return { path: null };
    const value = stripParens(p.initializer);
    if (p.name.text === 'path') {
      const read = pathOf(value);
      path = read === '*' || read === '(.*)' ? undefined : read;
    } else if (p.name.text === 'method') {
      if (!T.isPropertyAccessExpression(value) || dotted(value.expression) !== 'RequestMethod') return { path: null };
      if (value.name.text !== 'ALL') methods = [value.name.text];
    } else return { path: null };
  }
  return { path, ...(methods ? { methods } : {}) };
}

/** The function declaring a parameter of that name around an identifier, and the parameter's position. */
function parameterNamed(id: ts.Identifier): { fn: FunctionLike; index: number } | undefined {
  for (let cur: ts.Node | undefined = id.parent; cur && !T.isSourceFile(cur); cur = cur.parent) {
    if (!isFunctionLike(cur)) continue;
    const index = cur.parameters.findIndex((p) => T.isIdentifier(p.name) && p.name.text === id.text);
    if (index >= 0) return { fn: cur, index };
  }
  return undefined;
}

/** The functions declared at the top of the file by name: `function f() {}`, `const f = () => {}`. */
function topLevelFunctions(sf: ts.SourceFile): Map<string, FunctionLike> {
  const out = new Map<string, FunctionLike>();
  for (const st of sf.statements) {
    if (T.isFunctionDeclaration(st) && st.name && st.body) out.set(st.name.text, st);
    else if (T.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && stripParens(d.initializer);
        if (T.isIdentifier(d.name) && init && (T.isArrowFunction(init) || T.isFunctionExpression(init))) out.set(d.name.text, init);
      }
    }
  }
  return out;
}

/**
 * The exported functions of a file, with the name their parameter stacks take (`configure`; the
 * export's name for an anonymous one: `default` for `module.exports = function (app) {...}`).
 */
function exportedFunctions(sf: ts.SourceFile, exports: readonly ExportFact[], functions: ReadonlyMap<string, FunctionLike>): Array<{ fn: FunctionLike; name: string; exported: string[] }> {
  const out = new Map<FunctionLike, { fn: FunctionLike; name: string; exported: string[] }>();
  const add = (fn: FunctionLike, name: string, exported: string) => {
    const known = out.get(fn);
    if (known) known.exported.push(exported);
    else out.set(fn, { fn, name, exported: [exported] });
  };
  for (const e of exports) {
    const fn = e.local !== undefined && !e.source ? functions.get(e.local) : undefined;
    if (fn) add(fn, e.local!, e.exported);
  }
  const isFunction = (e: ts.Node): e is ts.ArrowFunction | ts.FunctionExpression => T.isArrowFunction(e) || T.isFunctionExpression(e);
  for (const st of sf.statements) {
    if (T.isFunctionDeclaration(st) && !st.name && st.body && st.modifiers?.some((m) => m.kind === T.SyntaxKind.DefaultKeyword)) add(st, 'default', 'default');
    else if (T.isExportAssignment(st) && isFunction(stripParens(st.expression))) add(stripParens(st.expression) as FunctionLike, 'default', 'default');
    else if (T.isExpressionStatement(st) && T.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === T.SyntaxKind.EqualsToken) {
      const exported = commonJsExportOf(st.expression.left);
      const right = stripParens(st.expression.right);
      if (exported !== undefined && isFunction(right)) add(right, exported, exported);
      // `module.exports = { configure(app) {...}, routes: (app) => {...} }`
      if (exported === 'default' && T.isObjectLiteralExpression(right)) {
        for (const p of right.properties) {
          if (!p.name || !T.isIdentifier(p.name)) continue;
          if (T.isMethodDeclaration(p) && p.body) add(p, p.name.text, p.name.text);
          else if (T.isPropertyAssignment(p) && isFunction(stripParens(p.initializer))) add(stripParens(p.initializer) as FunctionLike, p.name.text, p.name.text);
        }
      }
    }
  }
  return [...out.values()];
}

/** A module loaded in place and the export used: `require('./api')` (`default`), `require('./routes').configure`. */
function requiredExport(e: ts.Expression): { source: string; exported: string } | undefined {
  const inner = stripParens(e);
  const source = requireOf(inner);
  if (source !== undefined) return { source, exported: 'default' };
  if (T.isPropertyAccessExpression(inner)) {
    const below = requireOf(stripParens(inner.expression));
    if (below !== undefined) return { source: below, exported: inner.name.text };
  }
  return undefined;
}

/** A function's name for a stack of its parameter: `CatsModule.configure`, `setup`. */
function functionLabel(fn: FunctionLike): string {
  const own = fn.name && (T.isIdentifier(fn.name) || T.isStringLiteral(fn.name)) ? fn.name.text : 'function';
  const cls = T.isMethodDeclaration(fn) && T.isClassLike(fn.parent) ? fn.parent.name?.text : undefined;
  return cls ? `${cls}.${own}` : own;
}

/** @koa/router's `prefix` option: the literal, undefined when the options set none, null when they cannot be read. */
function koaPrefix(options: ts.Expression): string | null | undefined {
  const o = stripParens(options);
  if (!T.isObjectLiteralExpression(o)) return null;
  let prefix: string | null | undefined;
  for (const p of o.properties) {
    if (T.isSpreadAssignment(p) || p.name === undefined || T.isComputedPropertyName(p.name)) return null;
    const key = T.isIdentifier(p.name) || T.isStringLiteral(p.name) ? p.name.text : undefined;
    if (key !== 'prefix') continue;
    prefix = T.isPropertyAssignment(p) ? pathOf(p.initializer) : null;
  }
  return prefix;
}

/**
 * The parameters of `fn` that it registers layers on (`app.use(...)`, `app.route('/x').get(...)`) or
 * hands to a function of the file or of another module (`require('./users')(app)`).
 */
function registeringParameters(fn: FunctionLike, functions: ReadonlyMap<string, FunctionLike>, imports: readonly ImportFact[]): number[] {
  const names = fn.parameters.map((p) => (T.isIdentifier(p.name) ? p.name.text : undefined));
  const found = new Set<number>();
  const callable = (callee: ts.Expression): boolean => {
    if (requiredExport(callee) !== undefined) return true;
    const name = dotted(callee);
    const head = name?.split('.')[0];
    return head !== undefined && (functions.has(head) || imports.some((i) => i.local === head));
  };
  const visit = (n: ts.Node): void => {
    if (T.isCallExpression(n)) {
      let callee = stripParens(n.expression);
      // A registration takes a layer: `app.use(fn)`, `app.get('/x', fn)`; `req.get('X-Probe')` (one string) is no registration.
      const first = n.arguments[0] && stripParens(n.arguments[0]);
      const registers = n.arguments.length > 1 || (first !== undefined && !T.isStringLiteralLike(first) && !T.isTemplateExpression(first));
      if (registers && T.isPropertyAccessExpression(callee) && ANY_FRAMEWORK.methods.has(callee.name.text)) {
        let object = stripParens(callee.expression);
        // `app.route('/x').get(...)`
        if (T.isCallExpression(object) && T.isPropertyAccessExpression(object.expression) && ANY_FRAMEWORK.derive!.has(object.expression.name.text)) object = stripParens(object.expression.expression);
        const i = T.isIdentifier(object) ? names.indexOf(object.text) : -1;
        if (i >= 0) found.add(i);
      }
      callee = stripParens(n.expression);
      if (callable(callee)) {
        for (const arg of n.arguments) {
          const a = stripParens(arg);
          const i = T.isIdentifier(a) ? names.indexOf(a.text) : -1;
          if (i >= 0) found.add(i);
        }
      }
    }
    T.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return [...found].sort((a, b) => a - b);
}

/**
 * Extracts the app stacks of a file. `sink` is what `extractFunctionUnits` recorded; `unitOffset`
 * is the index in FileFacts.units of the first function unit.
 */
export function extractAppStacks(sf: ts.SourceFile, imports: readonly ImportFact[], exports: readonly ExportFact[], sink: RegistrationSink, unitOffset: number): AppStackFact[] {
  /**
   * Parameters of functions of the file that receive a registering object (`function configure(app)`
   * called with `app`), and those of exported functions that register on them, whose object the
   * including module gives (`module.exports = function (app) {...}`; framework unknown here).
   */
  const parameters = new Map<ts.Node, Map<string, { framework?: Framework; name: string; node: ts.Node }>>();
  const functions = topLevelFunctions(sf);
  const exportedParameters: Array<{ name: string; exported: string[] }> = [];
  for (const { fn, name, exported } of exportedFunctions(sf, exports, functions)) {
    for (const index of registeringParameters(fn, functions, imports)) {
      const param = fn.parameters[index]!;
      const byName = parameters.get(fn) ?? new Map();
      byName.set((param.name as ts.Identifier).text, { name: `${name}#${index}`, node: param.name });
      parameters.set(fn, byName);
      exportedParameters.push({ name: `${name}#${index}`, exported });
    }
  }
  if (sink.objects.size === 0 && sink.registrations.length === 0 && parameters.size === 0) return [];
  const stacks = new Map<string, AppStackFact>();
  /** Where each stack's variable is declared: registrations in another function may run at any time. */
  const scopes = new Map<string, ts.Node>();
  let conditionIds = 0;
  const conditionOf = new Map<ts.Node, number>();

  const declarations = new Map<string, ts.VariableDeclaration | undefined>();
  const declarationOf = (name: string): ts.VariableDeclaration | undefined => {
    if (declarations.has(name)) return declarations.get(name);
    const found = findDeclaration(name);
    declarations.set(name, found);
    return found;
  };
  const findDeclaration = (name: string): ts.VariableDeclaration | undefined => {
    let found: ts.VariableDeclaration | undefined;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (T.isVariableDeclaration(n) && T.isIdentifier(n.name) && n.name.text === name) found = n;
      else T.forEachChild(n, visit);
    };
    visit(sf);
    return found;
  };
  const roleOf = (decl: ts.VariableDeclaration | undefined): AppStackFact['role'] => {
    let init = decl?.initializer && stripParens(decl.initializer);
    while (init && T.isBinaryExpression(init) && init.operatorToken.kind === T.SyntaxKind.EqualsToken) init = stripParens(init.right);
    if (init && T.isAwaitExpression(init)) init = stripParens(init.expression);
    if (init && (T.isCallExpression(init) || T.isNewExpression(init))) {
      const callee = stripParens(init.expression);
      const name = dotted(callee) ?? (requireOf(callee) !== undefined ? requireOf(callee)! : '');
      if (/Router$|router$/.test(name)) return 'router';
      const last = T.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      // `new Hono().basePath('/api')` is still an app; any other derived object (`app.route(...)`) is no variable of its own here.
      if (last === 'basePath') return 'app';
    }
    return 'app';
  };
  const basePathOf = (decl: ts.VariableDeclaration | undefined, object: Receiver): string | null | undefined => {
    let init = decl?.initializer && stripParens(decl.initializer);
    if (init && T.isCallExpression(init) && T.isPropertyAccessExpression(init.expression) && init.expression.name.text === 'basePath' && init.arguments[0]) {
      return pathOf(init.arguments[0]) ?? undefined;
    }
    if (init && T.isAwaitExpression(init)) init = stripParens(init.expression);
    // @koa/router: `new Router({ prefix: '/api' })`; options that cannot be read: every path unknown.
    if (object.framework === 'koa' && roleOf(decl) === 'router' && init && (T.isNewExpression(init) || T.isCallExpression(init)) && init.arguments?.[0]) return koaPrefix(init.arguments[0]);
    return undefined;
  };
  const exportedNames = (name: string): string[] => exports.filter((e) => e.local === name).map((e) => e.exported);

  const stackFor = (name: string, object: Receiver, nameNode: ts.Node | undefined, role?: AppStackFact['role']): AppStackFact => {
    let stack = stacks.get(name);
    if (!stack) {
      const decl = role === 'parameter' ? undefined : declarationOf(name);
      const exported = exportedNames(name);
      const basePath = basePathOf(decl, object);
      stack = {
        ...(object.framework !== undefined ? { framework: object.framework } : {}),
        name,
        role: role ?? roleOf(decl),
        nameRange: rangeOf(decl?.name ?? nameNode ?? sf, sf),
        ...(exported.length > 0 ? { exported } : {}),
        ...(basePath !== undefined ? { basePath } : {}),
        registrations: [],
      };
      stacks.set(name, stack);
      if (decl) scopes.set(name, scopeOf(decl));
      if (decl && returnsName(scopeOf(decl), name)) stack.returned = true;
    }
    return stack;
  };
  /** The function declaring the object returns it (`function createApp() { const app = express(); ...; return app; }`). */
  const returnsName = (scope: ts.Node, name: string): boolean => {
    if (!isFunctionLike(scope)) return false;
    const named = (e: ts.Expression | undefined) => e !== undefined && T.isIdentifier(stripParens(e)) && (stripParens(e) as ts.Identifier).text === name;
    if (T.isArrowFunction(scope) && !T.isBlock(scope.body)) return named(scope.body);
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found || (n !== scope && isFunctionLike(n))) return;
      if (T.isReturnStatement(n) && named(n.expression)) found = true;
      else T.forEachChild(n, visit);
    };
    visit(scope);
    return found;
  };

  /** A parameter receiving a registering object, seen from an identifier used in function `scope`. */
  const parameterReceiver = (id: ts.Identifier): { framework?: Framework; name: string; node: ts.Node; scope: ts.Node } | undefined => {
    let scope: ts.Node | undefined = scopeOf(id);
    while (scope && !T.isSourceFile(scope)) {
      const found = parameters.get(scope)?.get(id.text);
      if (found) return { ...found, scope };
      scope = scopeOf(scope);
    }
    return undefined;
  };

  /**
   * The object a registration's receiver denotes, with the path a derived object adds
   * (`app.route('/users').get(...)`): the variable's name, or undefined.
   */
  const rootOf = (e: ts.Expression): { name: string; object: Receiver; path?: string | null; prefix?: string | null; role?: AppStackFact['role']; scope?: ts.Node; nameNode?: ts.Node } | undefined => {
    const inner = stripParens(e);
    if (T.isIdentifier(inner)) {
      // A parameter receiving the object (`function configure(app)` called with `app`) shadows the variable.
      const shadowing = parameterReceiver(inner);
      const object = shadowing ? undefined : sink.objects.get(inner.text);
      // Hono: `const api = app.basePath('/api')` shares `app`'s routes: its registrations are `app`'s, under the prefix.
      const init = object?.framework === 'hono' ? declarationOf(inner.text)?.initializer : undefined;
      const based = init && stripParens(init);
      if (based && T.isCallExpression(based) && T.isPropertyAccessExpression(based.expression) && based.expression.name.text === 'basePath' && T.isIdentifier(stripParens(based.expression.expression)) && based.arguments.length === 1) {
        const parent = stripParens(based.expression.expression) as ts.Identifier;
        const base = parent.text !== inner.text ? rootOf(parent) : undefined;
        if (base) return { ...base, prefix: joinRawPaths(base.prefix, pathOf(based.arguments[0]!)) };
      }
      // Nest's `configure(consumer: MiddlewareConsumer)`: a stack of the method's own.
      const typed = object?.framework === 'nest' ? parameterNamed(inner) : undefined;
      if (object && typed) return { name: `${functionLabel(typed.fn)}#${typed.index}`, object, role: 'parameter', scope: typed.fn };
      if (object) return { name: inner.text, object };
      const param = shadowing;
      if (param) {
        if (param.framework === undefined) return { name: param.name, object: ANY_FRAMEWORK, role: 'parameter', scope: param.scope, nameNode: param.node };
        const methods = new Set([...sink.objects.values()].filter((o) => o.framework === param.framework).flatMap((o) => [...o.methods]));
        return { name: param.name, object: { framework: param.framework, methods }, role: 'parameter', scope: param.scope, nameNode: param.node };
      }
      return undefined;
    }
    if (T.isCallExpression(inner) && T.isPropertyAccessExpression(inner.expression)) {
      const method = inner.expression.name.text;
      const below = rootOf(inner.expression.expression);
      if (!below) return undefined;
      if (PATH_DERIVES.has(method) && below.object.derive?.has(method)) return { ...below, path: inner.arguments[0] ? pathOf(inner.arguments[0]) : null };
      if (below.object.methods.has(method)) return below;
      return undefined;
    }
    return undefined;
  };

  /** What a variable of the file holds when it is bound once to a call's result, or a property destructured from one. */
  const origins = new Map<string, LayerFact['origin']>();
  const originOf = (name: string): LayerFact['origin'] => {
    if (!origins.has(name)) origins.set(name, findOrigin(name));
    return origins.get(name);
  };
  const findOrigin = (name: string): LayerFact['origin'] => {
    let found: LayerFact['origin'];
    let count = 0;
    const visit = (n: ts.Node): void => {
      if (T.isVariableDeclaration(n) && n.initializer) {
        const init = stripParens(n.initializer);
        const callee = T.isCallExpression(init) ? dotted(stripParens(init.expression)) : undefined;
        if (T.isIdentifier(n.name) && n.name.text === name) {
          count++;
          if (callee !== undefined) found = { call: callee };
        } else if (T.isObjectBindingPattern(n.name)) {
          for (const el of n.name.elements) {
            if (!T.isIdentifier(el.name) || el.name.text !== name) continue;
            count++;
            const property = el.propertyName && T.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            if (callee !== undefined && !el.dotDotDotToken) found = { call: callee, property };
          }
        }
      } else if ((T.isParameter(n) || T.isFunctionDeclaration(n) || T.isClassDeclaration(n)) && n.name && T.isIdentifier(n.name) && n.name.text === name) count++;
      T.forEachChild(n, visit);
    };
    visit(sf);
    return count === 1 ? found : undefined;
  };
  /** The flattened layers of registration arguments. */
  const layersOf = (args: readonly ts.Expression[]): LayerFact[] => {
    const layers: LayerFact[] = [];
    let conditional = false;
    const out = { push: (layer: LayerFact) => layers.push(conditional ? { ...layer, conditional: true } : layer) };
    /** Visits layers that run only on a condition (`some(...)`, `except(...)`, a nested `mount(...)`). */
    const visitConditional = (list: readonly ts.Expression[]): void => {
      const before = conditional;
      conditional = true;
      list.forEach(visit);
      conditional = before;
    };
    const visit = (arg: ts.Expression): void => {
      const a = stripParens(arg);
      const range = rangeOf(a, sf);
      if (T.isArrayLiteralExpression(a)) {
        for (const el of a.elements) {
          if (T.isSpreadElement(el)) out.push({ kind: 'unknown', value: '', range: rangeOf(el, sf) });
          else visit(el);
        }
        return;
      }
      const combined = T.isCallExpression(a) ? combinerOf(a.expression) : undefined;
      if (combined && T.isCallExpression(a)) {
        // hono/combine: `every` runs its layers in order; `some` and `except` on conditions of their own.
        if (combined === 'every') a.arguments.forEach(visit);
        else visitConditional(combined === 'except' ? a.arguments.slice(1) : a.arguments);
        return;
      }
      const mounted = T.isCallExpression(a) ? mountOf(a) : undefined;
      if (mounted) {
        if (mounted.path === undefined) mounted.layers.forEach(visit);
        else visitConditional(mounted.layers);
        return;
      }
      if (T.isArrowFunction(a) || T.isFunctionExpression(a)) {
        const unit = sink.units.get(a);
        const reads = unit === undefined ? requestReads(a) : [];
        out.push({ kind: 'function', value: '', range, ...(unit !== undefined ? { unit: unit + unitOffset } : {}), ...(reads.length > 0 ? { reads } : {}) });
        return;
      }
      if (T.isCallExpression(a)) {
        const callee = stripParens(a.expression);
        // `compose([a, b])`: its layers, in order.
        if (sink.composer(callee) !== undefined && !T.isPropertyAccessExpression(callee)) {
          a.arguments.forEach(visit);
          return;
        }
        const value = dotted(callee);
        const args = literalArguments(a.arguments);
        if (value === undefined) {
          // `multer(opts).single('avatar')`: a member of a call's result.
          const inner = T.isPropertyAccessExpression(callee) ? stripParens(callee.expression) : undefined;
          const made = inner && T.isCallExpression(inner) ? dotted(stripParens(inner.expression)) : undefined;
          if (made !== undefined) out.push({ kind: 'call', value: (callee as ts.PropertyAccessExpression).name.text, range, ...(args !== undefined ? { args } : {}), origin: { call: made } });
          else out.push({ kind: 'unknown', value: '', range });
          return;
        }
        // `router.routes()`, `router.middleware()`: the router's own stack (of this file, or imported).
        const owner = T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression) ? callee.expression.text : undefined;
        const ownStack = owner !== undefined && (sink.objects.has(owner) || imports.some((i) => i.local === owner));
        const mounted = ownStack && /^(routes|middleware)$/.test((callee as ts.PropertyAccessExpression).name.text) ? owner : undefined;
        // `require('./api')`: that module's export.
        const module = requiredExport(a);
        // What a factory of the file returns: its unit.
        const factory = T.isIdentifier(callee) ? sink.functions.get(callee.text) : undefined;
        const returned = factory ? unitReturnedBy(factory) : undefined;
        const origin = mounted === undefined && returned === undefined && module === undefined ? headOrigin(value) : undefined;
        out.push({ kind: 'call', value, range, ...(args !== undefined ? { args } : {}), ...(mounted !== undefined ? { receiver: mounted } : {}), ...(returned !== undefined ? { unit: returned + unitOffset } : {}), ...(module ? { module } : {}), ...(origin ? { origin } : {}) });
        return;
      }
      const value = dotted(a);
      if (value !== undefined) {
        const receiver = T.isIdentifier(a) && sink.objects.has(a.text) ? a.text : undefined;
        const local = T.isIdentifier(a) ? sink.functions.get(a.text) : undefined;
        const unit = local ? sink.units.get(local) : undefined;
        const origin = receiver === undefined && unit === undefined ? headOrigin(value) : undefined;
        out.push({ kind: 'reference', value, range, ...(receiver !== undefined ? { receiver } : {}), ...(unit !== undefined ? { unit: unit + unitOffset } : {}), ...(origin ? { origin } : {}) });
        return;
      }
      const module = requiredExport(a);
      out.push({ kind: 'unknown', value: '', range, ...(module ? { module } : {}) });
    };
    args.forEach(visit);
    return layers;
  };
  /** The combinator of `hono/combine` a callee is. */
  const combinerOf = (callee: ts.Expression): 'every' | 'some' | 'except' | undefined => {
    const e = stripParens(callee);
    const imp = T.isIdentifier(e) ? imports.find((i) => i.local === e.text && i.source === 'hono/combine') : undefined;
    return imp && (imp.imported === 'every' || imp.imported === 'some' || imp.imported === 'except') ? imp.imported : undefined;
  };
  /** `mount('/x', mw)` of koa-mount: its path (undefined for `/` or none) and layers. */
  const mountOf = (call: ts.CallExpression): { path?: string | null; layers: ts.Expression[] } | undefined => {
    const e = stripParens(call.expression);
    const imp = T.isIdentifier(e) ? imports.find((i) => i.local === e.text && i.source === 'koa-mount') : undefined;
    if (!imp || (imp.imported !== 'default' && imp.imported !== '*') || call.arguments.length === 0) return undefined;
    const [first, ...rest] = call.arguments;
    if (call.arguments.length === 1 || !isPathLike(first!)) return { layers: [...call.arguments] };
    const path = pathOf(first!);
    return { ...(path !== '/' ? { path } : {}), layers: rest };
  };
  /** The origin of a layer's head variable (`upload` of `upload.single`), unless it is an import. */
  const headOrigin = (value: string): LayerFact['origin'] => {
    const head = value.split('.')[0]!;
    if (imports.some((i) => i.local === head) || sink.objects.has(head)) return undefined;
    return originOf(head);
  };
  /** The unit a function of the file returns (`function logger() { return async (ctx, next) => ... }`). */
  const unitReturnedBy = (fn: ts.Node): number | undefined => {
    let found: number | undefined;
    const visit = (n: ts.Node): void => {
      if (found !== undefined) return;
      const u = sink.units.get(n);
      if (u !== undefined && n !== fn) found = u;
      else T.forEachChild(n, visit);
    };
    if (isFunctionLike(fn) && fn.body) visit(fn.body);
    return found;
  };

  /** Conditions and unknown positions between a registration and its receiver's scope. */
  const placeOf = (call: ts.Node, scope: ts.Node | undefined): Pick<RegistrationFact, 'condition' | 'positionUnknown' | 'statement'> => {
    let cur: ts.Node = call;
    let condition: RegistrationFact['condition'];
    let unknown = false;
    let statement: Range | undefined;
    if (T.isExpressionStatement(call.parent) && (T.isBlock(call.parent.parent) || T.isSourceFile(call.parent.parent))) {
      const owner = call.parent.parent.parent;
      if (T.isSourceFile(call.parent.parent) || (owner && isFunctionLike(owner))) statement = rangeOf(call.parent, sf);
    }
    while (cur.parent && cur.parent !== scope) {
      const parent: ts.Node = cur.parent;
      if (isFunctionLike(parent) || T.isClassLike(parent)) {
        unknown = true;
        break;
      }
      if (T.isForStatement(parent) || T.isForOfStatement(parent) || T.isForInStatement(parent) || T.isWhileStatement(parent) || T.isDoStatement(parent)) unknown = true;
      if (!condition && (T.isIfStatement(parent) || T.isConditionalExpression(parent)) && cur !== (T.isIfStatement(parent) ? parent.expression : parent.condition)) {
        let id = conditionOf.get(parent);
        if (id === undefined) conditionOf.set(parent, (id = ++conditionIds));
        const branch = T.isIfStatement(parent) ? (cur === parent.thenStatement ? 0 : 1) : cur === parent.whenTrue ? 0 : 1;
        condition = { id, branch };
      }
      if (!condition && T.isCaseClause(parent)) {
        const sw = parent.parent.parent;
        let id = conditionOf.get(sw);
        if (id === undefined) conditionOf.set(sw, (id = ++conditionIds));
        condition = { id, branch: parent.parent.clauses.indexOf(parent) };
      }
      if (!condition && T.isBinaryExpression(parent) && (parent.operatorToken.kind === T.SyntaxKind.AmpersandAmpersandToken || parent.operatorToken.kind === T.SyntaxKind.BarBarToken) && cur === parent.right) {
        condition = { id: ++conditionIds, branch: 0 };
      }
      cur = parent;
    }
    if (scope && !cur.parent) unknown = true;
    if (condition || unknown) statement = undefined;
    return { ...(condition ? { condition } : {}), ...(unknown ? { positionUnknown: true } : {}), ...(statement ? { statement } : {}) };
  };

  const register = (call: ts.CallExpression, outer: ts.CallExpression, sole = false): void => {
    const callee = call.expression as ts.PropertyAccessExpression;
    const method = callee.name.text;
    const root = rootOf(callee.expression);
    if (!root || !root.object.methods.has(method)) return;
    const stack = stackFor(root.name, root.object, root.nameNode, root.role);
    if (root.object.framework === 'trpc') return;
    let args = [...call.arguments];
    let path: string | null | undefined = root.path;
    let methods: string[] | undefined;
    if (method === 'on' && args.length >= 2) {
      const m = stripParens(args[0]!);
      const list = T.isArrayLiteralExpression(m) ? m.elements : [m];
      const names = list.map((x) => (T.isStringLiteral(x) ? x.text.toUpperCase() : undefined));
      if (names.every((x) => x !== undefined)) methods = names as string[];
      args = args.slice(1);
    }
    if (root.path === undefined && takesPath(root.object.framework, method, stack.role) && args.length > 0) {
      // @koa/router's named routes: `router.get('user', '/users/:id', ...)`.
      if (root.object.framework === 'koa' && args.length > 1 && isPathLike(args[0]!) && isPathLike(args[1]!)) args = args.slice(1);
      if (isPathLike(args[0]!)) {
        path = pathOf(args[0]!);
        args = args.slice(1);
      } else if (method !== 'use' && args.length > 1) {
        // A route's first argument is its path, whatever it is.
        path = null;
        args = args.slice(1);
      } else if (method === 'use' && T.isIdentifier(stripParens(args[0]!)) && args.length > 1 && !sink.functions.has((stripParens(args[0]!) as ts.Identifier).text) && !sink.objects.has((stripParens(args[0]!) as ts.Identifier).text)) {
        // `app.use(prefix, a)`: a variable first may be a path; nothing is known of this registration's filter.
        path = null;
      }
    }
    // Koa: `app.use(mount('/x', mw))`: a path filter.
    const mounted = root.object.framework === 'koa' && method === 'use' && args.length === 1 && T.isCallExpression(stripParens(args[0]!)) ? mountOf(stripParens(args[0]!) as ts.CallExpression) : undefined;
    if (mounted && path === undefined) {
      if (mounted.path !== undefined) path = mounted.path;
      args = mounted.layers;
    }
    if (method === 'apply') ({ path, methods } = nestRoutes(call));
    if (root.prefix !== undefined) path = joinRawPaths(root.prefix, path);
    const scope = root.role === 'parameter' ? root.scope : scopes.get(root.name);
    const place = placeOf(outer, scope);
    // A call of a chain (`app.use(a).use(b)`, `app.route('/x').get(h)`) is reported from its method name.
    const whole = call === outer && T.isIdentifier(stripParens(callee.expression));
    const registration: RegistrationFact = {
      method,
      ...(path !== undefined ? { path } : {}),
      ...(methods ? { methods } : {}),
      layers: layersOf(args),
      range: whole ? rangeOf(call, sf) : { start: callee.name.getStart(sf), end: call.getEnd() },
      // Nest's `consumer.apply(A).forRoutes('x')`: the statement holds only this registration.
      ...(call === outer || (method === 'apply' && sole) ? place : { ...place, statement: undefined }),
    };
    if (registration.statement === undefined) delete registration.statement;
    stack.registrations.push(registration);
  };
  /**
   * Nest: `consumer.apply(A).exclude(...).forRoutes('cats' | { path, method } | CatsController)`:
   * the path (undefined for every route; null for a controller, several targets, or exclusions)
   * and the methods of `{ path, method }`.
   */
  const nestRoutes = (apply: ts.CallExpression): { path: string | null | undefined; methods?: string[] } => {
    let cur: ts.Node = apply;
    let excluded = false;
    while (T.isPropertyAccessExpression(cur.parent) && T.isCallExpression(cur.parent.parent)) {
      const chained = cur.parent.parent;
      if (cur.parent.name.text === 'exclude') excluded = true;
      if (cur.parent.name.text === 'forRoutes') {
        if (chained.arguments.length !== 1 || excluded) return { path: null };
        const target = stripParens(chained.arguments[0]!);
        if (T.isObjectLiteralExpression(target)) return nestRouteInfo(target);
        const p = pathOf(target);
        return { path: p === '*' || p === '(.*)' ? undefined : p };
      }
      cur = chained;
    }
    return { path: null };
  };
  /** Hono's `app.route(prefix, sub)` and calls handing an object to a function (`configure(app)`). */
  const otherUse = (call: ts.CallExpression): void => {
    const callee = stripParens(call.expression);
    if (T.isPropertyAccessExpression(callee) && callee.name.text === 'route' && call.arguments.length === 2) {
      const root = rootOf(callee.expression);
      const sub = stripParens(call.arguments[1]!);
      if (root && root.object.framework === 'hono' && T.isIdentifier(sub)) {
        const stack = stackFor(root.name, root.object, root.nameNode, root.role);
        const scope = root.role === 'parameter' ? root.scope : scopes.get(root.name);
        const path = pathOf(call.arguments[0]!);
        stack.registrations.push({ method: 'route', path: root.prefix !== undefined ? joinRawPaths(root.prefix, path) : path, layers: layersOf([sub]), range: rangeOf(call, sf), ...placeOf(call, scope) });
      }
      return;
    }
    if (T.isPropertyAccessExpression(callee) && rootOf(callee.expression)) return;
    // `app.use(session(CONFIG, app))` (koa-session): a factory given the app to build a layer registers nothing itself.
    if (insideRegistration(call)) return;
    call.arguments.forEach((arg, index) => {
      const a = stripParens(arg);
      const root = T.isIdentifier(a) ? rootOf(a) : undefined;
      if (!root) return;
      const stack = stackFor(root.name, root.object, root.nameNode, root.role);
      const scope = root.role === 'parameter' ? root.scope : scopes.get(root.name);
      const value = dotted(callee) ?? '';
      // `require('./routes')(app)`, `require('./routes').configure(app)`: that module's export.
      const module = requiredExport(callee);
      stack.registrations.push({ method: 'include', layers: [{ kind: value ? 'reference' : 'unknown', value, range: rangeOf(callee, sf), ...(module ? { module } : {}) }], receiverIndex: index, range: rangeOf(call, sf), ...placeOf(call, scope) });
      // A function of the file: its parameter at `index` is the same kind of object.
      const fn = T.isIdentifier(callee) ? (sink.functions.get(callee.text) ?? functions.get(callee.text)) : undefined;
      const param = fn && isFunctionLike(fn) ? fn.parameters[index] : undefined;
      if (fn && param && T.isIdentifier(param.name)) {
        const byName = parameters.get(fn) ?? new Map();
        byName.set(param.name.text, { ...(root.object.framework !== undefined ? { framework: root.object.framework } : {}), name: `${callee.getText(sf)}#${index}`, node: param.name });
        parameters.set(fn, byName);
      }
    });
  };
  // Calls handing objects to functions first: the functions' parameters become receivers.
  /** The call is (within) an argument of a registration call (`app.use(session(app))`). */
  const insideRegistration = (call: ts.Node): boolean => {
    for (let child: ts.Node = call, cur = call.parent; cur && !T.isSourceFile(cur) && !isFunctionLike(cur) && !T.isStatement(cur); child = cur, cur = cur.parent) {
      if (T.isCallExpression(cur) && cur.arguments.includes(child as ts.Expression) && T.isPropertyAccessExpression(stripParens(cur.expression)) && rootOf((stripParens(cur.expression) as ts.PropertyAccessExpression).expression)) return true;
    }
    return false;
  };
  const includes = (n: ts.Node): void => {
    if (T.isCallExpression(n)) {
      const callee = stripParens(n.expression);
      if (!T.isPropertyAccessExpression(callee) || !rootOf(callee.expression)) {
        if (n.arguments.some((a) => T.isIdentifier(stripParens(a)) && rootOf(stripParens(a)))) otherUse(n);
      }
    }
    T.forEachChild(n, includes);
  };
  includes(sf);
  const visit = (n: ts.Node): void => {
    if (T.isCallExpression(n)) {
      const callee = stripParens(n.expression);
      if (T.isPropertyAccessExpression(callee)) {
        if (callee.name.text === 'listen') listening(callee.expression);
        if (callee.name.text === 'route' && n.arguments.length === 2) otherUse(n);
        else {
          // The outermost call of a chain `app.use(a).use(b)` is the statement; register inner calls first.
          const chain: ts.CallExpression[] = [];
          let cur: ts.Expression = n;
          while (T.isCallExpression(cur) && T.isPropertyAccessExpression(stripParens(cur.expression))) {
            chain.unshift(cur);
            cur = (stripParens(cur.expression) as ts.PropertyAccessExpression).expression;
          }
          const sole = chain.filter((c) => (stripParens(c.expression) as ts.PropertyAccessExpression).name.text === 'apply').length === 1;
          for (const c of chain) register(c, n, sole);
          for (const c of chain) T.forEachChild(c, (child) => (chain.includes(child as ts.CallExpression) ? undefined : visitArgs(child)));
          return;
        }
      }
    }
    T.forEachChild(n, visit);
  };
  /** `app.listen(...)` (also at the end of a chain): the file starts this object. */
  const listening = (receiver: ts.Expression): void => {
    const root = rootOf(receiver);
    if (root && root.role !== 'parameter' && root.path === undefined) stackFor(root.name, root.object, undefined, root.role).listens = true;
  };
  const visitArgs = (n: ts.Node): void => {
    if (T.isPropertyAccessExpression(n)) return;
    visit(n);
  };
  visit(sf);
  // Keep the order of the text (a chain is registered inner call first).
  for (const stack of stacks.values()) stack.registrations.sort((a, b) => a.range.start - b.range.start);
  for (const { name, exported } of exportedParameters) {
    const stack = stacks.get(name);
    if (stack) stack.exported = [...new Set([...(stack.exported ?? []), ...exported])];
  }
  return [...stacks.values()].filter((s) => s.registrations.length > 0 || s.exported);
}
