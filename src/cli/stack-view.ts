import { createColors } from 'picocolors';
import { BUILTINS } from '../knowledge/django.js';
import { NODE_MIDDLEWARE } from '../knowledge/node.js';
import type { NodeMount, NodeStackEntry } from '../link/app-stacks.js';
import type { Stack, StackEntry } from '../link/stacks.js';
import type { Diagnostic, Framework } from '../model.js';
import { LineIndex } from '../text.js';
import { displayPath } from './files.js';

type Origin = { kind: 'built-in' | 'project' | 'external' | 'unresolved' | 'unknown'; file?: string; line?: number; source?: string };
type Problem = { ruleId: string | null; severity: 'error' | 'warning'; message: string };

export interface Layer {
  index: number;
  label: string;
  entry: string;
  origin: Origin;
  sets: string[];
  needs: string[];
  hooks: string[];
  conditional: boolean;
  problems: Problem[];
}

export interface OnionPicture {
  setting: string;
  file: string;
  line: number;
  layers: Layer[];
  /** Problems of the stack as a whole (reported at its name). */
  problems: Layer['problems'];
  /** Hook order as Django runs them. */
  processView: string[];
  processException: string[];
  processTemplateResponse: string[];
}

const HOOK_NAMES = {
  processView: 'process_view',
  processException: 'process_exception',
  processTemplateResponse: 'process_template_response',
  processRequest: 'process_request',
  processResponse: 'process_response',
} as const;

function hooksOf(entry: StackEntry): string[] {
  const r = entry.resolution;
  if (r.kind === 'project') return Object.keys(r.unit.hooks);
  if (r.kind === 'builtin' || (r.kind === 'external' && r.known)) return [...(r.known?.hooks ?? [])];
  return [];
}

/** The 1-based line of an offset in a file, each file indexed once. */
function lineFinder(textOf: (path: string) => string | undefined): (file: string, offset: number) => number {
  const indexes = new Map<string, LineIndex | undefined>();
  return (file, offset) => {
    if (!indexes.has(file)) {
      const text = textOf(file);
      indexes.set(file, text === undefined ? undefined : new LineIndex(text));
    }
    return indexes.get(file)?.position(offset).line ?? 0;
  };
}

const problemOf = (d: Diagnostic): Problem => ({ ruleId: d.ruleId, severity: d.severity === 2 ? 'error' : 'warning', message: d.message });

/** Needs worth drawing: what some layer of the stack, or some known middleware, sets (`request.path` comes from the server, not the onion). */
function drawnNeeds(entry: StackEntry, setHere: Set<string>, known: Array<{ sets: readonly string[] }>): string[] {
  return entry.needs.map((n) => n.attribute).filter((a) => setHere.has(a) || known.some((b) => b.sets.includes(a)));
}

/** Builds the picture of one stack: each layer with its origin, what it sets and needs, its problems. */
export function buildPicture(stack: Stack, diagnostics: Diagnostic[], textOf: (path: string) => string | undefined, cwd: string): OnionPicture {
  const lineIn = lineFinder(textOf);
  const problem = problemOf;
  const used = new Set<Diagnostic>();
  // A read of what no layer sets (request.path, request.headers) comes from the server, not the onion.
  const setHere = new Set(stack.entries.flatMap((e) => e.sets));
  const layers: Layer[] = stack.entries.map((entry, i) => {
    const r = entry.resolution;
    const origin: Layer['origin'] =
      r.kind === 'builtin'
        ? // The knowledge base also describes packages (django-cors-headers, WhiteNoise): they are not Django's own.
          r.known.path.startsWith('django.')
          ? { kind: 'built-in' }
          : { kind: 'external', source: r.known.path.split('.')[0]! }
        : r.kind === 'project'
          ? { kind: 'project', file: displayPath(r.filePath, cwd), line: lineIn(r.filePath, r.unit.nameRange.start) }
          : r.kind === 'external'
            ? { kind: 'external', source: r.source }
            : r.kind === 'unresolved'
              ? { kind: 'unresolved' }
              : { kind: 'unknown' };
    const mine = diagnostics.filter((d) => d.filePath === entry.filePath && d.range.start >= entry.fact.range.start && d.range.start < entry.fact.range.end);
    for (const d of mine) used.add(d);
    return {
      index: i + 1,
      label: entry.label,
      entry: entry.fact.value,
      origin,
      sets: entry.sets,
      needs: drawnNeeds(entry, setHere, BUILTINS),
      hooks: hooksOf(entry),
      conditional: entry.fact.condition !== undefined,
      problems: mine.map(problem),
    };
  });
  const withHook = (hook: keyof typeof HOOK_NAMES) => layers.filter((l) => l.hooks.includes(hook)).map((l) => `${l.index} ${l.label}`);
  return {
    setting: stack.setting,
    file: displayPath(stack.filePath, cwd),
    line: lineIn(stack.filePath, stack.nameRange.start),
    layers,
    problems: diagnostics.filter((d) => !used.has(d) && d.filePath === stack.filePath && d.range.start >= stack.nameRange.start && d.range.start < stack.nameRange.end).map(problem),
    processView: withHook('processView'),
    processException: withHook('processException').reverse(),
    processTemplateResponse: withHook('processTemplateResponse').reverse(),
  };
}

