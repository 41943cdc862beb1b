/**
 * The language-neutral model shared by every layer: front-ends produce FileFacts, the link step
 * builds a ProjectModel from them, rules read it. Everything here is plain serialisable data with
 * offsets into the file text (UTF-16 code units, as JavaScript strings count them); never AST nodes,
 * so facts can be cached by content hash and computed in worker threads.
 */

/** A half-open source range [start, end) of offsets into the file text. */
export interface Range {
  start: number;
  end: number;
}

/**
 * What a value can be, as far as the flow analysis proves. A summary keeps the set of every kind
 * the value may have on the paths reaching a point; a rule reports only when the whole set proves
 * the problem, and `unknown` in the set always means "stay silent".
 */
export type ValueKind =
  /** The next layer's result (directly or through a variable), awaited or synchronous. */
  | 'next'
  /** The next layer's result still wrapped in a promise (not awaited) in an async context. */
  | 'nextPromise'
  /** A response built here: `new XResponse(...)`, `XResponse.json(...)`, ... */
  | 'response'
  /** `undefined`, `null`, `void`, a `return;`, or falling off the end. */
  | 'nothing'
  /** Certainly not a response: the request, a boolean/number/string literal, the exception. */
  | 'notResponse'
  /** Anything else, e.g. the result of an unknown function call. */
  | 'unknown';

export interface Exit {
  /** `return` statement (or an arrow's expression body), falling off the end, or `throw`. */
  kind: 'return' | 'implicit' | 'throw';
  /** The `return` statement, the expression body, or the function's closing brace. */
  range: Range;
  /** Every kind the exit may return (empty for `throw`). */
  value: ValueKind[];
  /** Why a `notResponse` value is not a response, for messages: e.g. "the request", "`true`". */
  valueDescription?: string;
  /** The returned expression without the parentheses and type-only wrappers around it, when there is one. */
  valueRange?: Range;
  /** Every count of next-layer calls that a path reaching this exit can have made (2 means 2+). */
  nextCalls: Array<0 | 1 | 2>;
  /** On every path to this exit, a next-layer result was computed and then never used. */
  nextResultDropped: boolean;
  /**
   * For an implicit exit right after the next layer's result was stored in a variable that is
   * still in scope: where `return <variable>;` can be inserted, and with which indentation.
   */
  returnFix?: { variable: string; offset: number; indent: string };
  /**
   * Onion contract only: for an implicit exit right after the body's last statement, which calls
   * the next layer and drops its result (`next();`, `await next();`), that statement's start, where
   * `return ` makes the path return the result (tRPC's `return next()`).
   */
  returnNextAt?: number;
  /**
   * Handlers that return their response (Hono): on some path to this exit the context was handed to
   * code not followed (an argument, a store, a closure, an unknown method) or a member of it written
   * (`c.res = ...`), so that code may have sent the response. Absent for other contracts.
   */
  contextHandedOn?: boolean;
  /**
   * Handlers that return their response (Hono): some path to this exit (the function's end) ends
   * with a statement that builds a response and drops it (listed in `FunctionSummary.droppedResponses`
   * with `last`), and every path that does not calls the next layer or hands the context on.
   * Absent for other contracts.
   */
  endsWithDroppedResponse?: boolean;
  /**
   * Linear contract only (Express, Connect): every count of completions (responses sent plus
   * next-layer calls) that a path reaching this exit can have made (2 means 2+).
   */
  completions?: Array<0 | 1 | 2>;
}

/** Linear contract: one way a path completes the request — a response sent (`res.json(...)`) or a next-layer call (`next()`, `next(err)`). */
export interface Completion {
  kind: 'send' | 'next';
  /** The call (`res.status(404).json(...)`, `next(err)`). */
  range: Range;
  /**
   * The call is a statement of its own that ends an `if`/`else` branch or a `case` (`if (!user) {
   * res.status(401).json(...); }`): `return` before it ends that path and cuts off nothing else.
   */
  endsBranch?: boolean;
}

