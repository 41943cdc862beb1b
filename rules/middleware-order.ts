import { coexist, constraintApplies, defineSettingsRule, isActiveStack, knownOf, moveBefore, placed, sameLiteral, standsFor, where } from '../src/rules/stack-helpers.js';
import type { StackEntry } from '../src/link/stacks.js';
import type { Fix } from '../src/model.js';

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
    },
  },
  check(ctx) {
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
            failure: known?.failure ? `: every request fails with \`${known.failure.replace(/\.$/, '')}\`` : '',
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