type Colors = ReturnType<typeof createColors>;

function originText(origin: Origin): string {
  if (origin.kind === 'project') return origin.file ? `${origin.file}:${origin.line}` : `project (${origin.source})`;
  if (origin.kind === 'external') return `external (${origin.source})`;
  return origin.kind;
}

const problemLine = (c: Colors, pr: Problem) => `${pr.severity === 'error' ? c.red('✖') : c.yellow('⚠')} ${pr.message} ${c.dim(pr.ruleId ?? '')}`;

/** A layer's name, red when the rules report an error on it. */
const layerName = (c: Colors, label: string, width: number, problems: Problem[]) => (problems.some((x) => x.severity === 'error') ? c.red(label.padEnd(width)) : label.padEnd(width));

/** The onion in the terminal: the request going down through each layer, the response coming back up. */
export function renderPicture(p: OnionPicture, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  out.push(c.bold(`${p.setting}`) + c.dim(`  ${p.file}:${p.line}  ${p.layers.length} layer${p.layers.length === 1 ? '' : 's'}`));
  for (const pr of p.problems) out.push(`  ${problemLine(c, pr)}`);
  out.push('');
  const width = Math.max(12, ...p.layers.map((l) => l.label.length));
  out.push(c.dim(`     request ↓${' '.repeat(width + 14)}↑ response`));
  for (const layer of p.layers) {
    out.push(`  ${String(layer.index).padStart(2)} │ ${layerName(c, layer.label, width, layer.problems)}  ${c.dim(originText(layer.origin))}${layer.conditional ? c.dim('  (in some configurations)') : ''}`);
    const facts: string[] = [];
    if (layer.sets.length) facts.push(`sets request.${layer.sets.join(', request.')}`);
    if (layer.needs.length) facts.push(`needs request.${layer.needs.join(', request.')}`);
    if (layer.hooks.length) facts.push(`hooks: ${layer.hooks.map((h) => HOOK_NAMES[h as keyof typeof HOOK_NAMES] ?? h).join(', ')}`);
    if (facts.length) out.push(`     │ ${' '.repeat(2)}${c.dim(facts.join(' · '))}`);
    for (const pr of layer.problems) out.push(`     │   ${problemLine(c, pr)}`);
  }
  out.push(`     │ ${c.bold('the view')}`);
  out.push(c.dim(`     └─ the request half of each layer runs top-down (1 → ${p.layers.length}); the response half bottom-up (${p.layers.length} → 1)`));
  out.push('');
  out.push(`process_view (top-down, after URL resolution, before the view): ${p.processView.join(' → ') || 'none'}`);
  out.push(`process_exception (bottom-up, when the view raises): ${p.processException.join(' → ') || 'none'}`);
  out.push(`process_template_response (bottom-up, for responses with render()): ${p.processTemplateResponse.join(' → ') || 'none'}`);
  return `${out.join('\n')}\n`;
}

/** Where a Node layer was reached from: a router or sub-app mounted, or a function handed the app. */
export interface NodeMountView {
  kind: 'mount' | 'include';
  /** The router's, sub-app's or function's name (`api`, `configure`). */
  name: string;
  /** The file it is declared in. */
  file: string;
  /** The call that mounts or includes it (`app.use('/api', api)`, `configure(app)`): its file and line. */
  at: { file: string; line: number };
  /** The path filter of everything under it, after mounts: `''` every path, `null` unreadable. */
  path: string | null;
}