/** Linear contract: a completion that a path reaches after it already completed the request. */
export interface LateCompletion extends Completion {
  /** The completions made before it on some path reaching it, in source order. */
  after: Completion[];
}

/** A use of the next layer's un-awaited result as if it were a response. */
export interface UnawaitedUse {
  range: Range;
  /** `read`: `response.headers`; `write`: `response.status = 1`; `delete`: `del response["Server"]` (Python). */
  kind: 'read' | 'write' | 'delete';
  /** The member read or written, from the syntax: `headers`, `status` (also for `(response as any).status`, `response['status']`). */
  member: string;
  /** The expression text used, e.g. `response` or `this.getResponse(request)`. */
  text: string;
  /** An item access (`response["X-Frame-Options"]`, Python), not an attribute; recorded where the front-end tells them apart. */
  item?: boolean;
}

/** A member call `this.<name>(...)` in a handler: store-next checks these exist. */
export interface ThisCall {
  name: string;
  range: Range;
}

/** A request attribute read or written in a handler's request half (before the next layer). */
export interface RequestAccess {
  attribute: string;
  range: Range;
}

/** The flow summary of one handler or hook. */
export interface FunctionSummary {
  /** `Class.method` or the factory's name, as messages show it. */
  name: string;
  /** The method name, or the handler's head when it has no name: where whole-handler reports go. */
  nameRange: Range;
  range: Range;
  async: boolean;
  /** Name of the request parameter (first parameter), if any. */
  requestParam?: string;
  exits: Exit[];
  /** Any reference at all to the next layer (called, aliased, passed on), nested functions included. */
  nextReferenced: boolean;
  /** Calls of the next layer, nested functions included. */
  nextCallSites: Range[];
  unawaitedUses: UnawaitedUse[];
  thisCalls: ThisCall[];
  /** `this.<name>` member names that the summary treated as the next layer. */
  nextMembers: string[];
  /** Request attributes read / written before the first next-layer call on some path. */
  requestReadsBeforeNext: RequestAccess[];
  requestWritesBeforeNext: RequestAccess[];
  /** The declared parameters, where the front-end records them (Python): how a caller must call it. */
  signature?: Signature;
  /**
   * Onion contract only (recorded when the unit's contract is `onion`): calls of the next layer whose
   * promise is discarded where it is made — a statement of its own (`next();`, `void next();`), never
   * awaited, returned or handed on. The layer's promise settles before the layers below it finish.
   */
  floatingNextCalls?: Range[];
  /**
   * Onion contract only: references to the next layer that certainly neither call it nor hand it on
   * (`await next;`, `return next;`, `void next;`, `next;`, an arrow body `=> next`).
   */
  inertNextReferences?: Range[];
  /** Onion contract only: some reference hands the next layer on (an argument, a store, `.bind`): it may be called elsewhere. */
  nextHandedOn?: boolean;
  /**
   * Handlers that return their response (Hono) only: statements that build a response and drop it
   * (`c.json({ ok: true });`), by the dropped expression's range; `last` when nothing runs between
   * the statement and the function's end, so `return ` inserted before it returns the response.
   */
  droppedResponses?: Array<{ range: Range; last: boolean }>;
  /**
   * Linear contract only: the calls that send the response on the unit's response parameter
   * (`res.json(...)`, `res.status(404).send(...)`), outside nested functions. A linear unit also
   * records `inertNextReferences` and `nextHandedOn` as the onion ones do.
   */
  responseSends?: Range[];
  /** Linear contract only: sends and next-layer calls reached after the request was completed on the same path. */
  lateCompletions?: LateCompletion[];
  /**
   * Onion contract only: the first call of the next layer whose rejection the function catches
   * itself — awaited in the `try` block of a `try` with a `catch` clause (`try { await next() }
   * catch (err) { ... }`), or handled on the spot (`next().catch(...)`, `next().then(ok, failed)`).
   * The layer catches the errors of the layers below it. Absent when there is none.
   */
  catchesNext?: Range;
}

