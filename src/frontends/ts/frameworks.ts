import type { ts } from 'ts-morph';
import { rangeOf, requireOf } from './syntax.js';
import { T } from './typescript.js';
import type { Contract, ErrorHandlerFact, ExportFact, Framework, FrameworkUse, FunctionCandidate, FunctionSummary, ImportFact, Range, Signature, Unit } from '../../model.js';
import type { NameSettings } from '../../config.js';
import { summarize, stripParens } from './flow.js';
import { declaredName, enclosingReturner, returnedFunction } from './units.js';
import { packageSpecifier } from '../../specifiers.js';

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
  /** Members of the default or namespace import that build it (`express.Router()`, `new hono.Hono()`); with `named`, members of those named exports (`NestFactory.create(...)`). */
  members?: readonly string[];
  /** Types, by module, of a parameter that holds the registering object (`consumer: MiddlewareConsumer`). */
  types?: Readonly<Record<string, readonly string[]>>;
  /** Methods returning a registering object of the same kind (`new Hono().basePath('/api')`). */
  derive?: ReadonlySet<string>;
  /** The methods that take middleware as arguments. */
  methods: ReadonlySet<string>;
  /** Named exports of the modules whose member-call chain ending in `.create()` builds the object: `initTRPC.create()`, `initTRPC.context<Ctx>().create()` (tRPC). */
  instances?: readonly string[];
  /** Properties of the object that are registering objects of the same kind: `t.procedure` (tRPC). */
  properties?: ReadonlySet<string>;
  /** Registration methods whose call is the middleware itself, known by the variable holding it: `const isAuthed = t.middleware(fn)`. */
  wrapping?: ReadonlySet<string>;
  /** Route methods among them: their last argument is the route's handler, a unit even without a next parameter (`app.get('/', (c) => ...)`). */
  routes?: ReadonlySet<string>;
  /**
   * The constructor option that replaces the framework's composition (Koa 3's `new Koa({ compose })`):
   * an object built with it, or with options that cannot be read, runs its layers under a contract
   * of its own and is not a registering object.
   */
  composeOption?: string;
}

export interface FrameworkSpec {
  framework: Framework;
  /** Absent: Django's contract in function form (Alexi's `Middleware`: return `next()`'s response or one's own). */
  contract?: Contract;
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
  /**
   * The next layer is this property of the parameter at `nextIndex`, not the parameter itself:
   * tRPC's `async ({ ctx, next }) => ...` (the destructured binding) or `async (opts) => opts.next()`.
   */
  nextProperty?: string;
  /** `next()` returns a promise outside the onion contract too (Alexi's `NextFunction`: `Promise<Response>`). */
  nextReturnsPromise?: boolean;
  /** Awaiting `next()` never rejects: the framework hands errors from below to its own error handler (Hono's `app.onError`). */
  nextNeverRejects?: boolean;
  /**
   * The handler returns its response, built by methods of its first parameter, the context (Hono's
   * `return c.json(...)`), and the context sends nothing by itself. Read by the flow summary.
   */
  responses?: {
    /** Context methods returning a Response. */
    respond: readonly string[];
    /** Context methods returning nothing and sending nothing (`c.status(400)` returns `void`). */
    nothing: readonly string[];
    /** Context methods that only read or record; a call of any method not listed may respond. */
    read: readonly string[];
  };
  /**
   * Types of error-handling middleware, by module (`ErrorRequestHandler` from `express`): the
   * framework passes such a function the error first and its next layer one place later. Only
   * frameworks that pick error handlers by `length` (Express, Connect: `ERROR_HANDLER_ARITY`) have them.
   */
  errorTypes?: Readonly<Record<string, readonly string[]>>;
  /**
   * Class middleware (NestJS): a class implementing `implements` from `module` (or registered by its
   * name) whose `method(req, res, next)` is the handler.
   */
  classMiddleware?: { module: string; implements: string; method: string };
  /**
   * Linear contract: the response parameter's position, the methods of it that send the response
   * (`res.json`), and those that return it for a chain (`res.status(404).json`).
   */
  response?: { index: number; sendMethods: ReadonlySet<string>; chainMethods: ReadonlySet<string> };
}

