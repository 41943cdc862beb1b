import type { NodeStackEntry } from '../src/link/app-stacks.js';
import type { StackContext } from '../src/link/stacks.js';
import type { Fix, FunctionSummary } from '../src/model.js';
import type { RuleContextBase } from '../src/rules/api.js';
import { coexist, covers, mayOverlap, moveStatementAbove, moveStatementBelow, orderedNodeEntries, registeredAt, registrationLabel, runsBefore } from '../src/rules/app-stack.js';
import { defineSettingsRule } from '../src/rules/stack-helpers.js';

type Messages = 'errorHandlerAbove' | 'catchAllAboveRoutes' | 'koaCatcherBelow' | 'honoCatcherBelow' | 'moveBelow' | 'moveAbove';

/**
 * Where an error handler works (issue 12). Express and Connect hand an error only to the error
 * handlers registered after the layer that raised it; a 404 catch-all answers every request it
 * sees, so routes below it never run; a Koa catcher (`try { await next() } catch`) sees only the
 * layers below it; Hono answers a route before middleware registered after it runs.
 */
export default defineSettingsRule({
  meta: {
    id: 'error-handler-position',
    description: 'Error handlers are registered where they see the errors they handle; a 404 catch-all below the routes.',
    scope: 'stack',
    severity: 'error',
    recommended: true,
    fixable: true,
    hasSuggestions: true,
    contracts: ['linear', 'onion'],
    messages: {
      errorHandlerAbove:
        '`{{name}}` is an error handler, but `{{other}}` runs after it ({{here}} vs {{there}}) and no error handler after that one can see its errors: {{framework}} passes an error only to the error handlers registered after the layer that raised it, so errors from `{{other}}` skip `{{name}}` and reach the default handler (a 500 with the stack trace outside production). Register `{{name}}` after {{last}}.',
      catchAllAboveRoutes:
        '`{{name}}` answers every request it sees and never calls `next()`, but it runs before `{{other}}` ({{here}} vs {{there}}){{more}}: {{those}}, and their requests get this response instead. Register `{{name}}` after the routes, at the end of the stack.',
      koaCatcherBelow:
        '`{{name}}` ({{here}}) catches the errors of the layers below it, but `{{other}}`, registered above it ({{there}}), {{why}}: those requests never reach the catcher, and errors thrown there bypass it and go to Koa\'s default handler (a plain `Internal Server Error`, logged by `app.on(\'error\')`). Register `{{name}}` first, above the layers whose errors it should catch, as Koa\'s error-handling guide does.',
      honoCatcherBelow:
        '`{{name}}` catches errors around `next()`, but `{{other}}` is registered above it on its path ({{there}} vs {{here}}): Hono runs layers in registration order, so that handler answers its requests before `{{name}}` runs and its errors go to `app.onError`. Handle errors in `app.onError(...)` (Hono passes a handler\'s error there instead of rejecting `next()`), or read `c.error` after `await next()` in middleware registered above the routes.',
      moveBelow: 'Move the registration of `{{name}}` below that of `{{last}}`.',
      moveAbove: 'Move the registration of `{{name}}` above that of `{{other}}`.',
    },
  },
  check(ctx) {
    if (ctx.stack.framework === undefined) return;
    // `app.param(name, fn)` callbacks run inside the routes that use the parameter: no place of their own.
    const layer = (e: NodeStackEntry) => e.node.method !== 'param';
    const entries = orderedNodeEntries(ctx).filter(layer);
    if (entries.length === 0) return;
    const all = ctx.stack.entries.filter((e): e is NodeStackEntry => e.node !== undefined).filter(layer);
    const framework = entries[0]!.node.framework;
    if (framework === 'express' || framework === 'connect' || framework === 'nest') {
      linearErrorHandlers(ctx, entries, all);
      catchAlls(ctx, entries);
    } else if (framework === 'koa') koaCatchers(ctx, entries);
    else if (framework === 'hono') honoCatchers(ctx, entries);
  },
});

type Ctx = StackContext & RuleContextBase<Messages>;

const FRAMEWORK_NAMES: Record<string, string> = { express: 'Express', connect: 'Connect', nest: 'Express (under Nest)' };

/**
 * How a message names an entry: a route by its registration (`app.get('/me', …)`, with its full path
 * when a mount adds to it), a layer by its name.
 */
function nameOf(ctx: Ctx, entry: NodeStackEntry): string {
  if (entry.node.kind !== 'route' && !entry.label.endsWith('(…)') && entry.label !== '') return entry.label;
  const label = registrationLabel(ctx, entry);
  const { path, receiver } = entry.node;
  const mounted = receiver !== `${ctx.stack.filePath}#${ctx.stack.setting}`;
  return mounted && path !== null && path !== '' && path !== entry.node.registration.path ? `${label}\` on \`${path}` : label;
}