/** A function's declared parameters, as a caller passing positional arguments meets them. */
export interface Signature {
  /** The parameter list (`(...)`), where reports about it go. */
  range: Range;
  /** Positional parameters in order (the instance parameter of a method included), with whether each has a default. */
  positional: Array<{
    name: string;
    hasDefault: boolean;
    /** TypeScript/JavaScript: the ` = value` of a default (from the end of the name or type annotation), for a fix that drops it. */
    defaultRange?: Range;
    /** TypeScript: the parameter carries a type annotation. */
    typed?: boolean;
  }>;
  /** A `*args` parameter takes any further positional arguments. */
  restPositional: boolean;
  /** Keyword-only parameters without a default: a caller passing positional arguments only never fills them. */
  requiredKeywordOnly: string[];
  /** How the method binds: `instance` (a plain method: the first positional is the instance), `static`, `class`, or `function`. */
  binding: 'instance' | 'static' | 'class' | 'function';
  /** Decorators other than `staticmethod`/`classmethod`: they may change what is called, so the parameters prove nothing. */
  otherDecorators: boolean;
  /** TypeScript/JavaScript: where `, name` can be appended to a parenthesised parameter list (after its last parameter). */
  appendAt?: number;
}

/**
 * Express/Connect: why a function is used as error-handling middleware (the framework passes it
 * `(err, req, res, next)` and hands errors only to functions whose `length` is 4).
 * `parameter`: its first parameter is the error (`err`, `error`, `e`, or typed `Error`) and the
 * framework's API registers or types it; `type`: it is typed `ErrorRequestHandler` (`ErrorHandleFunction`);
 * `late`: it is registered with `use` after routes of the same app and reads its first parameter as
 * an error (`err.message`).
 */
export interface ErrorHandlerFact {
  evidence: 'parameter' | 'type' | 'late';
  /** For `parameter` and `late`: the first parameter's name; for `late`: the error member it reads (`err.status`). */
  errorParam?: string;
  read?: string;
  /** The function takes its parameter types from its context (a typed variable, an inline argument): an added parameter needs no annotation. */
  contextuallyTyped: boolean;
  /** The local name of the framework's next type when the file imports it (`NextFunction`), to annotate an added parameter. */
  nextTypeName?: string;
  /** Identifiers beginning with `_` that the function uses: names an added parameter must not take. */
  underscoreNames: string[];
}

/**
 * How messages write a unit's own syntax where its language is not JavaScript's. Plain data from the
 * front-end, so rules stay parser-free; absent means JavaScript/TypeScript (`this`, `undefined`, `;`).
 */
export interface Spelling {
  /** The instance in a method: `self`. */
  self: string;
  /** What a function returns when it falls off its end: `None`. */
  nothing: string;
  /** What ends a statement in a suggested edit: `` for Python. */
  statementEnd: string;
  /** The error a call of a never-assigned instance member raises, with `{cls}` and `{member}` to fill in. */
  missingMemberError: string;
  /** The method that builds an instance: `__init__`. */
  constructorName: string;
  /** Blocks are delimited by indentation (Python): a line added to a block must be indented deeper than its header. */
  indentedBlocks: boolean;
  /**
   * What an un-awaited async call gives: `promise`, `coroutine`. A promise returned from an async
   * function is flattened by the caller's `await`; a coroutine is not (the caller receives it).
   */
  awaitable: string;
  /** How to await the next layer into a local, with `{next}` to fill in: `response = await {next}(request)`. */
  awaitStatement: string;
  /** What a hook returns to let the request continue: `null`, `None`. */
  continueValue: string;
  /** The call of the base class's constructor: `super(...)`, `super().__init__(...)`. */
  baseConstructorCall: string;
  /** What the base class does when that call does not pass the next layer: `stores something else as the next layer and ...`. */
  baseWithoutNext: string;
  /** That call passing the next layer on, with `{next}` to fill in: `super({next}, ...)`, `super().__init__({next})`. */
  passNextToBase: string;
}

/**
 * Hooks a class-form middleware declares. `processRequest` / `processResponse` (Django's `process_request` /
 * `process_response`) are called only by a mixin base that supplies the handler (Django's `MiddlewareMixin`);
 * they are recorded on any class so that rules can say when nothing calls them.
 */