export interface NodeLayer {
  /** Its place in the stack (1-based), as the framework runs it unless `positionUnknown`. */
  index: number;
  label: string;
  /** The layer as written (`passport.session`, `auth`); empty for an inline function. */
  entry: string;
  /** `middleware`, `route` (a layer of `app.get(path, ...)`) or `error` (an Express/Connect error handler). */
  kind: 'middleware' | 'route' | 'error';
  /** The last layer of a route: its handler. */
  handler: boolean;
  /** The registering method: `use`, `apply`, or the HTTP method(s) upper case (`GET`, `ALL`, `GET|POST`). */
  method: string;
  /** The path filter after mounts: `''` every path, `null` when it cannot be read. */
  path: string | null;
  origin: Origin;
  sets: string[];
  needs: string[];
  /** Registered only in some configurations (under an `if`). */
  conditional: boolean;
  /** Its place cannot be proven (a loop, a callback, or after a call the linter could not follow): it is ordered against nothing. */
  positionUnknown: boolean;
  /** The mounts it was reached through, outermost first (empty: registered on the app itself). */
  mounts: NodeMountView[];
  problems: Problem[];
}

/** A call handing the app to a function the linter could not follow: what it registers, and where, is unknown. */
export interface NodeGapView {
  call: string;
  file: string;
  line: number;
  /** How many layers come before it. */
  after: number;
  mounts: NodeMountView[];
}

export interface NodeAppPicture {
  /** The app's or router's variable. */
  app: string;
  framework: Framework;
  /** `onion`: each layer wraps the ones below it (Koa, Hono); `line`: the first layer that answers ends the walk (Express, Connect, NestJS). */
  model: 'onion' | 'line';
  file: string;
  line: number;
  /** Some registration's place is unknown: the layers marked `positionUnknown` are not ordered. */
  partial: boolean;
  layers: NodeLayer[];
  gaps: NodeGapView[];
  /** Problems of the app as a whole (reported at its name). */
  problems: Problem[];
}

const FRAMEWORK_NAMES: Record<Framework, string> = { express: 'Express', connect: 'Connect', nest: 'NestJS', koa: 'Koa', hono: 'Hono', trpc: 'tRPC', alexi: 'Alexi' };
/** The frameworks that run a stack as a line (the first match answers; `next()` passes on). */
const LINEAR: readonly Framework[] = ['express', 'connect', 'nest'];
/** How a handler names the request its attributes are read from. */
const REQUEST_NAMES: Partial<Record<Framework, string>> = { koa: 'ctx', hono: 'c' };