/** Where a move puts a layer: after `last` itself, or after the mount of the router that holds it. */
function afterWhat(ctx: Ctx, moving: NodeStackEntry, last: NodeStackEntry): string {
  const name = `\`${nameOf(ctx, last)}\``;
  return last.node.receiver === moving.node.receiver ? name : `the registration that mounts ${name}`;
}

/** The project function a layer is, with its summary. */
function summaryOf(entry: NodeStackEntry): FunctionSummary | undefined {
  return entry.node.unit?.kind === 'function' ? entry.node.unit.handler : undefined;
}

/**
 * Express/Connect: a layer that may handle errors — an error handler, or a layer nothing is known
 * of (an unresolved function, a package the knowledge base does not describe).
 */
function mayHandleErrors(entry: NodeStackEntry): boolean {
  if (entry.node.kind === 'error') return true;
  if (entry.node.unit) return entry.node.unit.errorHandler !== undefined;
  if (entry.node.known) return entry.node.known.errorHandler === true;
  // An unknown route layer runs only for its own route: it is not held against the layers before it.
  return entry.node.kind !== 'route';
}

/**
 * Express/Connect: a project middleware that answers every request it sees: it never refers to
 * `next`, and every path through it sends a response (a 404 handler, a catch-all fallback).
 */
function answersEverything(entry: NodeStackEntry): boolean {
  if (entry.node.kind !== 'middleware' || entry.node.unit?.contract !== 'linear') return false;
  const h = summaryOf(entry);
  if (!h || h.nextReferenced || (h.responseSends ?? []).length === 0) return false;
  const ends = h.exits.filter((x) => x.kind !== 'throw');
  return ends.length > 0 && ends.every((x) => x.completions !== undefined && x.completions.length > 0 && !x.completions.includes(0));
}

/** The fix moving `moving` below `anchor`: a fix when the statements are adjacent, else a suggestion. */
function moveDown(ctx: Ctx, moving: NodeStackEntry, anchor: NodeStackEntry, data: Record<string, string>): { fix?: Fix; suggest?: Array<{ messageId: Messages; data: Record<string, string>; fix: Fix }> } {
  const text = ctx.textOf(moving.filePath);
  if (!text) return {};
  const fix = moveStatementBelow(text, moving, anchor, true);
  if (fix) return { fix };
  const suggestion = moveStatementBelow(text, moving, anchor, false);
  return suggestion ? { suggest: [{ messageId: 'moveBelow', data, fix: suggestion }] } : {};
}

/**
 * Express/Connect: an error handler with routes or middleware registered below it on the requests it
 * covers, whose errors no error handler registered after them can see.
 */
function linearErrorHandlers(ctx: Ctx, entries: NodeStackEntry[], all: NodeStackEntry[]): void {
  const reported = new Set<object>();
  for (const handler of entries) {
    // One report per registration (`app.use(logErrors, errorHandler)`): its statement moves as a whole.
    if (handler.node.kind !== 'error' || reported.has(handler.node.registration)) continue;
    const unseen = entries.filter(
      (layer) =>
        // A layer that may itself be an error handler (an unknown one) is no layer it fails to see.
        !mayHandleErrors(layer) &&
        runsBefore(handler, layer) &&
        covers(handler, layer) &&
        coexist(handler, layer) &&
        // A 404 handler last (on every path: a catch-all `use`, or `app.all('*', …)`) is what some
        // examples do; its own errors are rare.
        !(layer.node.path === '' && (answersEverything(layer) || (layer.node.kind === 'route' && layer.node.method === 'all'))) &&
        !all.some((later) => later !== layer && mayHandleErrors(later) && coexist(later, layer) && mayOverlap(later, layer) && (later.fact.positionUnknown || runsBefore(layer, later))),
    );
    if (unseen.length === 0) continue;
    reported.add(handler.node.registration);
    reportMovingDown(ctx, 'errorHandlerAbove', handler, unseen, (last) => ({ last: afterWhat(ctx, handler, last), framework: FRAMEWORK_NAMES[handler.node.framework] ?? 'Express' }));
  }
}

/**
 * Reports `moving` (registered above `offenders`, in stack order), naming the first offender, with
 * the move of its statement below the last one.
 */