export type HookName = 'processView' | 'processException' | 'processTemplateResponse' | 'processRequest' | 'processResponse';

/** A capability flag of the unit (Django's `sync_capable` / `async_capable`), where it is set. */
export interface CapabilityFlag {
  /** The literal value; null when it is set to something that is not a literal boolean. */
  value: boolean | null;
  range: Range;
}

/**
 * What the framework reads to choose a layer's sync or async mode (Django: PYTHON.md (b) "Async forms"),
 * and the hand-made ways of marking a layer async. Absent fields were not written in the unit.
 */
export interface Capabilities {
  /** `sync_capable`: a class attribute, an attribute set on the factory, or set by a decorator. */
  syncCapable?: CapabilityFlag;
  /** `async_capable`, likewise. */
  asyncCapable?: CapabilityFlag;
  /** A capability decorator on the factory: `sync_only_middleware`, `async_only_middleware`, `sync_and_async_middleware`. */
  decorator?: { name: string; range: Range };
  /** Decorators of the class or factory that onionlint does not know: they may set anything. */
  unknownDecorators: boolean;
  /** Attributes of the factory set in a way not followed (not a literal): the flags may differ. */
  flagsUnknown: boolean;
  /** The instance is marked as a coroutine function (`markcoroutinefunction(self)`), anywhere in the class. */
  marksCoroutine: boolean;
  /** Calls of the framework's private async check (`self._async_check()`, removed in Django 5.1). */
  privateAsyncCheckCalls: Range[];
  /** Hand-made coroutine markers (`self._is_coroutine = ...`, or the class attribute). */
  coroutineMarkerAssignments: Range[];
}


/**
 * How a unit was recognised as middleware. `position` alone needs a stack listing it. `framework`:
 * a framework's own API says so (registered with a Koa app or router, typed with Koa's types); see
 * `Unit.framework`.
 */
export type UnitEvidence = 'name' | 'type' | 'base' | 'position' | 'framework';

/** The Node frameworks a function-form unit can be judged under (src/frontends/ts/frameworks.ts detects them). */
export type Framework = 'koa' | 'hono' | 'trpc' | 'express' | 'connect' | 'nest' | 'alexi';

/**
 * What the next layer means for a unit. Absent: the Django contract (the handler returns the next
 * layer's response or its own). `onion` (Koa, Hono, tRPC): `next()` returns a promise that must be
 * awaited or returned, at most once per path; a layer that responds without calling it is correct.
 * `linear` (Express, Connect, Nest middleware): respond or call `next()`, once, and do nothing more.
 */
export type Contract = 'onion' | 'linear';

