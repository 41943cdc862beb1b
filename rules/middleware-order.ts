import { coexist, constraintApplies, defineSettingsRule, isActiveStack, knownOf, lineOf, moveBefore, placed, sameLiteral, standsFor, where } from '../src/rules/stack-helpers.js';
import type { StackEntry, StackContext } from '../src/link/stacks.js';
import type { NodeStackEntry } from '../src/link/app-stacks.js';
import type { Fix, RegistrationFact } from '../src/model.js';
import { NODE_CONSTRAINTS } from '../src/knowledge/node.js';
import { covers, mayOverlap, moveRangeAbove, moveStatementAbove, orderedNodeEntries, registeredAt, registrationLabel, runsBefore } from '../src/rules/app-stack.js';
import type { RuleContextBase } from '../src/rules/api.js';

/**
 * An entry listed above what it depends on. The request half runs top-down, so a layer that reads
 * `request.session` must sit below the layer that sets it; Django's documented orderings add the
 * rest (caching, GZip, Locale, CSRF), and third-party packages' their own (before/after pairs, and
 * layers that go first or last, with the layers they tolerate beside them).
 */
export default defineSettingsRule({
  meta: {
    id: 'middleware-order',
    description: 'Each middleware is listed below what it depends on.',
    scope: 'stack',
    severity: 'error',
    recommended: true,
    fixable: true,
    messages: {
      readsBeforeSet:
        '`{{name}}` reads `request.{{attribute}}`{{when}}, which `{{provider}}` sets, but is listed above it ({{here}} vs {{there}}){{failure}}. Move `{{provider}}` above `{{name}}`.',
      documentedOrder: '`{{name}}` is listed above `{{other}}` ({{here}} vs {{there}}), but {{reason}}. Move `{{other}}` above `{{name}}`.',
      registeredBeforeProvider:
        '`{{name}}` reads `{{object}}.{{attribute}}`{{when}}, which `{{provider}}` sets, but is registered above it ({{here}} vs {{there}}){{failure}}. Register `{{provider}}` above `{{name}}`.',
      registeredBeforeDocumented: '`{{name}}` is registered above `{{other}}` ({{here}} vs {{there}}), but {{reason}}. Register `{{other}}` above `{{name}}`.',
      moveRegistration: 'Move the registration of `{{provider}}` above that of `{{name}}`.',
      useBelowRoute:
        '`{{name}}` is registered below every route it covers, `{{route}}` first ({{here}} vs {{there}}), whose handler answers without calling `next()`: Hono runs layers in registration order, so `{{name}}` never runs for that route\'s requests. Register it above the route.',
      registeredAfterRoute:
        '`{{name}}` is registered on `{{sub}}` after `{{route}}` copied `{{sub}}`\'s routes ({{here}} vs {{there}}): Hono copies a sub-app when it is mounted, so {{failure}}. Mount `{{sub}}` after it is complete.',
    },
    hasSuggestions: true,
  },
  check(ctx) {
    if (ctx.stack.framework !== undefined) {
      checkNodeStack(ctx);
      if (ctx.stack.framework === 'hono') checkHonoStack(ctx);
      return;
    }
    if (!isActiveStack(ctx)) return;
    const entries = placed(ctx);
    const index = new Map(entries.map((e, i) => [e, i]));
    const reported = new Set<string>();
    const fixFor = (moving: StackEntry, anchor: StackEntry) => {
      const text = ctx.textOf(anchor.filePath);
      return text && sameLiteral(moving, anchor) ? moveBefore(text, moving, anchor) : undefined;
    };
    for (const entry of entries) {
      const i = index.get(entry)!;
      for (const need of entry.needs) {
        const providers = entries.filter((p) => p !== entry && p.sets.includes(need.attribute) && coexist(p, entry));
        if (providers.length === 0 || providers.some((p) => index.get(p)! < i)) continue;
        const provider = providers[0]!;
        const key = `${entry.identity}>${provider.identity}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const known = entry.resolution.kind === 'builtin' ? entry.resolution.known : undefined;
        const fix = fixFor(provider, entry);
        ctx.report({
          messageId: 'readsBeforeSet',
          data: {
            name: entry.label,
            attribute: need.attribute,
            when: need.range ? ' before calling the next layer' : '',
            provider: provider.label,
            here: where(ctx, entry, entry.filePath),
            there: where(ctx, provider, entry.filePath),
            failure: known?.failure ? `: every request fails with ${quoteFailure(known.failure)}` : '',
          },
          range: entry.fact.range,
          filePath: entry.filePath,
          ...(fix ? { fix } : {}),
        });
      }
    }
    /** `high` is listed above `low`, which a documented ordering wants above it. */
    const documented = (high: StackEntry, low: StackEntry, reason: string, fix: Fix | undefined) =>
      ctx.report({
        messageId: 'documentedOrder',
        data: { name: high.label, other: low.label, here: where(ctx, high, high.filePath), there: where(ctx, low, high.filePath), reason },
        range: high.fact.range,
        filePath: high.filePath,
        ...(fix ? { fix } : {}),
      });
    for (const c of ctx.knowledge.constraints) {
      if (!constraintApplies(c, ctx)) continue;
      const uppers = entries.filter((e) => standsFor(e, c.upper));
      const lowers = entries.filter((e) => standsFor(e, c.lower));
      for (const lower of lowers) {
        const upper = uppers.find((u) => coexist(u, lower) && index.get(u)! > index.get(lower)!);
        if (!upper || uppers.some((u) => coexist(u, lower) && index.get(u)! < index.get(lower)!)) continue;
        const key = `${lower.identity}>${upper.identity}`;
        if (reported.has(key)) continue;
        reported.add(key);
        documented(lower, upper, c.reason, fixFor(upper, lower));
      }
    }
    // First / last: every other known layer goes below (above) it, except the tolerated ones and
    // those asking for the same end. Unknown layers are not held against it.
    for (const p of ctx.knowledge.positions) {
      const sameEnd = ctx.knowledge.positions.filter((q) => q.position === p.position).map((q) => q.path);
      const tolerated = (e: StackEntry) => [...p.tolerate, ...sameEnd].some((path) => standsFor(e, path));
      for (const target of entries.filter((e) => standsFor(e, p.path))) {
        const t = index.get(target)!;
        const offenders = entries.filter((e) => {
          const i = index.get(e)!;
          return (p.position === 'first' ? i < t : i > t) && knownOf(e) !== undefined && !tolerated(e) && coexist(e, target);
        });
        if (offenders.length === 0) continue;
        // First: the topmost offender is listed too high; last: the target is.
        const [high, low] = p.position === 'first' ? [offenders[0]!, target] : [target, offenders[0]!];
        const key = `${high.identity}>${low.identity}`;
        if (reported.has(key)) continue;
        reported.add(key);
        // One move fixes it only when nothing tolerated has to stay between them.
        const between = entries.slice(index.get(high)! + 1, index.get(low)!);
        const movable = p.position === 'first' ? !between.some(tolerated) : offenders.length === 1;
        documented(high, low, p.reason, movable ? fixFor(low, high) : undefined);
      }
    }
  },
});

type Messages = 'readsBeforeSet' | 'documentedOrder' | 'registeredBeforeProvider' | 'registeredBeforeDocumented' | 'moveRegistration' | 'useBelowRoute' | 'registeredAfterRoute';

/** Whether an entry is the middleware an id or a capability names (src/knowledge/node.ts). */
function isNode(entry: NodeStackEntry, idOrCapability: string): boolean {
  const known = entry.node.known;
  return known !== undefined && (known.id === idOrCapability || (known.provides ?? []).includes(idOrCapability));
}

/** The name of the request object in messages: the handler's own parameter, else the framework's usual one. */
function requestObject(entry: NodeStackEntry): string {
  const param = entry.node.unit?.handler?.requestParam;
  if (param) return param;
  return entry.node.framework === 'koa' ? 'ctx' : entry.node.framework === 'hono' ? 'c' : 'req';
}

/**
 * A Node app: a layer registered above the layer that sets what it reads (its project code's reads,
 * or a package's documented needs), and the packages' documented orderings. Only on requests both
 * see: the later provider's filter covers the reader's, and no provider that may serve those
 * requests is registered above it.
 */
function checkNodeStack(ctx: StackContext & RuleContextBase<Messages>): void {
  const entries = orderedNodeEntries(ctx);
  const reported = new Set<string>();
  const report = (reader: NodeStackEntry, provider: NodeStackEntry, messageId: 'registeredBeforeProvider' | 'registeredBeforeDocumented', data: Record<string, string>) => {
    const key = `${reader.fact.range.start}:${reader.filePath}>${provider.identity}`;
    if (reported.has(key)) return;
    reported.add(key);
    const text = ctx.textOf(reader.filePath);
    const fix = text ? moveStatementAbove(text, provider, reader, true) : undefined;
    const suggestion = !fix && text ? moveStatementAbove(text, provider, reader, false) : undefined;
    ctx.report({
      messageId,
      data: { ...data, here: registeredAt(ctx, reader, reader.filePath), there: registeredAt(ctx, provider, reader.filePath) },
      range: reader.fact.range,
      filePath: reader.filePath,
      ...(fix ? { fix } : {}),
      ...(suggestion ? { suggest: [{ messageId: 'moveRegistration', data: { provider: provider.label, name: reader.label }, fix: suggestion }] } : {}),
    });
  };
  /** A layer whose writes to the request are known: a package the knowledge base describes, or an analysed unit. */
  const writesKnown = (e: NodeStackEntry) => e.node.known !== undefined || e.node.unit?.handler !== undefined || e.node.kind === 'route';
  for (const reader of entries) {
    // A read in project code is a need only when every layer above it is known not to set it (unknown means silent).
    const above = ctx.stack.entries.filter((e) => e !== reader && (!e.node || !runsBefore(reader, e as NodeStackEntry)));
    const inferredSafe = !ctx.stack.open && above.every((e) => e.node !== undefined && !e.fact.positionUnknown && (writesKnown(e as NodeStackEntry) || !mayOverlap(e as NodeStackEntry, reader)));
    for (const need of reader.needs) {
      if (reader.node.known === undefined && !inferredSafe) continue;
      const providers = entries.filter((p) => p !== reader && p.sets.includes(need.attribute) && coexist(p, reader));
      if (providers.some((p) => runsBefore(p, reader) && mayOverlap(p, reader))) continue;
      const provider = providers.find((p) => runsBefore(reader, p) && covers(p, reader));
      if (!provider) continue;
      const failure = reader.node.known?.failure;
      report(reader, provider, 'registeredBeforeProvider', {
        name: reader.label,
        object: requestObject(reader),
        attribute: need.attribute,
        when: need.range && reader.node.kind !== 'route' ? ' before calling `next()`' : '',
        provider: provider.label,
        failure: failure ? `: every request fails with ${quoteFailure(failure)}` : '',
      });
    }
  }
  for (const c of NODE_CONSTRAINTS) {
    for (const lower of entries.filter((e) => isNode(e, c.lower))) {
      const uppers = entries.filter((e) => e !== lower && isNode(e, c.upper) && coexist(e, lower));
      if (uppers.some((u) => runsBefore(u, lower) && mayOverlap(u, lower))) continue;
      const upper = uppers.find((u) => runsBefore(lower, u) && covers(u, lower));
      if (!upper) continue;
      if (c.when && !ctx.packageMatches?.(lower.filePath, c.when.package, c.when.range)) continue;
      report(lower, upper, 'registeredBeforeDocumented', { name: lower.label, other: upper.label, reason: c.reason });
    }
  }
}

/** A runtime error quoted in a message: in backticks, unless it holds some itself (passport's does). */
function quoteFailure(failure: string): string {
  const text = failure.replace(/\.$/, '');
  return text.includes('`') ? `"${text}"` : `\`${text}\``;
}

/**
 * Hono's own order (NODE.md §3, hono `src/hono-base.ts`): layers run in registration order, so
 * `app.use` below a route whose handler answers without calling `next()` never runs for that
 * route's requests; and `app.route(prefix, sub)` copies `sub`'s routes when it is called, so what
 * is registered on `sub` later is not served under the prefix.
 */
function checkHonoStack(ctx: StackContext & RuleContextBase<Messages>): void {
  const entries = orderedNodeEntries(ctx);
  const reported = new Set<RegistrationFact>();
  for (const use of entries) {
    const r = use.node.registration;
    // Middleware on a path of its own (`app.use('/api/*', auth)`): for every path it may be meant for
    // requests no route matches. Registered below every route that may share its requests, it wraps
    // none of them; one route left above is an exclusion (`/admin/login` above `/admin/*`'s auth).
    if (use.node.kind === 'route' || r.method !== 'use' || use.node.path === '' || reported.has(r)) continue;
    const later = ctx.stack.entries.filter((e) => e.node !== undefined && e.node.order > use.node.order);
    if (later.some((e) => e.fact.positionUnknown || (e.node!.kind === 'route' && mayOverlap(use, e as NodeStackEntry)))) continue;
    // A handler that takes no `next` answers every request it matches; one that may call `next` (or is unknown) is silent.
    const route = entries.find((e) => e.node.handler && e.node.kind === 'route' && e.node.unit?.kind === 'function' && e.node.unit.nextParam === undefined && runsBefore(e, use) && coexist(e, use) && covers(use, e));
    if (!route) continue;
    reported.add(r);
    const text = ctx.textOf(use.filePath);
    const fix = text ? moveStatementAbove(text, use, route, true) : undefined;
    const suggestion = !fix && text ? moveStatementAbove(text, use, route, false) : undefined;
    const name = use.label;
    const routeLabel = registrationLabel(ctx, route);
    ctx.report({
      messageId: 'useBelowRoute',
      data: { name, route: routeLabel, here: registeredAt(ctx, use, use.filePath), there: registeredAt(ctx, route, use.filePath) },
      range: use.fact.range,
      filePath: use.filePath,
      ...(fix ? { fix } : {}),
      ...(suggestion ? { suggest: [{ messageId: 'moveRegistration', data: { provider: name, name: routeLabel }, fix: suggestion }] } : {}),
    });
  }
  for (const late of ctx.stack.uncopied ?? []) {
    const text = ctx.textOf(late.filePath);
    const line = (offset: number) => `line ${lineOf(text, offset)}`;
    const route = late.route;
    const sub = route.layers[0]?.value ?? '';
    const prefix = typeof route.path === 'string' ? route.path : undefined;
    const under = prefix !== undefined ? ` under \`${prefix}\`` : '';
    const failure = late.registration.method === 'use' ? `it never runs for requests${under}` : `its requests${under} answer 404`;
    // Adjacent statements: the registration moves above the mount (the same as the mount moving below it).
    const fix = text ? moveRangeAbove(text, late.registration.statement, route.statement, true) : undefined;
    ctx.report({
      messageId: 'registeredAfterRoute',
      data: {
        name: registrationLabel(ctx, { filePath: late.filePath, node: { registration: late.registration } }),
        sub,
        route: registrationLabel(ctx, { filePath: late.filePath, node: { registration: route } }),
        here: line(late.registration.range.start),
        there: line(route.range.start),
        failure,
      },
      range: late.registration.range,
      filePath: late.filePath,
      ...(fix ? { fix } : {}),
    });
  }
}
