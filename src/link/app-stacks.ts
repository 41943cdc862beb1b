/**
 * The link step for Node app stacks (issue 12): each application's registrations in the order the
 * framework runs them, with the routers and sub-apps it mounts and the functions it hands the app
 * to (`configure(app)`) expanded in place, under their mount paths. Each layer is resolved to a
 * project unit (its flow summary says what it reads and writes on the request) or to a package's
 * middleware the knowledge base describes (src/knowledge/node.ts). The result is the same `Stack`
 * that settings lists become, with a `NodeEntry` on each entry; the stack rules judge it.
 */
import { FRAMEWORKS } from '../frontends/ts/frameworks.js';
import { NODE_MIDDLEWARE, type NodeMiddleware } from '../knowledge/node.js';
import type { AppStackFact, FileFacts, Framework, LayerFact, RegistrationFact, StackEntryFact, Unit } from '../model.js';
import { packageSpecifier } from '../specifiers.js';
import { frameworkFilesUnder, groupBy, moduleStem, SEARCH_INPUTS, type SearchHost, type SearchSources } from './frameworks.js';
import { resolveRelativeModule, type FactsLookup } from './resolve.js';
import { projectAccesses, projectRoot, type Stack, type StackEntry } from './stacks.js';
import { resolveBinding, type UnitsOf } from './units.js';

/** Where an entry of a Node stack comes from and what it is. */
export interface NodeEntry {
  framework: Framework;
  /** `middleware`: `use`d (or Nest's `apply`); `route`: a layer of a route (`app.get(path, ...)`); `error`: an error handler (Express, Connect). */
  kind: 'middleware' | 'route' | 'error';
  /** The last layer of a route: its handler. */
  handler: boolean;
  method: string;
  methods?: string[];
  /** The full path filter after mounts, normalised: `''` for every path, `null` when it cannot be read. */
  path: string | null;
  registration: RegistrationFact;
  /** The registration's position in the flattened stack: the layers of one registration share it. */
  order: number;
  /** The app or router the registration is made on: `<file>#<name>`; a fix moves statements of one receiver only. */
  receiver: string;
  /** The package middleware it is, when the knowledge base describes it. */
  known?: NodeMiddleware;
  /** The project unit it is, when it was analysed. */
  unit?: Unit;
  /** The routers, sub-apps and functions it was reached through, outermost first (absent: registered on the app itself). */
  via?: NodeMount[];
}

/** A router or sub-app mounted on a stack, or a function handed the app, whose registrations take that place. */
export interface NodeMount {
  /** `mount`: `app.use('/api', api)`, `app.route('/api', api)`, `app.use(router.routes())`; `include`: `configure(app)`. */
  kind: 'mount' | 'include';
  /** The mounted or included stack: `<file>#<name>` (as NodeEntry.receiver). */
  receiver: string;
  /** The registration that mounts or includes it, and the file it is written in. */
  registration: RegistrationFact;
  filePath: string;
  /** The path filter of everything under it, after mounts (as NodeEntry.path). */
  path: string | null;
}

/** A call handing the app to a function whose registrations could not be read: nothing after it is ordered. */
export interface NodeGap {
  registration: RegistrationFact;
  /** How many entries of the stack come before it. */
  index: number;
  filePath: string;
  via?: NodeMount[];
}

/** Node entries (the stack rules' view); the entries of a settings list have none. */
export type NodeStackEntry = StackEntry & { node: NodeEntry };

/** Package middleware by how a registration names it: `<package>#<member>#<form>`, and for a member of a call's result `...>#<member>#<form>`. */
const EXPORTS = new Map<string, NodeMiddleware>();
for (const m of NODE_MIDDLEWARE) {
  for (const e of m.exports) EXPORTS.set(`${e.package}#${e.member}#${e.form}${e.result ? `>${e.result.member}#${e.result.form}` : ''}`, m);
}

/** The package and member a dotted name reaches through the file's imports (`passport.session` → passport, `session`). */
function imported(facts: FileFacts, dottedName: string): { source: string; pkg?: string; member: string } | undefined {
  const [head, ...rest] = dottedName.split('.');
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp) return undefined;
  const member = (imp.imported === 'default' || imp.imported === '*' ? rest : [imp.imported, ...rest]).join('.');
  const pkg = packageSpecifier(imp.source);
  return { source: imp.source, ...(pkg !== undefined ? { pkg } : {}), member };
}