export interface Unit {
  /**
   * `class`: a class whose constructor takes the next layer; `factory`: a function taking the next
   * layer and returning the handler; `function`: a function that is itself the handler and receives
   * the next layer as a parameter on every request (Koa's `(ctx, next)`, later Hono's `(c, next)` and
   * Express's `(req, res, next)`). A `function` unit always has a `framework` and, except Alexi's
   * (Django's contract in function form), a `contract`; its `handler` summarises the function itself,
   * and `nextParam` is its next-layer parameter (absent for a Hono route handler, and for an
   * Express/Connect error handler that declares none: see `errorHandler`). A NestJS class middleware
   * is a `function` unit too: its handler is the class's `use(req, res, next)` method.
   */
  kind: 'class' | 'factory' | 'function';
  /** Class or function name (`default` for an anonymous default export). */
  name: string;
  range: Range;
  nameRange: Range;
  /** Why this is middleware; `base` means the constructor is inherited and link must confirm it. */
  evidence: UnitEvidence;
  /** The next-layer parameter of the constructor or factory, when it has one of its own. */
  nextParam?: { name: string; range: Range };
  /** Whether the next layer is known to be asynchronous (from its type); null when unknown. */
  nextIsAsync: boolean | null;
  /** Class form: fields the constructor stores the next layer in (parameter properties included). */
  nextFields: string[];
  /** Class form: every member name declared or assigned with `this.x = ...` in the class. */
  members: string[];
  /** Class form: the `extends` expression, when it is an identifier or a dotted name. */
  base?: { name: string; range: Range };
  /** Class form: the constructor, when the class declares one. */
  constructorInfo?: {
    range: Range;
    /** `super(...)` call, when there is one, and whether it passes the next layer first. */
    superCall?: { range: Range; passesNext: boolean };
    /** The constructor's name (`__init__`), where reports about the override go. */
    nameRange?: Range;
    /**
     * Python: the constructor runs a base class's constructor in any form (`super().__init__(...)`,
     * `super(C, self).__init__(...)`, `Base.__init__(self, ...)`); false when it certainly does not.
     */
    callsBaseConstructor?: boolean;
    /** The constructor can opt the layer out (Django: `raise MiddlewareNotUsed`). */
    canOptOut?: boolean;
  };
  /**
   * The class extends the framework's mixin base directly (Django's `MiddlewareMixin`, imported from
   * `django.utils.deprecation`): the mixin supplies the constructor and handler and calls `processRequest`
   * / `processResponse`. Absent when the base is anything else or unknown.
   */
  mixinBase?: boolean;
  /** How the framework picks the layer's sync/async mode (Python units). */
  capabilities?: Capabilities;
  handler?: FunctionSummary;
  hooks: Partial<Record<HookName, FunctionSummary>>;
  /** Words of the unit's language for messages; absent for JavaScript/TypeScript. */
  spelling?: Spelling;
  /** The framework whose API the unit was found through (function units); absent for Django-style units. */
  framework?: Framework;
  /** The contract the unit is judged under; absent means Django's (see `Contract`). */
  contract?: Contract;
  /**
   * Express/Connect: the function is used as error-handling middleware (see `ErrorHandlerFact`);
   * its next-layer parameter is the fourth, and `handler.signature` holds its declared parameters.
   */
  errorHandler?: ErrorHandlerFact;
}

export interface ImportFact {
  /** The local name bound in this file. */
  local: string;
  /** The imported name: an export name, `default`, or `*` for a namespace import. */
  imported: string;
  /** The module specifier as written. */
  source: string;
  range: Range;
}

export interface ExportFact {
  /** The exported name (`default` for a default export). */
  exported: string;
  /** The local binding it exports, when it is one of this file's own. */
  local?: string;
  /** For `export { x } from './m'` / `export * from './m'` (exported `*`). */
  source?: string;
  /** For re-exports, the name in the source module. */
  imported?: string;
}

/** An entry of a declared stack: see RULES.md "Rules on a stack". Filled by the stack front-end. */
export interface StackEntryFact {
  /**
   * `string`: a dotted path; `reference`: an identifier or member expression; `call`: a factory
   * call; `spread`: another list spread in (resolved by the link step); `unknown`: anything else.
   */
  kind: 'string' | 'reference' | 'call' | 'spread' | 'unknown';
  /** The dotted path, the referenced name (`a.b.C` for members), the called name, or the spread name. */
  value: string;
  range: Range;
  /**
   * For a `call`: its arguments as canonical JSON (`[{"origins":["a"]}]`, `[]` for none), when
   * every argument is a literal (strings, numbers, booleans, `null`, and arrays and plain objects
   * of them; object keys sorted). Absent when any argument is not: two calls with the same `args`
   * build the same configured layer, and nothing is known of the others.
   */
  args?: string;
  /**
   * Present only in some configurations: the id of the condition (a conditional spread or a
   * conditional edit) and the branch. Entries of different branches of one condition never coexist.
   */
  condition?: { id: number; branch: number };
  /** For entries written inside one array literal: that literal's range (a fix can move them). */
  arrayRange?: Range;
  /** Position unknown (e.g. a splice at a computed index): left out of ordering checks. */
  positionUnknown?: boolean;
  /**
   * With `positionUnknown`: where the entry goes once the spreads before it are expanded (the
   * link step places it then). Python's `A.insert(1, x)` or `A.insert(A.index("p") + 1, x)` on a list
   * imported from another module: `index` into the list as it stood before this entry (negative:
   * from its end), or `offset` places after the first entry equal to `anchor`.
   */
  placement?: { index: number } | { anchor: string; offset: number };
}