const KOA_ROUTER_METHODS = new Set(['use', 'get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);

const HONO_METHODS = new Set(['use', 'get', 'post', 'put', 'delete', 'patch', 'all', 'on', 'options']);
/** Hono's route methods: `app.METHOD(path, ...mw, handler)`, `app.on(methods, path, ...mw, handler)`. */
const HONO_ROUTES = new Set([...HONO_METHODS].filter((m) => m !== 'use'));

/** Express 4/5 applications and routers: `app.use`, `app.METHOD`, `app.param`; `app.route(path)` derives a route with the METHOD calls. */
const EXPRESS_METHODS = new Set(['use', 'get', 'post', 'put', 'delete', 'patch', 'all', 'options', 'head', 'param']);

/** Express's response methods that send it (NODE.md §2), and those returning it for a chain. */
const EXPRESS_SENDS = new Set(['send', 'json', 'jsonp', 'end', 'render', 'redirect', 'sendFile', 'sendStatus', 'download']);
const EXPRESS_CHAIN = new Set(['status', 'set', 'header', 'type', 'contentType', 'cookie', 'clearCookie', 'location', 'links', 'vary', 'append', 'attachment']);
/** Connect's response is Node's `http.ServerResponse`: `end` sends; `writeHead` and `setHeader` return it. */
const CONNECT_SENDS = new Set(['end']);
const CONNECT_CHAIN = new Set(['writeHead', 'setHeader']);

/** One row per framework; Hono, tRPC and Express plug in here with their own modules and types. */
export const FRAMEWORKS: readonly FrameworkSpec[] = [
  {
    framework: 'koa',
    contract: 'onion',
    registrars: [
      { modules: ['koa'], methods: new Set(['use']), composeOption: 'compose' },
      { modules: ['@koa/router', 'koa-router'], methods: KOA_ROUTER_METHODS },
    ],
    // koa-mount: `mount('/x', mw)` wraps its middleware (the path argument is no layer).
    composers: ['koa-compose', 'koa-mount'],
    wrappers: {},
    functionTypes: { koa: ['Middleware'], '@koa/router': ['Middleware'], 'koa-router': ['IMiddleware', 'Middleware'] },
    contextTypes: { koa: ['Context', 'ParameterizedContext', 'ExtendableContext'], '@koa/router': ['RouterContext'], 'koa-router': ['RouterContext', 'IRouterContext'] },
    nextTypes: { koa: ['Next'] },
    nextIndex: 1,
  },
  {
    framework: 'hono',
    contract: 'onion',
    registrars: [
      // `hono/tiny` and `hono/quick` export the same `Hono` class with another router.
      { modules: ['hono', 'hono/tiny', 'hono/quick'], named: ['Hono'], members: ['Hono'], methods: HONO_METHODS, routes: HONO_ROUTES, derive: new Set(['basePath']) },
      // `const factory = createFactory(); factory.createMiddleware(async (c, next) => ...)`.
      { modules: ['hono/factory'], named: ['createFactory'], methods: new Set(['createMiddleware']), wrapping: new Set(['createMiddleware']) },
    ],
    composers: [],
    wrappers: { 'hono/factory': ['createMiddleware'] },
    functionTypes: { hono: ['MiddlewareHandler'] },
    contextTypes: { hono: ['Context'] },
    nextTypes: { hono: ['Next'] },
    nextIndex: 1,
    nextNeverRejects: true,
    // hono `src/context.ts`: these build a Response and set nothing on the context; `status`,
    // `header`, `set` return `void`; only an assignment to `c.res` finalizes the context.
    responses: {
      respond: ['json', 'text', 'html', 'body', 'redirect', 'notFound', 'newResponse'],
      nothing: ['status', 'header', 'set'],
      read: ['get'],
    },
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
    errorTypes: { express: ['ErrorRequestHandler'], 'express-serve-static-core': ['ErrorRequestHandler'] },
    response: { index: 1, sendMethods: EXPRESS_SENDS, chainMethods: EXPRESS_CHAIN },
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
    errorTypes: { connect: ['ErrorHandleFunction'] },
    response: { index: 1, sendMethods: CONNECT_SENDS, chainMethods: CONNECT_CHAIN },
  },
  {
    // NestJS middleware (NODE.md §1, docs.nestjs.com/middleware): class middleware implementing
    // `NestMiddleware` with `use(req, res, next)`, and functions given to `consumer.apply(...)` in a
    // module's `configure(consumer: MiddlewareConsumer)` or to `app.use(...)` of
    // `await NestFactory.create(...)`. The platform's `next` (Express's by default): linear.
    framework: 'nest',
    contract: 'linear',
    registrars: [
      { modules: ['@nestjs/core'], named: ['NestFactory'], members: ['create'], methods: new Set(['use']) },
      { modules: [], types: { '@nestjs/common': ['MiddlewareConsumer'] }, methods: new Set(['apply']) },
    ],
    composers: [],
    wrappers: {},
    functionTypes: {},
    contextTypes: {},
    nextTypes: {},
    nextIndex: 2,
    // Nest's default platform is Express: its response methods send.
    response: { index: 1, sendMethods: EXPRESS_SENDS, chainMethods: EXPRESS_CHAIN },
    classMiddleware: { module: '@nestjs/common', implements: 'NestMiddleware', method: 'use' },
  },
  {
    // Onion contract (NODE.md tRPC v11): return `next()`'s result, call it at most once; `next()` never
    // rejects (tRPC's `callRecursive` turns a failure below into an `{ ok: false }` result).
    framework: 'trpc',
    contract: 'onion',
    registrars: [
      // `const t = initTRPC.context<Ctx>().create()`; `t.middleware(fn)`, `t.procedure.use(fn)`, and `.use(fn)` on procedures derived from it.
      {
        modules: ['@trpc/server'],
        named: [],
        instances: ['initTRPC'],
        properties: new Set(['procedure']),
        methods: new Set(['use', 'middleware', 'unstable_pipe']),
        derive: new Set(['input', 'output', 'meta', 'concat', 'unstable_concat']),
        wrapping: new Set(['middleware', 'unstable_pipe']),
      },
      // `experimental_standaloneMiddleware<{ ctx: Ctx }>().create(fn)`.
      { modules: ['@trpc/server'], named: ['experimental_standaloneMiddleware'], methods: new Set(['create']), wrapping: new Set(['create']) },
    ],
    composers: [],
    wrappers: {},
    functionTypes: {},
    contextTypes: {},
    nextTypes: {},
    nextIndex: 0,
    nextProperty: 'next',
    nextNeverRejects: true,
  },
  {
    // Alexi's function middleware (`Middleware` from `@alexi/middleware`, `(request, next) => Promise<Response>`):
    // Django's contract in function form, judged by the Django-style rules (no `contract`).
    framework: 'alexi',
    registrars: [],
    composers: [],
    wrappers: {},
    functionTypes: { '@alexi/middleware': ['Middleware'] },
    contextTypes: {},
    nextTypes: { '@alexi/middleware': ['NextFunction'] },
    nextIndex: 1,
    nextReturnsPromise: true,
  },
];

/** The module names of every framework: a file that names none of them holds no function unit. */
export const FRAMEWORK_MODULES: readonly string[] = [
  ...new Set(
    FRAMEWORKS.flatMap((f) => [
      ...f.registrars.flatMap((r) => [...r.modules, ...Object.keys(r.types ?? {})]),
      ...f.composers,
      ...Object.keys(f.wrappers),
      ...Object.keys(f.nextTypes),
      ...Object.keys(f.functionTypes),
      ...Object.keys(f.errorTypes ?? {}),
      ...(f.classMiddleware ? [f.classMiddleware.module] : []),
    ]),
  ),
];

/**
 * The framework module an import specifier names, also written for Deno (`npm:hono@4`,
 * `jsr:@alexi/middleware@^0.24`): a `jsr:`/`npm:` prefix and a version are dropped, a subpath kept.
 */
export function frameworkModule(specifier: string): string | undefined {
  if (FRAMEWORK_MODULES.includes(specifier)) return specifier;
  const pkg = packageSpecifier(specifier);
  return pkg !== undefined && FRAMEWORK_MODULES.includes(pkg) ? pkg : undefined;
}

/** The words a file must contain to hold a framework's unit (the pre-filter's text test): `koa` for `koa`, `@koa/router`, `koa-router`; `hono` for `hono`, `hono/factory`. */
export const FRAMEWORK_WORDS: readonly string[] = [...new Set(FRAMEWORK_MODULES.map((m) => /[a-z][a-z0-9]*/.exec(m.replace(/^@/, ''))![0]))];

/** Every framework's registrars. */
const REGISTRARS: readonly Registrar[] = FRAMEWORKS.flatMap((f) => f.registrars);

/**
 * The registrar an import of a framework module builds: through a default or namespace import, a row
 * without `named`; through a named import, a row naming it (`Hono`, `NestFactory`); `also` narrows further.
 */
function importedRegistrar(imp: ImportFact, also: (r: Registrar) => boolean = () => true): Registrar | undefined {
  const whole = imp.imported === 'default' || imp.imported === '*';
  return REGISTRARS.find((r) => r.modules.includes(imp.source) && (whole ? r.named === undefined : (r.named?.includes(imp.imported) ?? false)) && also(r));
}

type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

/** Where a function was registered: the method, the receiver's root variable, and the call's offset. */
interface Registration {
  method: string;
  root?: string;
  at: number;
}

interface Candidate {
  fn: FunctionNode | ts.MethodDeclaration;
  spec: FrameworkSpec;
  /** For an inline function: the registration call's callee, as the unit's name (`app.use`). */
  registeredWith?: string;
  /** The last argument of a route method: the route's handler, a unit even without a next parameter. */
  handler?: boolean;
  /** The first registration call it was given to, if any. */
  registration?: Registration;
  /** Class middleware: the class whose method `fn` is. */
  cls?: ts.ClassDeclaration;
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

/** Constructor options known not to set `key`: none, or an object literal naming its properties without it (no spread, no computed name). */
function optionsWithout(options: ts.Expression | undefined, key: string): boolean {
  if (!options) return true;
  const literal = stripParens(options);
  if (!T.isObjectLiteralExpression(literal)) return false;
  return literal.properties.every((p) => p.name !== undefined && (T.isIdentifier(p.name) || T.isStringLiteral(p.name)) && p.name.text !== key);
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
 * The counts, with a top-level variable counted once when its other bindings are only the
 * parameters of top-level functions that every call of the file passes that variable in that place:
 * `const app = express(); configure(app); function configure(app) { app.use(...) }` — inside the
 * function the parameter is the same object.
 */
function handedOnOnly(sf: ts.SourceFile, counts: Map<string, number>): Map<string, number> {
  const functions = new Map<string, ts.FunctionDeclaration>();
  const variables = new Set<string>();
  for (const st of sf.statements) {
    if (T.isFunctionDeclaration(st) && st.name && st.body) functions.set(st.name.text, st);
    if (T.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (T.isIdentifier(d.name) && (counts.get(d.name.text) ?? 0) > 1) variables.add(d.name.text);
  }
  if (variables.size === 0) return counts;
  // Each name's parameter bindings: the function and position, when it is a top-level function's plain parameter.
  const parameters = new Map<string, Array<{ fn: string; index: number } | undefined>>();
  const calls = new Map<string, ts.CallExpression[]>();
  const references = new Map<string, number>();
  const visit = (n: ts.Node): void => {
    if (T.isParameter(n) && T.isIdentifier(n.name) && variables.has(n.name.text)) {
      const fn = n.parent;
      const owner = T.isFunctionDeclaration(fn) && fn.name && functions.get(fn.name.text) === fn ? fn.name.text : undefined;
      const list = parameters.get(n.name.text) ?? [];
      list.push(owner !== undefined ? { fn: owner, index: fn.parameters.indexOf(n) } : undefined);
      parameters.set(n.name.text, list);
    }
    if (T.isCallExpression(n) && T.isIdentifier(n.expression) && functions.has(n.expression.text)) calls.set(n.expression.text, [...(calls.get(n.expression.text) ?? []), n]);
    if (T.isIdentifier(n) && functions.has(n.text) && !(T.isFunctionDeclaration(n.parent) && n.parent.name === n)) references.set(n.text, (references.get(n.text) ?? 0) + 1);
    T.forEachChild(n, visit);
  };
  visit(sf);
  const out = new Map(counts);
  for (const name of variables) {
    const params = parameters.get(name) ?? [];
    if (params.length === 0 || params.length + 1 !== counts.get(name)) continue;
    const handedOn = params.every((p) => {
      if (!p) return false;
      const made = calls.get(p.fn) ?? [];
      // Only called, never passed around, and always given the variable itself there.
      return made.length > 0 && made.length === references.get(p.fn) && made.every((c) => {
        const arg = c.arguments[p.index];
        return arg !== undefined && T.isIdentifier(stripParens(arg)) && (stripParens(arg) as ts.Identifier).text === name;
      });
    });
    if (handedOn) out.set(name, 1);
  }
  return out;
}

/**
 * Finds the function units of every framework in a file (see the comment at the top). Registration
 * arguments naming another module's export are added to `uses` when it is given.
 */
export function extractFunctionUnits(sf: ts.SourceFile, written: readonly ImportFact[], uses?: FrameworkUse[], sink?: RegistrationSink): Unit[] {
  // Framework imports by their module's plain name (`npm:hono@4` is `hono`).
  const imports = written.map((i) => {
    const module = frameworkModule(i.source);
    return module !== undefined && module !== i.source ? { ...i, source: module } : i;
  });
  const frameworkImports = imports.filter((i) => FRAMEWORK_MODULES.includes(i.source));
  // `require('koa-router')()` builds a router without binding the module to a name.
  const quoted = (m: string) => sf.text.includes(`'${m}'`) || sf.text.includes(`"${m}"`);
  if (frameworkImports.length === 0 && !FRAMEWORK_MODULES.some(quoted)) return [];
  const counts = handedOnOnly(sf, bindingCounts(sf));
  /** The local names bound to a registrar module's default or namespace import. */
  const registrarOf = (callee: ts.Expression): Registrar | undefined => {
    const e = stripParens(callee);
    if (!T.isIdentifier(e)) return undefined;
    const imp = frameworkImports.find((i) => i.local === e.text);
    return imp && importedRegistrar(imp);
  };
  const specOf = (registrar: Registrar): FrameworkSpec => FRAMEWORKS.find((f) => f.registrars.includes(registrar))!;
  /** `new Koa()`, `new Router(opts)`, `require('koa-router')()`, `Router()`; not `new Koa({ compose })` (see `Registrar.composeOption`). */
  const built = (e: ts.Expression): Registrar | undefined => {
    const registrar = builder(e);
    const inner = stripParens(e);
    if (registrar?.composeOption && (T.isNewExpression(inner) || T.isCallExpression(inner)) && !optionsWithout(inner.arguments?.[0], registrar.composeOption)) return undefined;
    return registrar;
  };
  const builder = (e: ts.Expression): Registrar | undefined => {
    const inner = stripParens(e);
    const instance = instanceOf(inner);
    if (instance) return instance;
    if (T.isNewExpression(inner) || T.isCallExpression(inner)) {
      const callee = stripParens(inner.expression);
      const required = requireOf(callee);
      if (required !== undefined) {
        const module = frameworkModule(required);
        return module === undefined ? undefined : REGISTRARS.find((r) => r.modules.includes(module));
      }
      // `express.Router()`, `new hono.Hono()`: a building member of the default or namespace import.
      if (T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression)) {
        const base = callee.expression.text;
        const member = callee.name.text;
        const imp = frameworkImports.find((i) => i.local === base);
        // `NestFactory.create(AppModule)`: a building member of a named export.
        return imp && importedRegistrar(imp, (r) => r.members?.includes(member) ?? false);
      }
      return registrarOf(callee);
    }
    return undefined;
  };
  /** `initTRPC.create()`, `initTRPC.context<Ctx>().meta<Meta>().create(opts)`: a chain of member calls on a named import, ending in `create`. */
  const instanceOf = (e: ts.Expression): Registrar | undefined => {
    if (!T.isCallExpression(e)) return undefined;
    const callee = stripParens(e.expression);
    if (!T.isPropertyAccessExpression(callee) || callee.name.text !== 'create') return undefined;
    let root = stripParens(callee.expression);
    while (T.isCallExpression(root) && T.isPropertyAccessExpression(stripParens(root.expression))) root = stripParens((stripParens(root.expression) as ts.PropertyAccessExpression).expression);
    if (!T.isIdentifier(root)) return undefined;
    const name = root.text;
    const imp = frameworkImports.find((i) => i.local === name && i.imported !== 'default' && i.imported !== '*');
    return imp && REGISTRARS.find((r) => r.modules.includes(imp.source) && (r.instances?.includes(imp.imported) ?? false));
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
    // `t.procedure`: a property that is a registering object of the same kind.
    if (T.isPropertyAccessExpression(inner)) {
      const r = receiver(inner.expression);
      return r?.properties?.has(inner.name.text) ? r : undefined;
    }
    return undefined;
  };
  /** Variables holding a wrapping method of a registering object: `const middleware = t.middleware`. */
  const wrapperAliases = new Map<string, Registrar>();

  /** Registrars known by the type of a parameter holding them (`configure(consumer: MiddlewareConsumer)`). */
  const typedRegistrar = (type: ts.TypeNode | undefined): Registrar | undefined =>
    type ? REGISTRARS.find((r) => r.types !== undefined && typedAs(type, r.types, imports)) : undefined;
  /** Classes of the file, by name, that frameworks with class middleware may register (`consumer.apply(LoggerMiddleware)`). */
  const classes = new Map<string, ts.ClassDeclaration>();
  const visitDecls = (n: ts.Node): void => {
    if (T.isParameter(n) && T.isIdentifier(n.name) && counts.get(n.name.text) === 1) {
      const registrar = typedRegistrar(n.type);
      if (registrar) objects.set(n.name.text, registrar);
    } else if (T.isClassDeclaration(n) && n.name && counts.get(n.name.text) === 1) classes.set(n.name.text, n);
    if (T.isVariableDeclaration(n) && T.isIdentifier(n.name) && n.initializer && counts.get(n.name.text) === 1) {
      // `const app = await NestFactory.create(AppModule)`; `var app = module.exports = express()` (the value assigned last).
      let initializer = stripParens(n.initializer);
      while (T.isBinaryExpression(initializer) && initializer.operatorToken.kind === T.SyntaxKind.EqualsToken) initializer = stripParens(initializer.right);
      if (T.isAwaitExpression(initializer)) initializer = initializer.expression;
      const registrar = built(initializer) ?? receiver(initializer);
      if (registrar) objects.set(n.name.text, registrar);
      const init = stripParens(n.initializer);
      if (T.isPropertyAccessExpression(init)) {
        const owner = receiver(init.expression);
        if (owner?.wrapping?.has(init.name.text)) wrapperAliases.set(n.name.text, owner);
      }
      if (T.isArrowFunction(init) || T.isFunctionExpression(init)) functions.set(n.name.text, init);
    }
    if (T.isVariableDeclaration(n) && n.initializer && requireOf(n.initializer) !== undefined) {
      if (T.isIdentifier(n.name)) required.add(n.name.text);
      else if (T.isObjectBindingPattern(n.name)) for (const el of n.name.elements) if (T.isIdentifier(el.name)) required.add(el.name.text);
    } else if (T.isFunctionDeclaration(n) && n.name && n.body && counts.get(n.name.text) === 1) functions.set(n.name.text, n);
    T.forEachChild(n, visitDecls);
  };
  visitDecls(sf);

  const candidates = new Map<FunctionNode | ts.MethodDeclaration, Candidate>();
  const add = (fn: FunctionNode | undefined, spec: FrameworkSpec, registeredWith?: string, registration?: Registration, handler?: boolean) => {
    if (!fn || !fn.body) return;
    const known = candidates.get(fn);
    // Known already (typed, or registered before): a route's handler stays one, and the registering
    // framework wins over the types (Express-typed functions given to Nest's `consumer.apply`).
    if (known) {
      if (handler) known.handler = true;
      if (registration && !known.registration) {
        known.registration = registration;
        known.spec = spec;
      }
      return;
    }
    candidates.set(fn, { fn, spec, ...(registeredWith === undefined ? {} : { registeredWith }), ...(registration ? { registration } : {}), ...(handler ? { handler } : {}) });
  };
  /** Class middleware: the class's handler method, when the framework has class middleware. */
  const addClass = (cls: ts.ClassDeclaration | undefined, spec: FrameworkSpec): void => {
    const method = cls && spec.classMiddleware && middlewareMethod(cls, spec.classMiddleware.method);
    if (cls && method && !candidates.has(method)) candidates.set(method, { fn: method, spec, cls });
  };
  /** Middleware given as arguments: inline, by a name of the file, as what a factory of the file returns, or in (nested) arrays; `handler` marks the last one. */
  const middlewareArgs = (args: readonly ts.Expression[], spec: FrameworkSpec, label: string, registration?: Registration, handler = false): void => {
    args.forEach((arg, i) => {
      const a = stripParens(arg);
      const last = handler && i === args.length - 1;
      if (T.isArrowFunction(a) || T.isFunctionExpression(a)) add(a, spec, a.name ? undefined : label, registration, last);
      else if (T.isIdentifier(a) && (functions.has(a.text) || classes.has(a.text))) {
        add(functions.get(a.text), spec, undefined, registration, last);
        addClass(classes.get(a.text), spec);
      } else if (T.isArrayLiteralExpression(a)) middlewareArgs(a.elements, spec, label, registration);
      else if (T.isCallExpression(a) && T.isIdentifier(a.expression) && functions.has(a.expression.text)) {
        const factory = functions.get(a.expression.text);
        const fn = factory && returnedFunction(factory);
        if (fn && isFunctionNode(fn)) add(fn, spec, undefined, registration, last);
      } else if (uses) {
        // Another module's export (`auth`), or what calling one returns (`logger()`): the link step follows it.
        const call = T.isCallExpression(a) && requireOf(a) === undefined;
        const target = importedExport(call ? stripParens((a as ts.CallExpression).expression) : a);
        if (target) uses.push({ framework: spec.framework, ...target, call, range: rangeOf(a, sf) });
      }
    });
  };
  /** Route registrations (`app.get(...)`), by receiver root and offset: an error handler is `use`d after them. */
  const routeCalls: Array<{ root: string; at: number }> = [];
  /**
   * The export of another module an expression names: an imported or required name bound once
   * (`auth`), a member of a namespace import or of a required module (`mw.auth`), or a `require`
   * itself (`require('./auth')`, `require('./mw').auth`). Framework modules are no project code.
   */
  const importedExport = (e: ts.Expression): { source: string; imported: string } | undefined => {
    const inner = stripParens(e);
    const inline = requireOf(inner);
    if (inline !== undefined) return frameworkModule(inline) !== undefined ? undefined : { source: inline, imported: 'default' };
    let head: ts.Expression = inner;
    let member: string | undefined;
    if (T.isPropertyAccessExpression(inner) && T.isIdentifier(inner.name)) {
      head = stripParens(inner.expression);
      member = inner.name.text;
      const source = requireOf(head);
      if (source !== undefined) return frameworkModule(source) !== undefined ? undefined : { source, imported: member };
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
      const method = n.expression.name.text;
      if (r && r.methods.has(method)) {
        sink?.registrations.push({ call: n, method, framework: specOf(r).framework, wrapping: r.wrapping?.has(method) ?? false });
        const recv = stripParens(n.expression.expression);
        const base = rootName(recv);
        // `t.procedure.use(…)`: a property of a variable is named as written.
        const root = T.isPropertyAccessExpression(recv) && T.isIdentifier(recv.expression) ? recv.getText(sf) : base;
        const label = `${root !== undefined ? `${root}.` : ''}${method}(…)`;
        const at = n.expression.name.getStart(sf);
        if (base !== undefined && method !== 'use' && method !== 'param') routeCalls.push({ root: base, at });
        const registration = { method, at, ...(base !== undefined ? { root: base } : {}) };
        middlewareArgs(n.arguments, specOf(r), (r.wrapping?.has(method) ? holderOf(n) : undefined) ?? label, registration, r.routes?.has(method) ?? false);
      }
    } else if (T.isCallExpression(n)) {
      const callee = stripParens(n.expression);
      const alias = T.isIdentifier(callee) ? wrapperAliases.get(callee.text) : undefined;
      const spec = alias ? specOf(alias) : composerOf(n.expression);
      // `const logger = createMiddleware(async (c, next) => ...)`: known by its variable's name.
      if (spec) middlewareArgs(n.arguments, spec, holderOf(n) ?? `${callee.getText(sf)}(…)`);
    }
    if (isFunctionNode(n) && !candidates.has(n)) {
      const spec = typedFramework(n, imports) ?? errorTypedFramework(n, imports) ?? errorFirstFramework(n, imports);
      if (spec) add(n, spec);
    }
    if (T.isClassDeclaration(n)) {
      const spec = FRAMEWORKS.find((f) => f.classMiddleware && implementsType(n, f.classMiddleware, imports));
      if (spec) addClass(n, spec);
    }
    T.forEachChild(n, visitCalls);
  };
  visitCalls(sf);

  const units: Unit[] = [];
  for (const c of candidates.values()) {
    const late = c.registration?.method === 'use' && routeCalls.some((r) => r.root === c.registration!.root && r.at < c.registration!.at);
    const unit = c.cls ? classUnit(c, c.cls, sf) : isFunctionNode(c.fn) ? functionUnit({ ...c, fn: c.fn }, sf, imports, late) : undefined;
    if (!unit) continue;
    sink?.units.set(c.cls ?? c.fn, units.length);
    units.push(unit);
  }
  if (sink) {
    for (const [name, registrar] of objects) sink.objects.set(name, { framework: specOf(registrar).framework, methods: registrar.methods, ...(registrar.derive ? { derive: registrar.derive } : {}) });
    for (const [name, fn] of functions) sink.functions.set(name, fn);
    for (const [name, cls] of classes) sink.functions.set(name, cls);
    sink.receiver = (e) => {
      const r = receiver(e);
      return r && { framework: specOf(r).framework, methods: r.methods, ...(r.derive ? { derive: r.derive } : {}) };
    };
    sink.composer = (callee) => composerOf(callee)?.framework;
  }
  return units;
}

/**
 * What `extractFunctionUnits` hands the app-stack front-end (src/frontends/ts/app-stacks.ts): the
 * registration calls it found, the registering objects by variable, and the unit built for each
 * function or class node (an index into the returned units).
 */
export interface RegistrationSink {
  registrations: Array<{ call: ts.CallExpression; method: string; framework: Framework; wrapping: boolean }>;
  objects: Map<string, RegisteringObject>;
  /** Functions and classes of the file by the name bound to them once. */
  functions: Map<string, ts.Node>;
  units: Map<ts.Node, number>;
  /** The registering object an expression denotes (a variable, `new Koa()`, a chained registration). */
  receiver: (e: ts.Expression) => RegisteringObject | undefined;
  /** The framework whose composer or wrapper a callee is (`compose` from `koa-compose`). */
  composer: (callee: ts.Expression) => Framework | undefined;
}

/** A registering object as the app-stack front-end sees it. */
export interface RegisteringObject {
  framework: Framework;
  methods: ReadonlySet<string>;
  derive?: ReadonlySet<string>;
}

/** An empty sink for `extractFunctionUnits`. */
export function registrationSink(): RegistrationSink {
  return { registrations: [], objects: new Map(), functions: new Map(), units: new Map(), receiver: () => undefined, composer: () => undefined };
}

/** The variable a call's value is stored in: `timing` for `const timing = createMiddleware(…)`. */
function holderOf(call: ts.CallExpression): string | undefined {
  return call.parent && T.isVariableDeclaration(call.parent) && T.isIdentifier(call.parent.name) ? call.parent.name.text : undefined;
}

/** `class X implements NestMiddleware` with the interface imported from the framework's module (named or through a namespace). */
function implementsType(cls: ts.ClassDeclaration, spec: NonNullable<FrameworkSpec['classMiddleware']>, imports: readonly ImportFact[]): boolean {
  return (cls.heritageClauses ?? []).some(
    (h) =>
      h.token === T.SyntaxKind.ImplementsKeyword &&
      h.types.some((t) => {
        const e = t.expression;
        if (T.isIdentifier(e)) return imports.some((i) => i.local === e.text && i.source === spec.module && i.imported === spec.implements);
        return T.isPropertyAccessExpression(e) && T.isIdentifier(e.expression) && e.name.text === spec.implements && imports.some((i) => i.local === (e.expression as ts.Identifier).text && i.source === spec.module && i.imported === '*');
      }),
  );
}

/** The class's handler method (`use`), with a body, not static. */
function middlewareMethod(cls: ts.ClassDeclaration, name: string): ts.MethodDeclaration | undefined {
  return cls.members.find(
    (m): m is ts.MethodDeclaration => T.isMethodDeclaration(m) && m.body !== undefined && T.isIdentifier(m.name) && m.name.text === name && !m.modifiers?.some((k) => k.kind === T.SyntaxKind.StaticKeyword),
  );
}

/** The framework whose error-handler type the function carries (`const h: ErrorRequestHandler = ...`, or a factory returning one). */
function errorTypedFramework(fn: FunctionNode, imports: readonly ImportFact[]): FrameworkSpec | undefined {
  const parent = fn.parent;
  const returner = enclosingReturner(fn);
  return FRAMEWORKS.find(
    (spec) =>
      spec.errorTypes !== undefined &&
      ((parent !== undefined && T.isVariableDeclaration(parent) && parent.initializer === fn && typedAs(parent.type, spec.errorTypes, imports)) ||
        (returner !== undefined && typedAs(returner.type, spec.errorTypes, imports))),
  );
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
  // Error middleware (`(err, req, res, next)`, or one declaring fewer parameters: error-handler-arity's
  // case) has no next layer where other middleware has it; it stands at the frameworks' usual position
  // and only frameworks that pick error handlers by `length` (Express, Connect) get a variant.
  const errorFirstFn = (fn: FunctionNode): boolean => fn.parameters.filter((p) => !isThisParameter(p)).length >= 2 && errorFirst(fn.parameters.find((p) => !isThisParameter(p)));
  const ERROR_POSITION = 2;
  const out: FunctionCandidate[] = [];
  for (const [name, outer] of reachable) {
    let fn: FunctionNode | undefined = outer;
    let errorHandler = false;
    const positionOf = (f: FunctionNode): number | undefined => {
      const index = nextIndexOf(f);
      if (index === undefined && errorFirstFn(f)) errorHandler = true;
      return index ?? (errorHandler ? ERROR_POSITION : undefined);
    };
    let nextIndex = positionOf(outer);
    const factory = nextIndex === undefined;
    if (factory) {
      const inner = returnedFunction(outer);
      fn = inner && isFunctionNode(inner) ? inner : undefined;
      nextIndex = fn && positionOf(fn);
    }
    if (!fn || nextIndex === undefined || judged.has(`${fn.getStart(sf)}:${fn.getEnd()}`)) continue;
    const variants: Unit[] = [];
    const keys: string[] = [];
    const byFramework: FunctionCandidate['byFramework'] = {};
    for (const spec of FRAMEWORKS) {
      // Only a framework that registers middleware can reach it (not Alexi's, known by its types alone).
      if (spec.nextIndex !== nextIndex || (spec.registrars.length === 0 && spec.composers.length === 0 && Object.keys(spec.wrappers).length === 0)) continue;
      if (errorHandler && spec.errorTypes === undefined) continue;
      // An error handler is registered with `use` (the registration that reaches it says so at link time).
      const unit = functionUnit({ fn, spec, registeredWith: name, ...(errorHandler ? { registration: { method: 'use', at: 0 } } : {}) }, sf, [], false);
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

/**
 * How the function reaches its next layer: a parameter at `spec.nextIndex`, or (`spec.nextProperty`)
 * a property of it, destructured (`({ ctx, next })`, `({ next: proceed })`) or read from the
 * parameter itself or a rest element (`opts.next`, `({ ctx, ...rest }) => rest.next()`). `shift`: one
 * parameter later for an error handler, whose error comes first.
 */
function nextAccessOf(fn: FunctionNode, spec: FrameworkSpec, sf: ts.SourceFile, shift = 0): { label: string; range: Range; identifier?: string; property?: { object: string; name: string } } | undefined {
  const param = fn.parameters.filter((p) => !isThisParameter(p))[spec.nextIndex + shift];
  if (!param || param.dotDotDotToken) return undefined;
  const name = param.name;
  if (spec.nextProperty === undefined) return T.isIdentifier(name) ? { label: name.text, range: rangeOf(param, sf), identifier: name.text } : undefined;
  const property = spec.nextProperty;
  if (T.isIdentifier(name)) return { label: `${name.text}.${property}`, range: rangeOf(param, sf), property: { object: name.text, name: property } };
  if (!T.isObjectBindingPattern(name)) return undefined;
  for (const el of name.elements) {
    const key = el.propertyName ?? (el.dotDotDotToken ? undefined : el.name);
    if (key && T.isIdentifier(key) && key.text === property && T.isIdentifier(el.name)) return { label: el.name.text, range: rangeOf(el, sf), identifier: el.name.text };
  }
  const rest = name.elements.find((el) => el.dotDotDotToken && T.isIdentifier(el.name));
  // No `next` among the properties taken: a terminal layer, like a function without a next parameter.
  return rest && T.isIdentifier(rest.name) ? { label: `${rest.name.text}.${property}`, range: rangeOf(rest, sf), property: { object: rest.name.text, name: property } } : undefined;
}

/** A function unit: the function is the handler, its next layer is reached as `nextAccessOf` says. */
function functionUnit(c: Candidate & { fn: FunctionNode }, sf: ts.SourceFile, imports: readonly ImportFact[], late: boolean): Unit | undefined {
  const { fn, spec } = c;
  const params = fn.parameters.filter((p) => !isThisParameter(p));
  const errorHandler = errorHandlerFact(c, imports, late);
  // An error handler takes the error first: one Express and Connect pick by `fn.length === 4` (not an
  // `app.param` callback, `(req, res, next, value)`), or one errorHandlerFact proves by its error.
  const shifted = errorHandler !== undefined || (spec.errorTypes !== undefined && params.length === ERROR_HANDLER_ARITY && c.registration?.method !== 'param');
  const next = nextAccessOf(fn, spec, sf, shifted ? 1 : 0);
  // No next layer: a terminal handler, which every contract accepts, unless the framework judges
  // what a route's handler returns (Hono): then it is a unit with no next layer.
  const routeHandler = !next && c.handler === true && spec.responses !== undefined && fn.parameters[spec.nextIndex] === undefined;
  // An error handler is kept too, since its parameter count is what Express and Connect judge it by.
  if (!next && !routeHandler && !errorHandler) return undefined;
  const declared = unitName(c, sf);
  const onion = spec.contract === 'onion';
  const promise = onion || spec.nextReturnsPromise === true;
  const responses = spec.responses && { respond: new Set(spec.responses.respond), nothing: new Set(spec.responses.nothing), read: new Set(spec.responses.read) };
  // An error handler whose `fn.length` is not 4 (`(err, req, res)`, `next = noop`) is called as
  // `(req, res, next)`: which parameter holds what is unknown, so no linear facts (error-handler-arity's case).
  const lengthHolds = !shifted || (params.length === ERROR_HANDLER_ARITY && params.every((p) => p.initializer === undefined && p.dotDotDotToken === undefined));
  const linear = spec.contract === 'linear' && lengthHolds;
  const handler = summarize(fn, sf, {
    name: declared.name,
    nameRange: declared.range,
    next: {
      identifiers: new Set(next?.identifier !== undefined ? [next.identifier] : []),
      members: new Set(),
      ...(next?.property ? { property: next.property } : {}),
      promiseLike: promise,
      onion,
      ...(spec.nextNeverRejects ? { nextNeverRejects: true } : {}),
      ...(linear ? { linear: true } : {}),
    },
    ...(responses ? { responses } : {}),
    ...(linear ? responseOption(spec, params[(spec.response?.index ?? 0) + (shifted ? 1 : 0)]) : {}),
  });
  if (errorHandler) handler.signature = signatureOf(fn, sf);
  const nextParam = next ? { name: next.label, range: next.range } : undefined;
  return frameworkUnit(spec, { name: declared.name, range: rangeOf(fn, sf), nameRange: declared.range }, handler, nextParam, errorHandler);
}

/** A framework's unit: the fields every kind of framework middleware shares. */
function frameworkUnit(spec: FrameworkSpec, named: Pick<Unit, 'name' | 'range' | 'nameRange'>, handler: FunctionSummary, nextParam: Unit['nextParam'], errorHandler?: ErrorHandlerFact): Unit {
  return {
    kind: 'function',
    ...named,
    evidence: 'framework',
    ...(nextParam ? { nextParam } : {}),
    nextIsAsync: nextParam && (spec.contract === 'onion' || spec.nextReturnsPromise === true) ? true : null,
    nextFields: [],
    members: [],
    handler,
    hooks: {},
    framework: spec.framework,
    ...(spec.contract ? { contract: spec.contract } : {}),
    ...(errorHandler ? { errorHandler } : {}),
  };
}

/** A NestJS class middleware: the unit is the class, its handler the `use(req, res, next)` method. */
function classUnit(c: Candidate, cls: ts.ClassDeclaration, sf: ts.SourceFile): Unit | undefined {
  const { fn, spec } = c;
  const next = fn.parameters[spec.nextIndex];
  if (!next || !T.isIdentifier(next.name) || next.dotDotDotToken || !cls.name) return undefined;
  const method = fn.name as ts.Identifier;
  const handler = summarize(fn, sf, {
    name: `${cls.name.text}.${method.text}`,
    nameRange: rangeOf(method, sf),
    next: { identifiers: new Set([next.name.text]), members: new Set(), promiseLike: false, onion: false, linear: true },
    ...responseOption(spec, fn.parameters[spec.response?.index ?? 1]),
  });
  return frameworkUnit(spec, { name: cls.name.text, range: rangeOf(cls, sf), nameRange: rangeOf(cls.name, sf) }, handler, { name: next.name.text, range: rangeOf(next, sf) });
}

/** Linear contract: the summary option naming the response parameter whose sends complete the request. */
function responseOption(spec: FrameworkSpec, res: ts.ParameterDeclaration | undefined): { response?: { name: string; sendMethods: ReadonlySet<string>; chainMethods: ReadonlySet<string> } } {
  return spec.response && res && T.isIdentifier(res.name) ? { response: { name: res.name.text, sendMethods: spec.response.sendMethods, chainMethods: spec.response.chainMethods } } : {};
}

function isThisParameter(p: ts.ParameterDeclaration): boolean {
  return T.isIdentifier(p.name) && p.name.text === 'this';
}

/** Names a first parameter holding the error goes by (the Express guide's `err`, and the usual others). */
export const ERROR_NAMES: ReadonlySet<string> = new Set(['err', 'error', 'e']);
/** Express and Connect take a function declaring exactly four parameters (`fn.length === 4`) for error middleware. */
const ERROR_HANDLER_ARITY = 4;
/** Names of a first parameter that is the request: never an error handler. */
const REQUEST_NAMES = new Set(['req', 'request']);
/** Members an error has and a request does not (a request has `statusCode`, from `IncomingMessage`): `err.message` reads an error. */
const ERROR_MEMBERS = new Set(['message', 'stack', 'status', 'expose']);

/** The parameter holds the error: named `err`/`error`/`e`, or typed as an error. */
function errorFirst(p: ts.ParameterDeclaration | undefined): boolean {
  return p !== undefined && !p.dotDotDotToken && ((T.isIdentifier(p.name) && ERROR_NAMES.has(p.name.text)) || typedError(p.type));
}

/** `(err: Error, req: Request, res: Response)`: an error first and the framework's request second. */
function errorFirstFramework(fn: FunctionNode, imports: readonly ImportFact[]): FrameworkSpec | undefined {
  const params = fn.parameters.filter((p) => !isThisParameter(p));
  if (!errorFirst(params[0])) return undefined;
  return FRAMEWORKS.find((spec) => spec.errorTypes !== undefined && typedAs(params[1]?.type, spec.contextTypes, imports));
}

/** The first parameter is typed as an error: `Error`, `HttpError`, `createError.HttpError`. */
function typedError(type: ts.TypeNode | undefined): boolean {
  if (!type || !T.isTypeReferenceNode(type)) return false;
  const name = T.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  return /Error$/.test(name);
}

/**
 * Whether Express/Connect use the function as error middleware, and why (see `ErrorHandlerFact`).
 * A first parameter that is a request (`req`, `request`, or typed `Request`) is never the error.
 */
function errorHandlerFact(c: Candidate & { fn: FunctionNode }, imports: readonly ImportFact[], late: boolean): ErrorHandlerFact | undefined {
  const { fn, spec } = c;
  if (!spec.errorTypes) return undefined;
  const params = fn.parameters.filter((p) => !isThisParameter(p));
  const first = params[0];
  const firstName = first && T.isIdentifier(first.name) ? first.name.text : undefined;
  if (first && ((firstName !== undefined && REQUEST_NAMES.has(firstName)) || typedAs(first.type, spec.contextTypes, imports))) return undefined;
  const typed = errorTypedFramework(fn, imports) === spec;
  const inline = fn.parent !== undefined && T.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression);
  let evidence: ErrorHandlerFact['evidence'] | undefined;
  let read: string | undefined;
  if (typed) evidence = 'type';
  else if (errorFirst(first)) {
    // Registered by the framework's API (not as a `param` callback), or a request typed second.
    const registered = c.registration !== undefined && c.registration.method !== 'param';
    if (registered || typedAs(params[1]?.type, spec.contextTypes, imports)) evidence = 'parameter';
  } else if (late && firstName !== undefined && !first!.dotDotDotToken) {
    read = errorMemberRead(fn, firstName);
    if (read) evidence = 'late';
  }
  if (!evidence) return undefined;
  const nextType = nextTypeName(spec, imports);
  return {
    evidence,
    ...(firstName !== undefined && evidence !== 'type' ? { errorParam: firstName } : {}),
    ...(read ? { read } : {}),
    contextuallyTyped: typed || inline,
    ...(nextType ? { nextTypeName: nextType } : {}),
    underscoreNames: underscoreNames(fn),
  };
}

/** The first read of an error-only member of the parameter (`err.message`), as written. */
function errorMemberRead(fn: FunctionNode, param: string): string | undefined {
  let found: string | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (T.isPropertyAccessExpression(n) && T.isIdentifier(n.expression) && n.expression.text === param && ERROR_MEMBERS.has(n.name.text)) {
      found = `${param}.${n.name.text}`;
      return;
    }
    T.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/** The file's local name for the framework's next type (`NextFunction`, or `express.NextFunction`), when imported. */
function nextTypeName(spec: FrameworkSpec, imports: readonly ImportFact[]): string | undefined {
  for (const [module, names] of Object.entries(spec.nextTypes)) {
    const named = imports.find((i) => i.source === module && names.includes(i.imported));
    if (named) return named.local;
    const whole = imports.find((i) => i.source === module && (i.imported === '*' || i.imported === 'default'));
    if (whole) return `${whole.local}.${names[0]}`;
  }
  return undefined;
}

function underscoreNames(fn: FunctionNode): string[] {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (T.isIdentifier(n) && n.text.startsWith('_')) names.add(n.text);
    T.forEachChild(n, visit);
  };
  visit(fn);
  return [...names].sort();
}

/** The declared parameters as `Function.length` counts them (a `this` parameter is TypeScript's only). */
function signatureOf(fn: FunctionNode, sf: ts.SourceFile): Signature {
  const params = fn.parameters.filter((p) => !isThisParameter(p));
  const children = fn.getChildren(sf);
  const open = children.find((k) => k.kind === T.SyntaxKind.OpenParenToken);
  const close = children.find((k) => k.kind === T.SyntaxKind.CloseParenToken);
  const last = params[params.length - 1];
  const range = open && close ? { start: open.getStart(sf), end: close.getEnd() } : last ? rangeOf(last, sf) : rangeOf(fn, sf);
  const positional: Signature['positional'] = params
    .filter((p) => !p.dotDotDotToken)
    .map((p) => ({
      name: p.name.getText(sf),
      hasDefault: p.initializer !== undefined,
      ...(p.initializer ? { defaultRange: { start: (p.type ?? p.questionToken ?? p.name).getEnd(), end: p.initializer.getEnd() } } : {}),
      ...(p.type ? { typed: true } : {}),
    }));
  return {
    range,
    positional,
    restPositional: params.some((p) => p.dotDotDotToken !== undefined),
    requiredKeywordOnly: [],
    binding: 'function',
    otherDecorators: false,
    ...(open && close && last ? { appendAt: last.getEnd() } : {}),
  };
}