/** The package middleware a layer names through the file's imports (`passport.session()`, `session({...})`, `upload.single(...)`). */
function knownLayer(facts: FileFacts, layer: LayerFact): { known?: NodeMiddleware; source?: string; name?: string } {
  if (layer.kind !== 'call' && layer.kind !== 'reference') return {};
  if (layer.origin) {
    // A member of what a package's call returned: `upload.single(...)` with `const upload = multer(...)`.
    const made = imported(facts, layer.origin.call);
    if (!made?.pkg) return {};
    // A variable holding the package's middleware itself: `const csrfProtection = csrf({ cookie: true })`.
    const itself = boundToPackageCall(layer) ? EXPORTS.get(`${made.pkg}#${made.member}#call`) : undefined;
    if (itself) return { known: itself, source: made.source, name: made.member || 'default' };
    const member = layer.origin.property ?? layer.value.split('.').slice(1).join('.') ?? '';
    const resultMember = layer.origin.property !== undefined ? [layer.origin.property, ...layer.value.split('.').slice(1)].join('.') : member || layer.value;
    const known = EXPORTS.get(`${made.pkg}#${made.member}#call>${resultMember}#${layer.kind}`);
    return { ...(known ? { known } : {}), source: made.source, name: `${made.member}().${resultMember}` };
  }
  const found = imported(facts, layer.value);
  if (!found) return {};
  if (found.pkg === undefined) return { source: found.source, name: found.member || 'default' };
  const known = EXPORTS.get(`${found.pkg}#${found.member}#${layer.kind}`);
  return { ...(known ? { known } : {}), source: found.source, name: found.member };
}

/** A layer naming a variable bound once to a call's result, not a member of it (`app.use(sessionMiddleware)`). */
function boundToPackageCall(layer: LayerFact): boolean {
  return layer.kind === 'reference' && layer.origin !== undefined && layer.origin.property === undefined && !layer.value.includes('.');
}

/** A path as the rules compare it: `''` for every path; `/api` for `/api/*`, `/api/` and `/api`. */
export function normalisePath(path: string | null | undefined): string | null {
  if (path === undefined) return '';
  if (path === null) return null;
  let p = path.replace(/\/?\*$/, '').replace(/\/\(\.\*\)$/, '');
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p !== '' && !p.startsWith('/')) p = `/${p}`;
  return p;
}

function joinPaths(prefix: string | null, path: string | null): string | null {
  if (prefix === null || path === null) return null;
  return `${prefix}${path}`;
}

interface Walk {
  /** The framework of the app walked: that of the stacks included from modules that import none. */
  framework: Framework;
  lookup: FactsLookup;
  out: NodeStackEntry[];
  /** Stacks expanded into another (not checked on their own). */
  expanded: Set<string>;
  /** Registrations counted so far (NodeEntry.order). */
  order: number;
  /** Conditions renumbered across files. */
  conditions: Map<string, number>;
  /** A registration whose place is unknown came before: everything after it is unordered. */
  partial: boolean;
  /** Calls handing the app to functions that could not be followed. */
  gaps: NodeGap[];
  /** Hono: registrations on a sub-app after `app.route(prefix, sub)` copied it (Stack.uncopied). */
  uncopied: NonNullable<Stack['uncopied']>;
}