export interface StackFact {
  /** The setting or list name, e.g. MIDDLEWARE, MIDDLEWARE_CLASSES, INSTALLED_APPS, BASE_MIDDLEWARE. */
  setting: string;
  /** `setting`: a settings list that is checked; `fragment`: a list that is only spread into others. */
  role: 'setting' | 'fragment';
  /** The declaration's name range. */
  nameRange: Range;
  range: Range;
  exported: boolean;
  /** The entries in order, after applying this module's edits. */
  entries: StackEntryFact[];
}

/**
 * One layer given to a registration (issue 12): `session({ secret })`, `passport.session()`, `auth`,
 * an inline function, a router mounted. Arrays and composers (`compose([a, b])`) are flattened.
 */
export interface LayerFact {
  /**
   * `call`: a factory called (`session(...)`, `express.json()`); `reference`: a name or member
   * (`auth`, `mw.auth`, `router`); `function`: an inline function; `unknown`: anything else
   * (a conditional, a computed value).
   */
  kind: 'call' | 'reference' | 'function' | 'unknown';
  /** The callee or the reference as written (`passport.session`, `express.json`, `session`, `router.routes`); empty for `function`/`unknown`. */
  value: string;
  /** For a `call`: its arguments as canonical JSON when every argument is a literal (see StackEntryFact.args). */
  args?: string;
  range: Range;
  /** Index in FileFacts.units of the unit this layer is (an inline function, a function or class of the file). */
  unit?: number;
  /**
   * The layer's head is a variable of the file holding what a call returned (`const upload =
   * multer(opts)` for `upload.single('avatar')`), or a property destructured from it (`const {
   * doubleCsrfProtection } = doubleCsrf(opts)`): the call's callee as written, and the property.
   * Also for a call made on a call's result (`multer(opts).single('avatar')`, value `single`).
   */
  origin?: { call: string; property?: string };
  /**
   * For a function layer that is no unit (a route's handler, `(req, res) => ...`): the attributes of
   * its first parameter it reads (`body`, `user`; Koa's `request.body`, `state.user`), anywhere in it.
   */
  reads?: string[];
  /**
   * The layer is another app or router of this file (`app.use('/api', api)`, `app.use(router.routes())`):
   * its `AppStackFact.name`; or an imported one's local name (`app.use(router.routes())` with `router` imported).
   */
  receiver?: string;
  /**
   * The layer runs for some requests only, on a condition that cannot be read (Hono's `some`/`except`
   * from `hono/combine`, a `koa-mount` nested in a composition): it orders against nothing.
   */
  conditional?: boolean;
  /**
   * The layer, or an `include`'s function, is an export of a module loaded in place
   * (`app.use('/api', require('./api'))`, `require('./routes')(app)`, `require('./routes').configure(app)`):
   * the specifier as written and the export (`default` for `module.exports`).
   */
  module?: { source: string; exported: string };
}

/** A registration call on an app or router, in program order (issue 12). */
export interface RegistrationFact {
  /**
   * The method as written: `use`, an HTTP method (`get`, `post`, ...), `all`, `on` (Hono), `route`
   * (Hono's `app.route(prefix, sub)`; Express's `app.route(path).get(...)` is recorded as `get` with
   * that path), `apply` (Nest's `consumer.apply(...)`), or `include`: a call handing the receiver to
   * a function (`configure(app)`) whose registrations take this place (layers[0] names the function).
   */
  method: string;
  /**
   * The path filter, as written: a literal path (`/api`, `*`, `/users/:id`); absent: every path
   * (`app.use(fn)`); `null`: a path that cannot be read (a variable, a regular expression).
   */
  path?: string | null;
  /** Hono's `app.on(['GET', 'POST'], path, ...)` and Nest's `forRoutes({ method })`: the methods, upper case. */
  methods?: string[];
  layers: LayerFact[];
  /** `include`: the argument position the receiver is passed at (`configure(app)`: 0). */
  receiverIndex?: number;
  /** The call (`app.use(...)`), for reports. */
  range: Range;
  /**
   * The expression statement holding only this registration, when it sits directly in the block
   * of the receiver's other registrations (a fix moves whole statements).
   */
  statement?: Range;
  /** Present only in some configurations (`if (prod) app.use(x)`): see StackEntryFact.condition. */
  condition?: { id: number; branch: number };
  /**
   * Its place cannot be proven (in a loop or a callback, or after an unknown call taking the
   * receiver): it and every registration after it are left out of ordering checks.
   */
  positionUnknown?: boolean;
}

