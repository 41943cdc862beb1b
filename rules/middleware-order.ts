import { coexist, defineSettingsRule, isActiveStack, moveBefore, placed, sameLiteral, where } from '../src/rules/stack-helpers.js';
import type { StackEntry } from '../src/link/stacks.js';

/**
 * An entry listed above what it depends on. The request half runs top-down, so a layer that reads
 * `request.session` must sit below the layer that sets it; Django's documented orderings add the
 * rest (caching, GZip, Locale, CSRF).
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
    for (const c of ctx.knowledge.constraints) {
      const uppers = entries.filter((e) => e.identity === c.upper || e.label === c.upper);
      const lowers = entries.filter((e) => e.identity === c.lower || e.label === c.lower);
      for (const lower of lowers) {
        const upper = uppers.find((u) => coexist(u, lower) && index.get(u)! > index.get(lower)!);
        if (!upper || uppers.some((u) => coexist(u, lower) && index.get(u)! < index.get(lower)!)) continue;
        const key = `${lower.identity}>${upper.identity}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const fix = fixFor(upper, lower);
        ctx.report({
          messageId: 'documentedOrder',
          data: { name: lower.label, other: upper.label, here: where(ctx, lower, lower.filePath), there: where(ctx, upper, lower.filePath), reason: c.reason },
          range: lower.fact.range,
          filePath: lower.filePath,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