/** Finds the app stack an import or a local name denotes: a router mounted, or a function's parameter stack (`configure#0`). */
function stackNamed(facts: FileFacts, name: string, lookup: FactsLookup, parameterIndex?: number): { facts: FileFacts; stack: AppStackFact } | undefined {
  const want = (local: string) => (parameterIndex === undefined ? local : `${local}#${parameterIndex}`);
  // A function's parameter stack is reached by calling the function with the app (an include), never by mounting the function.
  const own = facts.appStacks?.find((s) => s.name === want(name) && (parameterIndex !== undefined) === (s.role === 'parameter'));
  if (own) return { facts, stack: own };
  const [head, ...rest] = name.split('.');
  const imp = facts.imports.find((i) => i.local === head);
  if (!imp) return undefined;
  const exported = imp.imported === '*' ? (rest.length > 0 ? rest.join('.') : 'default') : imp.imported;
  return stackExported(facts, imp.source, exported, lookup, parameterIndex);
}

/** The app stack another module exports (a router, an app), or the parameter stack of a function it exports. */
function stackExported(facts: FileFacts, source: string, exported: string, lookup: FactsLookup, parameterIndex?: number): { facts: FileFacts; stack: AppStackFact } | undefined {
  const target = resolveRelativeModule(facts.path, source, lookup);
  if (!target) return undefined;
  const stack = target.appStacks?.find((s) => {
    if ((parameterIndex !== undefined) !== (s.role === 'parameter')) return false;
    const local = parameterIndex === undefined ? s.name : s.name.replace(/#\d+$/, '');
    if (parameterIndex !== undefined && s.name !== `${local}#${parameterIndex}`) return false;
    return (s.exported ?? []).includes(exported) || target.exports.some((e) => e.exported === exported && e.local === local && !e.source);
  });
  return stack ? { facts: target, stack } : undefined;
}

/** A module's units and, for a framework, the variants of its function candidates (plain ones, or factories' for a call). */
function candidatesOf(framework: Framework | undefined, call: boolean): UnitsOf {
  return (f) => {
    const own = call ? [] : f.units;
    if (framework === undefined || !f.functionCandidates) return own;
    const found = f.functionCandidates.flatMap((c) => {
      const i = c.factory === call ? c.byFramework[framework] : undefined;
      return i !== undefined ? [c.variants[i]!] : [];
    });
    return [...own, ...found];
  };
}

/** Whether `method` registers layers on an app or router of the framework (`app.on('mount', ...)` of Express does not). */
function registersOn(framework: Framework, method: string): boolean {
  return FRAMEWORKS.some((f) => f.framework === framework && f.registrars.some((r) => r.wrapping === undefined && r.methods.has(method)));
}

function expand(facts: FileFacts, stack: AppStackFact, prefix: string | null, w: Walk, seen: Set<string>, inherited: Pick<StackEntryFact, 'condition' | 'positionUnknown'>, via: NodeMount[], until?: { at: number; route: RegistrationFact; receiver: string }): void {
  const key = `${facts.path}#${stack.name}`;
  if (seen.has(key)) {
    w.partial = true;
    return;
  }
  const inner = new Set([...seen, key]);
  const base = joinPaths(prefix, normalisePath(stack.basePath));
  for (const r of stack.registrations) {
    if (until !== undefined && r.range.start >= until.at) {
      // Copied at call time (hono `src/hono-base.ts` `route`): what comes later is not under the prefix.
      if (!r.positionUnknown && !until.route.positionUnknown && r.method !== 'include') w.uncopied.push({ filePath: facts.path, registration: r, receiver: `${facts.path}#${stack.name}`, route: until.route, routeReceiver: until.receiver });
      continue;
    }
    const path = joinPaths(base, normalisePath(r.path));
    const conditionKey = r.condition && `${facts.path}#${r.condition.id}`;
    let condition = inherited.condition;
    if (!condition && r.condition && conditionKey) {
      if (!w.conditions.has(conditionKey)) w.conditions.set(conditionKey, w.conditions.size + 1);
      condition = { id: w.conditions.get(conditionKey)!, branch: r.condition.branch };
    }
    if (r.positionUnknown) w.partial = true;
    const place = { ...(condition ? { condition } : {}), ...(inherited.positionUnknown || w.partial ? { positionUnknown: true } : {}) };
    // A stack whose framework is the includer's: only that framework's registering methods.
    if (stack.framework === undefined && r.method !== 'include' && !registersOn(w.framework, r.method)) continue;
    if (r.method === 'include') {
      const fn = r.layers[0];
      const found = fn?.module ? stackExported(facts, fn.module.source, fn.module.exported, w.lookup, r.receiverIndex ?? 0) : fn && fn.kind === 'reference' ? stackNamed(facts, fn.value, w.lookup, r.receiverIndex ?? 0) : undefined;
      if (!found) {
        // An unknown function took the app: nothing after this call is ordered.
        w.partial = true;
        w.gaps.push({ registration: r, index: w.out.length, filePath: facts.path, ...(via.length > 0 ? { via } : {}) });
        continue;
      }
      w.expanded.add(`${found.facts.path}#${found.stack.name}`);
      const receiver = `${found.facts.path}#${found.stack.name}`;
      expand(found.facts, found.stack, path, w, inner, place, [...via, { kind: 'include', receiver, registration: r, filePath: facts.path, path }]);
      continue;
    }
    let order = ++w.order;
    r.layers.forEach((layer, i) => {
      // A router or sub-app mounted here: its stack, under this path (Hono copies its routes now).
      const mounted =
        layer.receiver !== undefined
          ? stackNamed(facts, layer.receiver, w.lookup)
          : layer.module
            ? stackExported(facts, layer.module.source, layer.module.exported, w.lookup)
            : layer.kind === 'reference' && layer.unit === undefined
              ? stackNamed(facts, layer.value, w.lookup)
              : undefined;
      if (mounted && mounted.stack !== stack) {
        w.expanded.add(`${mounted.facts.path}#${mounted.stack.name}`);
        const copiedNow = r.method === 'route' && mounted.facts === facts ? { at: r.range.start, route: r, receiver: `${facts.path}#${stack.name}` } : undefined;
        const receiver = `${mounted.facts.path}#${mounted.stack.name}`;
        expand(mounted.facts, mounted.stack, path, w, inner, place, [...via, { kind: 'mount', receiver, registration: r, filePath: facts.path, path }], copiedNow);
        // The layers after it (`router.use('/x', sub.routes(), sub.allowedMethods())`) run after its stack.
        order = ++w.order;
        return;
      }
      // A layer running on a condition of its own (`some(...)`, `except(...)`) orders against nothing.
      w.out.push(entryOf(facts, stack, r, layer, i, layer.conditional ? null : path, order, place, w, via));
    });
  }
}

function entryOf(
  facts: FileFacts,
  stack: AppStackFact,
  r: RegistrationFact,
  layer: LayerFact,
  i: number,
  mountedPath: string | null,
  order: number,
  place: Pick<StackEntryFact, 'condition' | 'positionUnknown'>,
  { lookup, framework }: Walk,
  via: NodeMount[],
): NodeStackEntry {
  let path = mountedPath;
  const route = r.method !== 'use' && r.method !== 'apply' && r.method !== 'route';
  // A route on `/` answers the root only: `''` means every path, which only `use` filters and `*` routes match.
  if (route && path === '' && !(r.path ?? '').includes('*')) path = '/';
  const local = layer.unit !== undefined ? facts.units[layer.unit] : undefined;
  // A function of another module, also one that never imports its framework (a function candidate:
  // the variant this app's framework builds; a factory's only through a call, `app.use(logger())`).
  const binding = !local && (layer.kind === 'reference' || layer.kind === 'call') && layer.origin === undefined ? resolveBinding(facts, layer.value, lookup, new Set(), candidatesOf(framework, layer.kind === 'call')) : undefined;
  const unit = local ?? (binding?.kind === 'unit' ? binding.unit : undefined);
  const unitFile = local ? facts.path : binding?.kind === 'unit' ? binding.facts.path : undefined;
  const { known, source, name } = knownLayer(facts, layer);
  const fact: StackEntryFact = {
    // An inline function is a layer of its own, known or not: `reference` (never `unknown`, which is an unknown expression).
    kind: layer.kind === 'function' ? 'reference' : layer.kind,
    value: layer.value || (unit?.name ?? ''),
    range: layer.range,
    ...(layer.args !== undefined ? { args: layer.args } : {}),
    ...place,
  };
  const resolution: StackEntry['resolution'] = unit
    ? { kind: 'project', unit, filePath: unitFile! }
    : known || source !== undefined
      ? { kind: 'external', source: source!, name: name ?? '' }
      : { kind: 'unknown' };
  const accesses =
    resolution.kind === 'project'
      ? projectAccesses(resolution)
      : { sets: known?.sets ?? [], needs: (known?.needs ?? layer.reads ?? []).map((attribute) => ({ attribute })) };
  const identity = known ? `node:${known.id}` : unit ? `${unitFile}#${unit.range.start}` : `${facts.path}#${layer.kind}:${layer.value}`;
  const scope = `${r.method} ${path ?? '?'}`;
  const duplicateKey =
    route || fact.kind === 'unknown' || (layer.kind === 'call' && layer.args === undefined) ? `${facts.path}@${layer.range.start}` : `${scope} ${identity}${layer.kind === 'call' ? `(${layer.args})` : boundToPackageCall(layer) ? `=${layer.value}` : ''}`;
  const error = !route && (unit?.errorHandler !== undefined || known?.errorHandler === true);
  const receiverName = stack.role === 'parameter' ? '' : `${stack.name}.`;
  const registered = `${receiverName}${r.method}(${typeof r.path === 'string' ? `'${r.path}', ` : ''}…)`;
  const label = known && !boundToPackageCall(layer) ? known.label : layer.kind === 'call' ? `${layer.value}()` : layer.value || (unit && unit.name !== 'default' && !unit.name.endsWith('(…)') ? unit.name : registered);
  return {
    fact,
    filePath: facts.path,
    label,
    resolution,
    identity,
    duplicateKey,
    ...accesses,
    node: {
      framework: stack.framework ?? framework,
      kind: route ? 'route' : error ? 'error' : 'middleware',
      handler: route && i === r.layers.length - 1,
      method: r.method,
      ...(r.methods ? { methods: r.methods } : {}),
      path,
      registration: r,
      order,
      receiver: `${facts.path}#${stack.name}`,
      ...(known ? { known } : {}),
      ...(unit ? { unit } : {}),
      ...(via.length > 0 ? { via } : {}),
    },
  };
}

/**
 * An Express or Connect app that its module exports, or the function creating it returns, and that
 * is never started (`app.listen(...)`) may be a sub-app that other code mounts
 * (`app.use('/account', require('./account'))`), below layers this run does not see: it is judged
 * as a router is. (A Hono app is exported to be served.)
 */
function mayBeMounted(app: AppStackFact): boolean {
  const escapes = (app.exported ?? []).length > 0 || app.returned === true;
  return app.role === 'app' && (app.framework === 'express' || app.framework === 'connect') && escapes && app.listens !== true;
}

/**
 * A registration call as a text: `app.use(`, a route on a path (`router.get('/`), an include in place
 * (`require('./users')(app)`). A dormant module with one may hold a configure function.
 */
const REGISTRATION_CALL = /\.\s*use\s*\(|\.\s*(?:get|post|put|patch|delete|del|all|options|head|route)\s*\(\s*['"`]\/|\brequire\s*\([^()]*\)\s*\(/;
/** How many modules up a run looks for the app: `routes.js` included by `api.js`, mounted by `app.js`. */
const AROUND_DEPTH = 4;

/**
 * The files of the project around a run given few files (ESLint lints one) that hold the apps its
 * routers and configure functions are mounted in or included by, so that a layer registered in
 * `routes.js` is judged in the app's order whether or not `app.js` is given: for each given file
 * exporting a router or a function's parameter stack, the source files under its project root
 * that name a framework and the module at the end of a specifier (`'./routes'`, `'../api.js'`; its
 * folder for an index module), and those files' own includers in turn. The apps found are linked;
 * nothing is reported in their files. A dormant given file is analysed first when its text has a
 * registration call. Not looked for: the app mounting an exported app (`module.exports = app`,
 * written for tests, is everywhere; a sub-app is judged on its own unless its parent is given),
 * and an app behind a module that names no framework (`routes/index.js` only handing the app on).
 */
export function appStacksAround(sources: SearchSources, lookup: FactsLookup, host: SearchHost | undefined): FileFacts[] {
  if (!host?.listDirectory || sources.inputs.length > SEARCH_INPUTS) return [];
  // An exported app (`module.exports = app` for tests) is judged on its own: only routers and configure functions are looked for.
  const exportsStack = (facts: FileFacts | undefined) => facts?.appStacks?.some((s) => s.role !== 'app' && (s.exported ?? []).length > 0) ?? false;
  let wanted: FileFacts[] = [];
  for (const given of sources.inputs) {
    const facts = given.dormant && !given.fatal && REGISTRATION_CALL.test(sources.textOf(given.path) ?? '') ? lookup(given.path) : given;
    if (facts && exportsStack(facts)) wanted.push(facts);
  }
  const found = new Set<string>(sources.given);
  const out: FileFacts[] = [];
  for (let depth = 0; depth < AROUND_DEPTH && wanted.length > 0; depth++) {
    const next: FileFacts[] = [];
    for (const [root, files] of groupBy(wanted, (f) => projectRoot(f.path))) {
      // The module named at the end of a specifier: `'./routes'`, `"../api.js"`, `'@/routes/index'`.
      const stems = [...new Set(files.map((f) => moduleStem(f.path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))];
      const named = new RegExp(`[/'"\`](?:${stems.join('|')})(?:/index)?(?:\\.[cm]?[jt]sx?)?['"\`]`);
      for (const path of frameworkFilesUnder(root, host, sources.textOf)) {
        if (found.has(path) || !named.test(sources.textOf(path) ?? '')) continue;
        found.add(path);
        const facts = lookup(path);
        if (!facts?.appStacks) continue;
        out.push(facts);
        if (exportsStack(facts)) next.push(facts);
      }
    }
    wanted = next;
  }
  return out;
}

/**
 * The Node stacks of a run: each app of the given files with everything it mounts and includes,
 * then each router or configure function no app of the run reaches, on its own. The apps of the
 * files `around` (appStacksAround) are walked too, so that what they reach is judged in them.
 */
export function linkAppStacks(allFacts: FileFacts[], lookup: FactsLookup, around: readonly FileFacts[] = []): Stack[] {
  const stacks: Stack[] = [];
  const expanded = new Set<string>();
  const build = (facts: FileFacts, app: AppStackFact & { framework: Framework }): Stack => {
    const w: Walk = { framework: app.framework, lookup, out: [], expanded, order: 0, conditions: new Map(), partial: false, gaps: [], uncopied: [] };
    expand(facts, app, '', w, new Set(), {}, []);
    return {
      setting: app.name,
      filePath: facts.path,
      nameRange: app.nameRange,
      entries: w.out,
      open: w.partial || w.out.some((e) => e.fact.kind === 'unknown'),
      final: true,
      constants: {},
      framework: app.framework,
      appRole: mayBeMounted(app) ? 'router' : app.role,
      ...(w.gaps.length > 0 ? { gaps: w.gaps } : {}),
      ...(w.uncopied.length > 0 ? { uncopied: w.uncopied } : {}),
    };
  };
  // A stack without a framework (a function's parameter in a module that imports none) is judged only where an app includes it.
  const framed = (s: AppStackFact): s is AppStackFact & { framework: Framework } => s.framework !== undefined;
  for (const facts of [...allFacts, ...around]) for (const app of facts.appStacks ?? []) if (app.role === 'app' && framed(app)) stacks.push(build(facts, app));
  for (const facts of allFacts) {
    for (const app of facts.appStacks ?? []) {
      if (app.role === 'app' || !framed(app) || expanded.has(`${facts.path}#${app.name}`)) continue;
      stacks.push(build(facts, app));
    }
  }
  // An app mounted into another app of the run (`app.use('/admin', admin)`) is judged there.
  return stacks.filter((s) => !expanded.has(`${s.filePath}#${s.setting}`));
}