/**
 * An app or router of a Node framework and its registrations in program order (issue 12): the Node
 * counterpart of a settings list. A router mounted on an app is nested in the app's stack by the
 * link step, under the mount's path.
 */
export interface AppStackFact {
  /**
   * Absent for the parameter stack of an exported function that no call of its own file gives an
   * object of a known framework (`module.exports = function (app) { app.use(...) }` in a module
   * that imports no framework): it is the framework of the app that includes it (the link step).
   */
  framework?: Framework;
  /**
   * The variable holding it (`app`, `api`), or `<function>#<parameter index>` for a parameter of a
   * function of the file (`configure(app)`; `default#0` for an anonymous default export).
   */
  name: string;
  /** `app`: an application (`express()`, `new Koa()`, `new Hono()`, Nest's `NestFactory.create`); `router`: a router or sub-app (`express.Router()`, `new Router()`), or a parameter. */
  role: 'app' | 'router' | 'parameter';
  nameRange: Range;
  /** The names it is exported under (`default`, `api`; `module.exports` is `default`). */
  exported?: string[];
  /**
   * The prefix of every path: Hono's `new Hono().basePath('/api')`, @koa/router's
   * `new Router({ prefix: '/api' })`; `null` when the options cannot be read.
   */
  basePath?: string | null;
  /** The file starts it (`app.listen(...)`): the top of a server, not a sub-app another file may mount. */
  listens?: boolean;
  /** The function that creates it returns it (`createApp()`): its caller may mount it. */
  returned?: boolean;
  registrations: RegistrationFact[];
}

export interface SyntaxProblem {
  message: string;
  range: Range;
}

export interface ClassFactory {
  /** `corsMiddleware`, or `Class.method` for a static method. */
  name: string;
  range: Range;
  /** Index in FileFacts.units of the returned class. */
  returnsUnit: number;
}

/** A module-level Python class as Django's start-up sees it: its bases, `__init__` and methods. */
export interface PythonClass {
  name: string;
  nameRange: Range;
  /** The bases as written (dotted names); `object` left out. Undefined: a base that is not a name. */
  bases: string[] | undefined;
  /**
   * `__init__`'s positional parameters after `self`: their names, how many are required, and how
   * many it takes (null with `*args`). Undefined when the class declares no `__init__`.
   */
  init?: { names: string[]; required: number; accepts: number | null };
  /** The names of the methods it declares. */
  methods: string[];
  /** It may build instances otherwise (`__new__`, a metaclass, decorators): nothing is proven. */
  unusual: boolean;
}

/** A suppression comment: `onionlint-disable-next-line id` or `eslint-disable-line onion/id`, etc. */
export interface SuppressionDirective {
  /** Which comment form: `onionlint-...` or `eslint-...` (ESLint applies the latter itself). */
  tool: 'onionlint' | 'eslint';
  kind: 'disable' | 'enable' | 'disable-line' | 'disable-next-line';
  /** Full rule ids (`onion/return-response`); empty means every rule. */
  rules: string[];
  range: Range;
}