function reportMovingDown(ctx: Ctx, messageId: Messages, moving: NodeStackEntry, offenders: NodeStackEntry[], extra: (last: NodeStackEntry) => Record<string, string>): void {
  const first = offenders[0]!;
  const last = offenders[offenders.length - 1]!;
  const name = nameOf(ctx, moving);
  ctx.report({
    messageId,
    data: { name, other: nameOf(ctx, first), here: registeredAt(ctx, moving, moving.filePath), there: registeredAt(ctx, first, moving.filePath), ...extra(last) },
    range: moving.fact.range,
    filePath: moving.filePath,
    ...moveDown(ctx, moving, last, { name, last: nameOf(ctx, last) }),
  });
}

/** Express/Connect: a catch-all that answers every request, registered above routes it covers. */
function catchAlls(ctx: Ctx, entries: NodeStackEntry[]): void {
  for (const catchAll of entries) {
    // A catch-all in one configuration only may be meant to close the app (maintenance mode).
    if (catchAll.fact.condition || !answersEverything(catchAll)) continue;
    const routes = entries.filter((r) => r.node.kind === 'route' && r.node.handler && runsBefore(catchAll, r) && covers(catchAll, r));
    if (routes.length === 0) continue;
    reportMovingDown(ctx, 'catchAllAboveRoutes', catchAll, routes, () => ({
      more: routes.length > 1 ? ` and ${routes.length - 1} more route${routes.length > 2 ? 's' : ''}` : '',
      those: routes.length > 1 ? 'those routes never run' : 'that route never runs',
    }));
  }
}

/** Koa: a layer that may catch the errors of what is below it: a catcher, or a layer nothing is known of. */
function mayCatch(entry: NodeStackEntry): boolean {
  if (entry.node.unit) return summaryOf(entry)?.catchesNext !== undefined || entry.node.unit.kind !== 'function';
  if (entry.node.known) return entry.node.known.errorHandler === true;
  return entry.node.kind !== 'route';
}

/**
 * Koa: a catcher registered below a route of a mounted router, or below a project layer that
 * answers without ever calling `next()`, when no layer above that one may catch its errors.
 */
function koaCatchers(ctx: Ctx, entries: NodeStackEntry[]): void {
  for (const catcher of entries) {
    if (catcher.node.kind !== 'middleware' || summaryOf(catcher)?.catchesNext === undefined) continue;
    const above = entries.find((layer) => {
      if (layer === catcher || !runsBefore(layer, catcher) || !covers(catcher, layer) || !coexist(layer, catcher)) return false;
      const answers = layer.node.kind === 'route' ? layer.node.handler : summaryOf(layer)?.nextReferenced === false;
      if (!answers) return false;
      return !entries.some((x) => x !== catcher && x !== layer && mayCatch(x) && runsBefore(x, layer) && mayOverlap(x, layer) && coexist(x, layer));
    });
    if (!above) continue;
    const text = ctx.textOf(catcher.filePath);
    const name = nameOf(ctx, catcher);
    const other = nameOf(ctx, above);
    const fix = text ? moveStatementAbove(text, catcher, above, true) : undefined;
    const suggestion = !fix && text ? moveStatementAbove(text, catcher, above, false) : undefined;
    ctx.report({
      messageId: 'koaCatcherBelow',
      data: {
        name,
        other,
        here: registeredAt(ctx, catcher, catcher.filePath),
        there: registeredAt(ctx, above, catcher.filePath),
        why: above.node.kind === 'route' ? 'answers its requests itself' : 'answers without ever calling `next()`',
      },
      range: catcher.fact.range,
      filePath: catcher.filePath,
      ...(fix ? { fix } : {}),
      ...(suggestion ? { suggest: [{ messageId: 'moveAbove', data: { name, other }, fix: suggestion }] } : {}),
    });
  }
}

/** Hono: a catcher registered below a route handler on its path: the handler answers first. */
function honoCatchers(ctx: Ctx, entries: NodeStackEntry[]): void {
  for (const catcher of entries) {
    if (catcher.node.kind !== 'middleware' || summaryOf(catcher)?.catchesNext === undefined) continue;
    const route = entries.find((r) => r.node.kind === 'route' && r.node.handler && summaryOf(r)?.nextReferenced === false && runsBefore(r, catcher) && covers(catcher, r) && coexist(r, catcher));
    if (!route) continue;
    ctx.report({
      messageId: 'honoCatcherBelow',
      data: { name: nameOf(ctx, catcher), other: nameOf(ctx, route), here: registeredAt(ctx, catcher, catcher.filePath), there: registeredAt(ctx, route, catcher.filePath) },
      range: catcher.fact.range,
      filePath: catcher.filePath,
    });
  }
}