/** `<file>#<name>` (or `<file>#<function>#<parameter>`) → the file and the name. */
function receiverParts(receiver: string): { file: string; name: string } {
  const stripped = receiver.replace(/#\d+$/, '');
  const hash = stripped.lastIndexOf('#');
  return { file: stripped.slice(0, hash), name: stripped.slice(hash + 1) };
}

/** The method column: `use`, `apply`, `GET`, `ALL`, `GET|POST`. */
function methodOf(method: string, methods: string[] | undefined): string {
  if (methods && methods.length > 0) return methods.join('|');
  return method === 'use' || method === 'apply' || method === 'route' ? method : method.toUpperCase();
}

/** Builds the picture of a Node app's stack: its layers in the order the framework runs them, with mounts, filters and problems. */
export function buildNodePicture(stack: Stack, diagnostics: Diagnostic[], textOf: (path: string) => string | undefined, cwd: string): NodeAppPicture {
  const framework = stack.framework!;
  const lineIn = lineFinder(textOf);
  const entries = stack.entries as NodeStackEntry[];
  const within = (d: Diagnostic, file: string, range: { start: number; end: number }) => d.filePath === file && d.range.start >= range.start && d.range.start < range.end;
  const mountView = (m: NodeMount): NodeMountView => ({
    kind: m.kind,
    name: receiverParts(m.receiver).name,
    file: displayPath(receiverParts(m.receiver).file, cwd),
    at: { file: displayPath(m.filePath, cwd), line: lineIn(m.filePath, m.registration.range.start) },
    path: m.path,
  });
  const used = new Set<Diagnostic>();
  // A problem reported at a registration (`app.use(...)`) rather than at one of its layers goes to its first layer.
  const atLayers = new Set(diagnostics.filter((d) => entries.some((e) => within(d, e.filePath, e.fact.range))));
  const setHere = new Set(entries.flatMap((e) => e.sets));
  const layers = entries.map((entry, i): NodeLayer => {
    const { node, resolution: r } = entry;
    const layer = node.registration.layers.find((l) => l.range.start === entry.fact.range.start);
    const inline = layer?.kind === 'function';
    const origin: Origin =
      r.kind === 'project'
        ? { kind: 'project', file: displayPath(r.filePath, cwd), line: lineIn(r.filePath, r.unit.nameRange.start) }
        : r.kind === 'external'
          ? // A module of the project that was not analysed (its layer is no unit the link step resolved).
            /^[./]/.test(r.source)
            ? { kind: 'project', source: r.source }
            : { kind: 'external', source: r.source }
          : inline
            ? { kind: 'project', file: displayPath(entry.filePath, cwd), line: lineIn(entry.filePath, entry.fact.range.start) }
            : { kind: 'unknown' };
    const first = entries.findIndex((e) => e.node.registration === node.registration) === i;
    const mine = diagnostics.filter(
      (d) =>
        within(d, entry.filePath, entry.fact.range) ||
        (first && !atLayers.has(d) && within(d, entry.filePath, node.registration.range)) ||
        // The layer is project code: what the rules report in it is a problem of this layer.
        (r.kind === 'project' && within(d, r.filePath, r.unit.range)),
    );
    for (const d of mine) used.add(d);
    const named = node.unit && !/[(#]/.test(node.unit.name) && node.unit.name !== 'default' ? node.unit.name : undefined;
    return {
      index: i + 1,
      label: node.known ? node.known.label : inline ? (named ?? (node.handler ? '(handler)' : '(inline)')) : entry.label,
      entry: entry.fact.value,
      kind: node.kind,
      handler: node.handler,
      method: methodOf(node.method, node.methods),
      path: node.path,
      origin,
      sets: entry.sets,
      needs: drawnNeeds(entry, setHere, NODE_MIDDLEWARE),
      conditional: entry.fact.condition !== undefined,
      positionUnknown: entry.fact.positionUnknown === true,
      mounts: (node.via ?? []).map(mountView),
      problems: mine.map(problemOf),
    };
  });
  return {
    app: stack.setting.replace(/#\d+$/, ''),
    framework,
    model: LINEAR.includes(framework) ? 'line' : 'onion',
    file: displayPath(stack.filePath, cwd),
    line: lineIn(stack.filePath, stack.nameRange.start),
    partial: layers.some((l) => l.positionUnknown) || (stack.gaps?.length ?? 0) > 0,
    layers,
    gaps: (stack.gaps ?? []).map((g) => ({
      call: `${g.registration.layers[0]?.value || 'a function'}(…)`,
      file: displayPath(g.filePath, cwd),
      line: lineIn(g.filePath, g.registration.range.start),
      after: g.index,
      mounts: (g.via ?? []).map(mountView),
    })),
    // Reported at the app's name (a stack built from a parameter, `configure(consumer)`, is named by its whole file: nothing else in it counts).
    problems: diagnostics.filter((d) => !used.has(d) && d.filePath === stack.filePath && d.range.start === stack.nameRange.start && d.range.end <= stack.nameRange.end).map(problemOf),
  };
}

/** The filter column: `use` (every path), `use /api`, `GET /users/:id`; `?` for a path that cannot be read. */
function filterOf(l: { method: string; path: string | null }, route: boolean): string {
  const path = l.path === null ? '?' : l.path === '' && route ? '*' : l.path;
  return path === '' ? l.method : `${l.method} ${path}`;
}

const mountKey = (m: NodeMountView) => `${m.kind} ${m.file} ${m.name} ${m.at.file}:${m.at.line}`;

/**
 * A Node app in the terminal: an onion for Koa and Hono (each layer wraps the ones below it), a
 * line for Express, Connect and NestJS (the first layer that answers ends the walk). A router's
 * layers are indented under its mount.
 */
export function renderNodePicture(p: NodeAppPicture, color: boolean): string {
  const c = createColors(color);
  const name = FRAMEWORK_NAMES[p.framework];
  const req = REQUEST_NAMES[p.framework] ?? 'req';
  const out: string[] = [];
  out.push(
    c.bold(p.app) +
      c.dim(`  ${p.file}:${p.line}  ${name} ${p.model === 'onion' ? 'onion' : 'line'}, ${p.layers.length} layer${p.layers.length === 1 ? '' : 's'}${p.partial ? ', order partly unknown' : ''}`),
  );
  for (const pr of p.problems) out.push(`  ${problemLine(c, pr)}`);
  out.push('');
  const filterWidth = Math.max(6, ...p.layers.map((l) => filterOf(l, l.kind === 'route').length + 2 * l.mounts.length));
  const labelWidth = Math.max(12, ...p.layers.map((l) => l.label.length));
  out.push(c.dim(p.model === 'onion' ? `     request ↓${' '.repeat(filterWidth + labelWidth + 4)}↑ response` : '     request ↓'));
  let open: NodeMountView[] = [];
  const bar = (depth: number) => '│ '.repeat(depth);
  /** Closes the mounts that `mounts` is not under, and opens its own. */
  const enter = (mounts: NodeMountView[]) => {
    let same = 0;
    while (same < open.length && same < mounts.length && mountKey(open[same]!) === mountKey(mounts[same]!)) same++;
    for (let depth = open.length - 1; depth >= same; depth--) out.push(`     │ ${bar(depth)}└`);
    for (let depth = same; depth < mounts.length; depth++) {
      const m = mounts[depth]!;
      const head =
        m.kind === 'mount'
          ? `${m.name} (${m.file}) on ${m.path === '' ? 'every path' : (m.path ?? 'a path that cannot be read')}, mounted at ${m.at.file}:${m.at.line}`
          : `${m.name}(…) (${m.file}), called at ${m.at.file}:${m.at.line}: its registrations in place`;
      out.push(`     │ ${bar(depth)}┌ ${c.cyan(head)}`);
    }
    open = mounts;
  };
  const gapLines = (after: number) => {
    for (const g of p.gaps.filter((x) => x.after === after)) {
      enter(g.mounts);
      out.push(`   ${c.yellow('?')} │ ${bar(g.mounts.length)}${c.yellow(`${g.call} at ${g.file}:${g.line}`)}${c.dim(' — a function the linter cannot follow takes the app: what it registers is unknown, and nothing below is ordered')}`);
    }
  };
  p.layers.forEach((layer, i) => {
    gapLines(i);
    enter(layer.mounts);
    const depth = layer.mounts.length;
    const index = layer.positionUnknown ? c.yellow(' ?') : String(layer.index).padStart(2);
    const filter = filterOf(layer, layer.kind === 'route').padEnd(filterWidth - 2 * depth);
    const tags = [layer.kind === 'error' ? 'error handler' : '', layer.conditional ? 'in some configurations' : '', layer.positionUnknown ? 'position unknown' : ''].filter(Boolean);
    out.push(`  ${index} │ ${bar(depth)}${filter}  ${layerName(c, layer.label, labelWidth, layer.problems)}  ${c.dim(originText(layer.origin))}${tags.length ? c.dim(`  (${tags.join(', ')})`) : ''}`);
    const facts: string[] = [];
    if (layer.sets.length) facts.push(`sets ${req}.${layer.sets.join(`, ${req}.`)}`);
    if (layer.needs.length) facts.push(`needs ${req}.${layer.needs.join(`, ${req}.`)}`);
    if (facts.length) out.push(`     │ ${bar(depth)}  ${c.dim(facts.join(' · '))}`);
    for (const pr of layer.problems) out.push(`     │ ${bar(depth)}  ${problemLine(c, pr)}`);
  });
  gapLines(p.layers.length);
  enter([]);
  const n = p.layers.length;
  if (p.model === 'onion') {
    out.push(c.dim(`     └─ each layer runs down to \`await next()\`, the layers below it run, then it resumes on the way back up (1 → ${n}, then ${n} → 1); path filters skip a layer`));
  } else if (p.framework === 'nest') {
    out.push(c.dim(`     └─ the layers whose path matches run top-down; \`next()\` passes the request on (1 → ${n}), then the controller's route handler answers`));
  } else {
    out.push(c.dim(`     └─ the first layer whose method and path match runs; \`next()\` passes the request on (1 → ${n}) and \`next(err)\` on to the error handlers below; when none answers, ${name} sends 404`));
  }
  if (p.partial) out.push(c.dim('     ? a layer whose place cannot be proven (a loop, a callback, or after a call the linter cannot follow): it is ordered against nothing'));
  return `${out.join('\n')}\n`;
}