/** Everything one front-end extracted from one file. Depends on that file's text only. */
export interface FileFacts {
  path: string;
  language: 'typescript' | 'javascript' | 'python';
  units: Unit[];
  stacks: StackFact[];
  imports: ImportFact[];
  exports: ExportFact[];
  /** Top-level names declared in this file (classes, functions, variables) with their ranges. */
  declarations: Record<string, Range>;
  /**
   * Functions and static methods that return a class defined in them (`corsMiddleware(opts)`
   * returning `class extends CorsMiddleware {...}`, or `AuthenticationMiddleware.configure(opts)`):
   * a stack entry calling one of these lists the returned class.
   */
  classFactories: ClassFactory[];
  /** Top-level constants with a literal value (`CSRF_USE_SESSIONS = true`), for settings checks. */
  constants: Record<string, string | number | boolean>;
  /** Suppression comments that concern onionlint's rules. */
  directives: SuppressionDirective[];
  /**
   * Python only: the module-level classes, whatever they hold, so that the link step can tell
   * whether Django can build a listed one with `get_response` (resolvable-middleware).
   */
  pythonClasses?: PythonClass[];
  /** Python only: the module-level functions (`def`), with their first parameter's name. */
  pythonFunctions?: Array<{ name: string; firstParam?: string }>;
  /** Node apps and routers with their registrations (issue 12). Absent when there are none. */
  appStacks?: AppStackFact[];
  /** A fatal problem: the file does not parse. When set, nothing else is trustworthy. */
  fatal?: SyntaxProblem;
  /**
   * Middleware arguments of the file's registrations, composers and wrappers (`app.use(auth)`,
   * `compose([a, b])`) that name another module's export: the link step follows them to that
   * module's `functionCandidates` (issue 11, detection across files). Absent when there are none.
   */
  frameworkUses?: FrameworkUse[];
  /**
   * Exported functions that are middleware only if a registration in another file says so (no
   * framework evidence in this file): judged once the link step confirms one (`frameworkUses`).
   * Absent when there are none.
   */
  functionCandidates?: FunctionCandidate[];
  /**
   * Only checked for syntax: the file cannot hold middleware or a stack, so its imports, exports
   * and declarations were not extracted. The link step completes it when another file refers to it.
   */
  dormant?: true;
}

/** A registration argument naming an export of another module (`app.use(auth)` with `auth` imported). */
export interface FrameworkUse {
  /** The framework whose registration, composer or wrapper takes it. */
  framework: Framework;
  /** The module specifier as written (`./auth.js`, an alias, `require('./auth')`). */
  source: string;
  /** The export it names: `default` for a default import, a CommonJS `require` bound whole, or `module.exports`. */
  imported: string;
  /** Registered as what calling the export returns (`app.use(logger())`): the export is a factory. */
  call: boolean;
  /** The argument in the registering file. */
  range: Range;
}

/**
 * A function with a next-layer parameter and no framework evidence of its own, reachable by the
 * name `name` in its module (an export, `default`, or a factory returning it). It is judged only
 * once the link step finds a registration reaching it, as the variant of the registering framework:
 * the front-end builds the unit as each framework that could register it would (their flow options
 * differ: Koa's `next()` may reject, Hono's never does, Express's is no promise), and keeps the
 * distinct ones. Plain data, like every fact.
 */
export interface FunctionCandidate {
  /** The name in its module: the function's own, its variable's, `default`, a CommonJS export's, or the factory's. */
  name: string;
  /** The function is what the named factory returns: only a registration calling it reaches it. */
  factory: boolean;
  /** The position of its next-layer parameter: a registering framework must pass the next layer there. */
  nextIndex: number;
  /** The distinct units (named `name`); `byFramework` says which one each framework gets. */
  variants: Unit[];
  byFramework: Partial<Record<Framework, number>>;
}

export type Severity = 'off' | 'warn' | 'error';

export interface Fix {
  range: Range;
  text: string;
}

export interface Suggestion {
  messageId: string;
  message: string;
  /** The values of the message's placeholders (the ESLint plugin hands them on). */
  data?: Record<string, string | number>;
  fix: Fix;
}

/** One problem found by a rule, in a file, before offsets are mapped to lines and columns. */
export interface Diagnostic {
  /** `onion/<id>`, or null for a fatal parse error. */
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  messageId?: string;
  /** The values the message template was filled with (ESLint reports messageId + data). */
  data?: Record<string, string | number>;
  filePath: string;
  range: Range;
  fix?: Fix;
  suggestions?: Suggestion[];
  fatal?: boolean;
}
